/**
 * A submission sealed to the institution's public key (issue 12 #7): the outbox keeps only this
 * envelope, so a stolen tablet cannot read what it has queued — the device holds no key that
 * opens it. ECDH P-256 with a fresh (ephemeral) key pair per envelope, HKDF-SHA-256, AES-256-GCM,
 * all WebCrypto: the browser seals, the server opens with Node's WebCrypto.
 *
 * Outside the seal, in clear: the id (the idempotency key), the kind, the institution key id and
 * the link it is addressed to. The link is not bound into the seal on purpose: after a reissue
 * the outbox re-addresses the envelope to the new link without opening it (issue 12 #13). The
 * kind, id and key id are bound (HKDF info and AES-GCM additional data): an envelope cannot be
 * passed off as another record, and another institution's key does not open it.
 */

export const SEALED_VERSION = 1;

export type SealedKind = 'declaration' | 'guideRecord';

/** The institution's public key as the app receives it with the public details. */
export interface DeclarationKeyDto {
  keyId: string;
  /** ECDH P-256 public key: { kty: 'EC', crv: 'P-256', x, y }. */
  publicKey: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
}

export interface SealedEnvelope {
  sealed: typeof SEALED_VERSION;
  kind: SealedKind;
  id: string;
  /** Where it is sent: the institution link it is addressed to (re-addressable). */
  linkToken: string;
  keyId: string;
  /** The ephemeral public key. */
  epk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  iv: string;
  ciphertext: string;
}

export function isSealedEnvelope(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && (value as { sealed?: unknown }).sealed !== undefined;
}

/**
 * Bound into the seal (HKDF info and AES-GCM additional data). The app seals
 * (src/app/storage/seal.ts) and the server opens (src/server/declaration/sealed-intake.ts), each
 * with its own runtime's WebCrypto; both derive the key as: ECDH P-256 shared secret (256 bits) →
 * HKDF-SHA-256 (salt 32 zero bytes, info = this) → AES-256-GCM (12-byte IV, additional data = this).
 */
export function sealBinding(kind: SealedKind, id: string, keyId: string): string {
  return `zaitaku:sealed:v${SEALED_VERSION}:${kind}:${id.toLowerCase()}:${keyId}`;
}
