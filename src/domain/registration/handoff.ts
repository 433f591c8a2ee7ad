/**
 * The card-authentication handoff (R6) as a protocol a real card-app adapter can implement.
 *
 * 1. The reception server issues a single-use challenge bound to one pending registration; it
 *    expires after CHALLENGE_TTL_MS.
 * 2. The card app signs `handoffSigningInput(challenge)` with the private key of the card's user
 *    certificate (利用者証明用電子証明書), after the patient typed the PIN on the card app — the
 *    PIN never leaves the card app (P2).
 * 3. The card app posts a `HandoffResponse` to the challenge's callback URL. The server checks the
 *    signature, the certificate chain to its trust anchor, the validity period and the revocation
 *    list, and only then resolves the card holder and registers the consent.
 */
export const HANDOFF_PROTOCOL = 'zaitaku-handoff-v1';
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
/**
 * Issue 12 #12: answers to one challenge that may fail verification before further unverified
 * answers are refused without being recorded (`challenge_answers_limited`, 429). A verified
 * answer is still accepted until the challenge expires, so junk cannot lock the patient out.
 */
export const MAX_FAILED_ANSWERS_PER_CHALLENGE = 5;

export interface HandoffChallenge {
  challengeId: string;
  /** 32 random bytes, base64url. */
  nonce: string;
  /** ISO-8601 instant after which the challenge is refused. */
  expiresAt: string;
}

/** The exact bytes the card signs (UTF-8 of this string): protocol, challenge id and nonce. */
export function handoffSigningInput(challenge: Pick<HandoffChallenge, 'challengeId' | 'nonce'>): string {
  return `${HANDOFF_PROTOCOL}\n${challenge.challengeId}\n${challenge.nonce}`;
}

/** What the card app sends back (validated by `handoffResponseSchema` in handoff-schema.ts). */
export interface HandoffResponse {
  protocol: typeof HANDOFF_PROTOCOL;
  challengeId: string;
  /** The nonce as received, so a response cannot be moved to another challenge. */
  nonce: string;
  /** Signature over handoffSigningInput, base64url (RSASSA-PKCS1-v1_5 with SHA-256, or ECDSA P-256 with SHA-256). */
  signature: string;
  /** The card's user certificate, DER, base64. */
  certificate: string;
}

/** Why the server refused a handoff response; each has its own patient-facing message. */
export const HANDOFF_REJECTIONS = [
  'challenge_unknown',
  'challenge_replayed',
  'challenge_expired',
  'signature_invalid',
  'certificate_malformed',
  'certificate_untrusted',
  'certificate_expired',
  'certificate_revoked',
  // Issue 12 §3: the revocation list of the card's issuer is out of date or could not be loaded.
  'revocation_unavailable',
  'card_not_registered',
  // An online consultation whose date passed before the card step finished (R3, V3).
  'consultation_date_passed',
  // U1: the card that confirms a change must be the consent holder's, and the consent still in force.
  'card_holder_mismatch',
  'consent_not_active',
  // Issue 12 #12: too many unverified answers to this challenge; a verified one still counts.
  'challenge_answers_limited',
] as const;
export type HandoffRejection = (typeof HANDOFF_REJECTIONS)[number];
