import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/**
 * The only module that opens IndexedDB (STYLE 4). Everything the device keeps about patients is
 * here, encrypted: declaration drafts and the outbox of submitted forms (P4), and the device's
 * AES key that encrypts them. Callers use the typed handle from `database()`.
 */

export const DB_NAME = 'zaitaku';
/** Raise by one and add an `if (oldVersion < N)` step below; never edit a step that shipped. */
export const DB_VERSION = 2;

export const DRAFTS = 'drafts';
export const OUTBOX = 'outbox';
export const KEYS = 'keys';
/** The one record of the keys store. */
export const DEVICE_KEY_ID = 'device';
/** Issue 12 #15: the signing key of a tablet the clinic enrolled (one record, `ENROLMENT_ID`). */
export const ENROLMENT = 'enrolment';
export const ENROLMENT_ID = 'device';

/** AES-GCM ciphertext with its IV. The plaintext (JSON of the form and guide outcome) is never stored. */
export interface EncryptedPayload {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

export interface DraftRecord {
  id: string;
  /** Which clinic link the draft belongs to; not patient data, kept in clear to find the draft. */
  linkToken: string;
  updatedAt: number;
  /** The device key that encrypted `payload` (a key lost with cleared storage cannot decrypt it). */
  keyId: string;
  payload: EncryptedPayload;
}

export type OutboxRecordState = 'queued' | 'sending' | 'rejected';

export interface OutboxError {
  code: string;
  message: string;
  fields?: Record<string, string>;
}

/**
 * What an outbox entry carries. Absent means 'declaration' (every entry written before guide
 * records existed), so adding the kind needed no upgrade step: it is not indexed.
 */
export type OutboxRecordKind = 'declaration' | 'guideRecord';

export interface OutboxRecord {
  id: string;
  kind?: OutboxRecordKind;
  state: OutboxRecordState;
  /** Changes whenever the content is replaced, so a send finishing late never acts on newer content. */
  rev: string;
  attempts: number;
  queuedAt: number;
  lastAttemptAt: number | null;
  /** The server's refusal (4xx, kept for staff to read) or why the last try did not get through. */
  lastError: OutboxError | null;
  keyId: string;
  /** Set when decryption failed although the key id matched (damaged record). */
  unreadable?: true;
  payload: EncryptedPayload;
}

export interface DeviceKeyRecord {
  /** Non-extractable AES-GCM key: structured clone stores it without exposing its bytes. */
  key: CryptoKey;
  keyId: string;
  createdAt: number;
}

/**
 * Issue 12 #15: the tablet's enrolment. The private key is a non-extractable ECDSA P-256
 * CryptoKey: the browser signs with it but never hands out its bytes, so it cannot be copied to
 * another device; clearing site storage destroys it (the device becomes unknown to the clinic).
 */
export interface EnrolmentRecord {
  keyId: string;
  privateKey: CryptoKey;
  institutionName: string;
  label: string;
  enrolledAt: string;
}

export interface ZaitakuDB extends DBSchema {
  [DRAFTS]: { key: string; value: DraftRecord; indexes: { 'by-link': string } };
  [OUTBOX]: { key: string; value: OutboxRecord; indexes: { 'by-state': OutboxRecordState } };
  [KEYS]: { key: string; value: DeviceKeyRecord };
  [ENROLMENT]: { key: string; value: EnrolmentRecord };
}

export type Database = IDBPDatabase<ZaitakuDB>;

let opening: Promise<Database> | null = null;

/** The shared connection, opened on first use. */
export function database(): Promise<Database> {
  opening ??= openDB<ZaitakuDB>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        const drafts = db.createObjectStore(DRAFTS, { keyPath: 'id' });
        drafts.createIndex('by-link', 'linkToken');
        const outbox = db.createObjectStore(OUTBOX, { keyPath: 'id' });
        outbox.createIndex('by-state', 'state');
        db.createObjectStore(KEYS);
      }
      if (oldVersion < 2) {
        db.createObjectStore(ENROLMENT);
      }
    },
    // Another tab runs a newer version: let it upgrade, and reopen (upgraded) on next use.
    blocking() {
      opening?.then((db) => db.close()).catch(() => undefined);
      opening = null;
    },
    // The browser closed the connection (storage cleared, for instance): reopen on next use.
    terminated() {
      opening = null;
    },
  }).catch((err: unknown) => {
    opening = null;
    throw err;
  });
  return opening;
}
