import { z } from '../shared/zod.ts';
import { SEALED_VERSION } from './sealed-envelope.ts';

// The server's check of an envelope (issue 12 #7). Kept apart from sealed-envelope.ts so that the
// app, which only seals, does not carry zod in its first-load entry.
const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/).max(2_000_000);
const ecPublicJwk = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: b64url.max(64), y: b64url.max(64) }).strip();

export const sealedEnvelopeSchema = z
  .object({
    sealed: z.literal(SEALED_VERSION),
    kind: z.enum(['declaration', 'guideRecord']),
    id: z.string().uuid(),
    linkToken: z.string().min(1).max(200),
    keyId: z.string().min(1).max(64),
    epk: ecPublicJwk,
    iv: b64url.max(32),
    ciphertext: b64url,
  })
  .strict();
