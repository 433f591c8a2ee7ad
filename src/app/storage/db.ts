import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DeclarationKeyDto, SealedEnvelope } from '../../domain/declaration/sealed-envelope.ts';

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
/** issue 12 #7 (version 2): institutions' public keys by link, for sealing while offline. */
export const INSTITUTION_KEYS = 'institutionKeys';
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
  /**
   * Set on a draft the reception's result screen filled in from the eligibility record (E2) and
   * nobody has edited since: a guide walk that ends without the form deletes it, so the patient's
   * name does not stay on the tablet (P4). Not patient data.
   */
  prefilledOnly?: true;
}

/**
 * 'attention' (issue 12 #13): refused because the link was reissued (link_invalid) or the device
 * revoked (device_revoked). Kept, never sent by the regular passes, and queued again when a valid
 * link of the same institution is opened on this device (which also proves it is allowed again).
 */
export type OutboxRecordState = 'queued' | 'sending' | 'rejected' | 'attention';

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
  /**
   * issue 12 #7: the content sealed to the institution's public key. Nothing on the device opens
   * it; its link (re-addressable) and the institution key id are in clear.
   */
  envelope?: SealedEnvelope;
  /**
   * Only until it can be sealed (no institution key cached yet when it was queued offline, or an
   * entry written before sealing existed): the content encrypted with the device key.
   */
  keyId?: string;
  payload?: EncryptedPayload;
  /** The link of a not-yet-sealed entry, in clear, to fetch the institution's key. */
  linkToken?: string;
  /** Set when decryption failed although the key id matched (damaged record). */
  unreadable?: true;
}

/** An institution's public key as last received with the public details of `linkToken`. */
export interface InstitutionKeyRecord {
  linkToken: string;
  key: DeclarationKeyDto;
  savedAt: number;
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
  [INSTITUTION_KEYS]: { key: string; value: InstitutionKeyRecord; indexes: { 'by-key': string } };
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
        const keys = db.createObjectStore(INSTITUTION_KEYS, { keyPath: 'linkToken' });
        keys.createIndex('by-key', 'key.keyId');
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
