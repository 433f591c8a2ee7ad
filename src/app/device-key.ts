import {
  base64url,
  DEVICE_KEY_HEADER,
  DEVICE_NONCE_HEADER,
  DEVICE_SIGNATURE_HEADER,
  DEVICE_TIMESTAMP_HEADER,
  signedText,
  type DevicePublicKey,
} from '../domain/staff/device-signature.ts';
import { database, ENROLMENT, ENROLMENT_ID, type EnrolmentRecord } from './storage/db.ts';

/**
 * Issue 12 #15: this tablet as a device the clinic trusts. Enrolment makes an ECDSA P-256 key
 * pair whose private half is non-extractable (kept as a CryptoKey in IndexedDB, never as bytes),
 * registers the public half with a one-time code (reception/enrol-api.ts), and from then on every request to the
 * institution's public endpoints carries a signature (see api-client `signed`).
 */

/** The enrolment of this device, or null (never enrolled, or storage cleared). */
export async function currentEnrolment(): Promise<EnrolmentRecord | null> {
  try {
    const db = await database();
    return (await db.get(ENROLMENT, ENROLMENT_ID)) ?? null;
  } catch {
    // No IndexedDB (private mode on some browsers): an unknown device.
    return null;
  }
}

/**
 * A new key pair for enrolment: the private half cannot be exported, the public half as the
 * server reads it. Null where the browser has no Web Crypto.
 */
export async function newDeviceKey(): Promise<{ privateKey: CryptoKey; publicKey: DevicePublicKey } | null> {
  if (!globalThis.crypto?.subtle) return null;
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, publicKey: { kty: 'EC', crv: 'P-256', x: jwk.x ?? '', y: jwk.y ?? '' } };
}

/** Keeps the enrolment the server confirmed; from now on requests are signed with its key. */
export async function keepEnrolment(record: EnrolmentRecord): Promise<void> {
  const db = await database();
  await db.put(ENROLMENT, record, ENROLMENT_ID);
}

/** Staff "forget the enrolment" on this device (the clinic should also revoke it). */
export async function forgetEnrolment(): Promise<void> {
  const db = await database();
  await db.delete(ENROLMENT, ENROLMENT_ID);
}

/**
 * The signature headers for one request: over the method, the path, the time, a fresh nonce and
 * the SHA-256 of the exact body text. Empty when this device is not enrolled.
 */
export async function signatureHeaders(method: string, path: string, body: string): Promise<Record<string, string>> {
  const enrolment = await currentEnrolment();
  if (!enrolment || !globalThis.crypto?.subtle) return {};
  const timestamp = String(Date.now());
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(18)));
  const bodySha256 = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body)));
  const text = new TextEncoder().encode(signedText({ method, path, timestamp, nonce, bodySha256 }));
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, enrolment.privateKey, text);
  return {
    [DEVICE_KEY_HEADER]: enrolment.keyId,
    [DEVICE_TIMESTAMP_HEADER]: timestamp,
    [DEVICE_NONCE_HEADER]: nonce,
    [DEVICE_SIGNATURE_HEADER]: base64url(signature),
  };
}
