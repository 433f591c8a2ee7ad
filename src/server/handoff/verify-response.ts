import crypto from 'node:crypto';
import { HANDOFF_PROTOCOL, handoffSigningInput, type HandoffRejection, type HandoffResponse } from '../../domain/registration/handoff.ts';
import type { CardTrust } from '../national/card-trust.ts';

export interface StoredChallenge {
  challengeId: string;
  nonce: string;
  expiresAt: string;
  usedAt: string | null;
}

export type HandoffVerification =
  | { ok: true; certificateSerial: string }
  | { ok: false; rejection: HandoffRejection };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * R6 / P2: checks a card app's answer to a challenge — the challenge, then the certificate (RFC 5280
 * path to a configured anchor, validity at signing time, fresh revocation: CardTrust), then the
 * signature. The PIN is not part of it: the signature proves the card app accepted it. Pure apart
 * from the trust's lists: the caller loads the challenge and marks it used. `certificateSerial` is
 * normalised (lowercase hex, no leading zeros) for the card-holder lookup.
 */
export async function verifyHandoffResponse(input: {
  response: HandoffResponse;
  challenge: StoredChallenge | undefined;
  trust: CardTrust;
  now: Date;
}): Promise<HandoffVerification> {
  const { response, challenge, trust, now } = input;
  const reject = (rejection: HandoffRejection): HandoffVerification => ({ ok: false, rejection });

  if (!challenge) return reject('challenge_unknown');
  if (challenge.usedAt !== null) return reject('challenge_replayed');
  // Written as "not before" so an unreadable expiresAt (NaN) counts as expired.
  if (!(now.getTime() < Date.parse(challenge.expiresAt))) return reject('challenge_expired');
  // A response signed for another challenge must not be replayed against this one.
  if (
    response.protocol !== HANDOFF_PROTOCOL ||
    response.challengeId !== challenge.challengeId ||
    response.nonce !== challenge.nonce
  ) {
    return reject('signature_invalid');
  }

  // The protocol says DER (a SEQUENCE), base64; the trust checks the exact encoding.
  if (!BASE64.test(response.certificate)) return reject('certificate_malformed');
  const der = Buffer.from(response.certificate, 'base64');
  if (der[0] !== 0x30) return reject('certificate_malformed');
  const checked = await trust.checkCertificate(der, now);
  if (!checked.ok) return reject(checked.rejection);

  const signed = Buffer.from(handoffSigningInput(challenge), 'utf8');
  if (!signatureValid(checked.publicKey, signed, response.signature)) return reject('signature_invalid');
  return { ok: true, certificateSerial: checked.serial };
}

/** RSASSA-PKCS1-v1_5 or ECDSA, both with SHA-256; ECDSA as DER or as raw r‖s (what WebCrypto makes). */
function signatureValid(key: crypto.KeyObject, data: Buffer, signatureB64url: string): boolean {
  if (!BASE64URL.test(signatureB64url)) return false;
  const signature = Buffer.from(signatureB64url, 'base64url');
  try {
    switch (key.asymmetricKeyType) {
      case 'rsa':
        return crypto.verify('sha256', data, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature);
      case 'ec':
        return (
          crypto.verify('sha256', data, { key, dsaEncoding: 'der' }, signature) ||
          crypto.verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
        );
      default:
        return false;
    }
  } catch {
    return false;
  }
}
