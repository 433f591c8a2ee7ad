import { z } from '../shared/zod.ts';

// Apart from card-simulator.ts so that the simulator page does not load zod.
/** What the card app sends to the simulated card: the PIN (4 digits, P2) and the challenge to sign. */
export const simCardSignRequestSchema = z
  .object({
    pin: z.string().regex(/^\d{4}$/),
    challengeId: z.string().min(1).max(100),
    nonce: z.string().min(1).max(100),
  })
  .strict();
export type SimCardSignRequest = z.infer<typeof simCardSignRequestSchema>;
