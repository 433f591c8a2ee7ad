import { z } from '../shared/zod.ts';
import { HANDOFF_PROTOCOL, type HandoffResponse } from './handoff.ts';

// Apart from handoff.ts so that screens using the protocol's constants do not load zod.
/** The card app's answer, as the reception validates it. */
export const handoffResponseSchema: z.ZodType<HandoffResponse> = z.object({
  protocol: z.literal(HANDOFF_PROTOCOL),
  challengeId: z.string().min(1).max(100),
  /** The nonce as received, so a response cannot be moved to another challenge. */
  nonce: z.string().min(1).max(100),
  /** Signature over handoffSigningInput, base64url (RSASSA-PKCS1-v1_5 with SHA-256, or ECDSA P-256 with SHA-256). */
  signature: z.string().min(1).max(2048),
  /** The card's user certificate, DER, base64. */
  certificate: z.string().min(1).max(16384),
})
  // Nothing else may ride along: a PIN or a My Number in the answer is refused (P1, P2).
  .strict();
