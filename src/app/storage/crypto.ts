import { database, DEVICE_KEY_ID, KEYS, type DeviceKeyRecord, type EncryptedPayload } from './db.ts';

/**
 * Encryption at rest (P4): AES-GCM 256 with one non-extractable key per device, kept in
 * IndexedDB, and a fresh 12-byte IV for every write. The record's store and id are bound in as
 * additional data, so a ciphertext cannot be passed off as another record.
 */

/** Thrown when a payload cannot be decrypted: its key is gone (storage cleared) or it is damaged. */
export class UnreadablePayloadError extends Error {
  override name = 'UnreadablePayloadError';
}

/** The current device key, or null when none was ever made (or it was cleared). Never creates one. */
export async function currentDeviceKey(): Promise<DeviceKeyRecord | null> {
  const db = await database();
  return (await db.get(KEYS, DEVICE_KEY_ID)) ?? null;
}

/** The device key, made on first use. Two tabs racing keep whichever was stored first. */
async function deviceKey(): Promise<DeviceKeyRecord> {
  const existing = await currentDeviceKey();
  if (existing) return existing;
  if (!globalThis.crypto?.subtle) throw new Error('WebCrypto is unavailable (the page must be served over HTTPS).');
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const candidate: DeviceKeyRecord = { key, keyId: crypto.randomUUID(), createdAt: Date.now() };
  // generateKey cannot run inside a transaction (it would commit), so check again in one.
  const db = await database();
  const tx = db.transaction(KEYS, 'readwrite');
  const stored = await tx.store.get(DEVICE_KEY_ID);
  if (!stored) await tx.store.put(candidate, DEVICE_KEY_ID);
  await tx.done;
  return stored ?? candidate;
}

function additionalData(store: string, id: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`zaitaku:${store}:${id}`);
}

export async function encryptJson(value: unknown, store: string, id: string): Promise<{ keyId: string; payload: EncryptedPayload }> {
  const { key, keyId } = await deviceKey();
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(store, id) }, key, plain);
  return { keyId, payload: { iv, data } };
}

export async function decryptJson<T>(payload: EncryptedPayload, keyId: string, store: string, id: string): Promise<T> {
  const current = await currentDeviceKey();
  if (!current || current.keyId !== keyId) throw new UnreadablePayloadError('The key of this record is gone.');
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: payload.iv, additionalData: additionalData(store, id) }, current.key, payload.data);
    return JSON.parse(new TextDecoder().decode(plain)) as T;
  } catch {
    throw new UnreadablePayloadError('This record could not be decrypted.');
  }
}
