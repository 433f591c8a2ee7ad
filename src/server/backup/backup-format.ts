import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { BackupTamperedError, BackupTooNewError, WrongBackupKeyError, BackupRefusedError } from './backup-errors.ts';

/**
 * The encrypted backup file (issue 20 #1), format 1. AES-256-GCM in chunks, so a database of any
 * size is encrypted and decrypted a chunk at a time, and the whole file is authenticated:
 *
 *   header   64 bytes: "ZUBACKUP", format (u16), 0 (u16), chunk size (u32), salt (16),
 *            key check (16), zeros (16)
 *   chunks   each: plaintext length (u32), ciphertext, GCM tag (16)
 *   manifest ciphertext of the manifest's JSON, GCM tag (16)
 *   trailer  16 bytes: manifest record length (u32), 0 (u32), "ZUBK-END"
 *
 * Each file has its own key, derived from the key file's key and the file's random salt (HKDF),
 * so nonces (a kind and a counter) never repeat under one key. Every chunk's associated data is
 * the header, its index and whether it is the last: a chunk changed, moved, dropped or a file cut
 * after any chunk fails to open. The manifest's associated data is the header too, and the
 * manifest holds the SHA-256 of everything before it and of the plaintext.
 */
export const BACKUP_FORMAT_VERSION = 1;
export const BACKUP_FILE_EXTENSION = '.zbak';
const MAGIC = Buffer.from('ZUBACKUP', 'ascii');
const END_MAGIC = Buffer.from('ZUBK-END', 'ascii');
const HEADER_BYTES = 64;
const TRAILER_BYTES = 16;
const TAG_BYTES = 16;
const CHUNK_BYTES = 1024 * 1024;
/** A chunk larger than this in a header is not ours (and must not make us allocate it). */
const MAX_CHUNK_BYTES = 64 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 1024 * 1024;
const KIND_DATA = 0;
const KIND_MANIFEST = 1;

/** What a backup says about itself; authenticated with the backup. */
export interface BackupManifest {
  format: 'zaitaku-backup';
  formatVersion: number;
  /** `sqlite`: the embedded database file; `postgres`: a pg_dump -Fc with its snapshot's counts; `file`: any file. */
  kind: 'sqlite' | 'postgres' | 'file';
  createdAt: string;
  /** The newest migration applied (null for `file`). */
  schemaVersion: string | null;
  /** Rows per table at the moment of the copy (empty for `file`). */
  rowCounts: Record<string, number>;
  /** The audit trail's head in the copy (null for `file`). */
  auditHead: { seq: number; hash: string } | null;
  plaintextBytes: number;
  plaintextSha256: string;
  /** SHA-256 of the file's bytes before the manifest (header and chunks). */
  encryptedSha256: string;
}

export type ManifestFields = Omit<BackupManifest, 'format' | 'formatVersion' | 'plaintextBytes' | 'plaintextSha256' | 'encryptedSha256'>;

function fileKey(key: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, 'zaitaku-backup v1 aes-256-gcm', 32));
}

function keyCheck(key: Buffer, salt: Buffer): Buffer {
  return createHmac('sha256', key).update('zaitaku-backup v1 key check').update(salt).digest().subarray(0, 16);
}

function nonce(kind: number, index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(kind, 0);
  iv.writeBigUInt64BE(BigInt(index), 4);
  return iv;
}

function chunkAad(header: Buffer, index: number, last: boolean): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index), 0);
  tail.writeUInt8(last ? 1 : 0, 8);
  return Buffer.concat([header, tail]);
}

function manifestAad(header: Buffer): Buffer {
  return Buffer.concat([header, Buffer.from('manifest', 'ascii')]);
}

/**
 * Encrypts `plainPath` into `outPath` (created 0600, must not exist) and returns the manifest
 * written into it. Reads one chunk at a time.
 */
export async function writeBackupFile(plainPath: string, outPath: string, key: Buffer, fields: ManifestFields, chunkBytes = CHUNK_BYTES): Promise<BackupManifest> {
  const salt = randomBytes(16);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt16BE(BACKUP_FORMAT_VERSION, 8);
  header.writeUInt32BE(chunkBytes, 12);
  salt.copy(header, 16);
  keyCheck(key, salt).copy(header, 32);
  const k = fileKey(key, salt);
  const plainHash = createHash('sha256');
  const encHash = createHash('sha256');
  const input = await fs.open(plainPath, 'r');
  const output = await fs.open(outPath, 'wx', 0o600);
  try {
    const size = (await input.stat()).size;
    const write = async (bytes: Buffer) => {
      encHash.update(bytes);
      await output.write(bytes);
    };
    await write(header);
    const buffer = Buffer.alloc(chunkBytes);
    let offset = 0;
    let index = 0;
    // At least one chunk, the last one marked: an empty file is one empty last chunk.
    do {
      const want = Math.min(chunkBytes, size - offset);
      const { bytesRead } = want > 0 ? await input.read(buffer, 0, want, offset) : { bytesRead: 0 };
      if (bytesRead !== want) throw new BackupRefusedError('The database copy changed size while it was being encrypted.');
      offset += bytesRead;
      const plain = buffer.subarray(0, bytesRead);
      plainHash.update(plain);
      const last = offset >= size;
      const cipher = createCipheriv('aes-256-gcm', k, nonce(KIND_DATA, index));
      cipher.setAAD(chunkAad(header, index, last));
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytesRead, 0);
      await write(Buffer.concat([length, cipher.update(plain), cipher.final(), cipher.getAuthTag()]));
      index += 1;
      if (last) break;
    } while (true);
    const manifest: BackupManifest = {
      format: 'zaitaku-backup',
      formatVersion: BACKUP_FORMAT_VERSION,
      ...fields,
      plaintextBytes: size,
      plaintextSha256: plainHash.digest('hex'),
      encryptedSha256: encHash.digest('hex'),
    };
    const record = sealManifest(header, k, manifest);
    await output.write(record);
    const trailer = Buffer.alloc(TRAILER_BYTES);
    trailer.writeUInt32BE(record.length, 0);
    END_MAGIC.copy(trailer, 8);
    await output.write(trailer);
    await output.sync();
    return manifest;
  } finally {
    await input.close();
    await output.close();
  }
}


function sealManifest(header: Buffer, k: Buffer, manifest: unknown): Buffer {
  const cipher = createCipheriv('aes-256-gcm', k, nonce(KIND_MANIFEST, 0));
  cipher.setAAD(manifestAad(header));
  return Buffer.concat([cipher.update(JSON.stringify(manifest), 'utf8'), cipher.final(), cipher.getAuthTag()]);
}

export interface OpenedBackup {
  manifest: BackupManifest;
  /** Where the manifest record starts (the chunks end there). */
  manifestOffset: number;
  /** Decrypts every chunk into `outPath` (created 0600, must not exist), checking each and the whole. */
  decryptTo(outPath: string): Promise<void>;
}

/**
 * Opens a backup: checks the header, the key and the manifest, without decrypting the data yet
 * (so a newer schema is refused before anything is written). Throws a BackupRefusedError with a
 * one-line message for anything wrong.
 */
export async function openBackupFile(file: string, key: Buffer): Promise<OpenedBackup> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    throw new BackupRefusedError(`Cannot read the backup file ${file}.`);
  }
  try {
    const size = (await handle.stat()).size;
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    if (bytesRead < MAGIC.length || !header.subarray(0, 8).equals(MAGIC)) throw new BackupRefusedError(`${file} is not a Zaitaku backup file.`);
    if (bytesRead < HEADER_BYTES) throw new BackupTamperedError(`The backup ${file} is truncated (it ends inside its header).`);
    const version = header.readUInt16BE(8);
    if (version > BACKUP_FORMAT_VERSION) throw new BackupTooNewError(`The backup ${file} has format ${version}; this version reads format ${BACKUP_FORMAT_VERSION} only: restore it with a newer version.`);
    if (version !== BACKUP_FORMAT_VERSION) throw new BackupTamperedError(`The backup ${file} has an unknown format (${version}).`);
    const salt = header.subarray(16, 32);
    if (!timingSafeEqual(keyCheck(key, salt), header.subarray(32, 48))) {
      throw new WrongBackupKeyError(`Wrong key: the backup key file does not open ${file} (or its header was changed).`);
    }
    const chunkBytes = header.readUInt32BE(12);
    if (chunkBytes === 0 || chunkBytes > MAX_CHUNK_BYTES) throw new BackupTamperedError(`The backup ${file} is damaged or was changed (chunk size).`);
    const truncated = () => new BackupTamperedError(`The backup ${file} is truncated or damaged (its end marker is missing).`);
    if (size < HEADER_BYTES + TRAILER_BYTES) throw truncated();
    const trailer = Buffer.alloc(TRAILER_BYTES);
    await handle.read(trailer, 0, TRAILER_BYTES, size - TRAILER_BYTES);
    if (!trailer.subarray(8).equals(END_MAGIC)) throw truncated();
    const recordLength = trailer.readUInt32BE(0);
    const manifestOffset = size - TRAILER_BYTES - recordLength;
    if (recordLength < TAG_BYTES || recordLength > MAX_MANIFEST_BYTES || manifestOffset < HEADER_BYTES) throw truncated();
    const record = Buffer.alloc(recordLength);
    await handle.read(record, 0, recordLength, manifestOffset);
    const k = fileKey(key, salt);
    let manifest: BackupManifest;
    try {
      const decipher = createDecipheriv('aes-256-gcm', k, nonce(KIND_MANIFEST, 0));
      decipher.setAAD(manifestAad(header));
      decipher.setAuthTag(record.subarray(recordLength - TAG_BYTES));
      manifest = JSON.parse(Buffer.concat([decipher.update(record.subarray(0, recordLength - TAG_BYTES)), decipher.final()]).toString('utf8')) as BackupManifest;
    } catch {
      throw new BackupTamperedError(`The backup ${file} was changed or is damaged: its manifest does not authenticate.`);
    }
    if (manifest.format !== 'zaitaku-backup' || manifest.formatVersion !== version) throw new BackupTamperedError(`The backup ${file} has a manifest of another format.`);
    return {
      manifest,
      manifestOffset,
      decryptTo: (outPath) => decryptChunks(file, header, k, chunkBytes, manifestOffset, manifest, outPath),
    };
  } finally {
    await handle.close();
  }
}

async function decryptChunks(file: string, header: Buffer, k: Buffer, chunkBytes: number, end: number, manifest: BackupManifest, outPath: string): Promise<void> {
  const tampered = (what: string) => new BackupTamperedError(`The backup ${file} was changed or is damaged: ${what}.`);
  const output = await fs.open(outPath, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    throw new BackupRefusedError(error.code === 'EEXIST' ? `${outPath} exists already: it was not replaced.` : `Cannot create ${outPath}.`);
  });
  const input = await fs.open(file, 'r');
  const plainHash = createHash('sha256');
  const encHash = createHash('sha256').update(header);
  try {
    let offset = HEADER_BYTES;
    let index = 0;
    let plainBytes = 0;
    const lengthBytes = Buffer.alloc(4);
    const body = Buffer.alloc(chunkBytes + TAG_BYTES);
    for (;;) {
      if (offset + 4 + TAG_BYTES > end) throw tampered(`chunk ${index} is missing`);
      await input.read(lengthBytes, 0, 4, offset);
      const length = lengthBytes.readUInt32BE(0);
      if (length > chunkBytes || offset + 4 + length + TAG_BYTES > end) throw tampered(`chunk ${index} does not fit`);
      const { bytesRead } = await input.read(body, 0, length + TAG_BYTES, offset + 4);
      if (bytesRead !== length + TAG_BYTES) throw tampered(`chunk ${index} is cut short`);
      const sealed = body.subarray(0, length + TAG_BYTES);
      encHash.update(lengthBytes).update(sealed);
      offset += 4 + length + TAG_BYTES;
      // The last chunk is the one that ends where the manifest begins; its flag is authenticated.
      const last = offset === end;
      const decipher = createDecipheriv('aes-256-gcm', k, nonce(KIND_DATA, index));
      decipher.setAAD(chunkAad(header, index, last));
      decipher.setAuthTag(sealed.subarray(length));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(sealed.subarray(0, length)), decipher.final()]);
      } catch {
        throw tampered(`chunk ${index} does not authenticate`);
      }
      plainHash.update(plain);
      plainBytes += plain.length;
      await output.write(plain);
      index += 1;
      if (last) break;
    }
    if (encHash.digest('hex') !== manifest.encryptedSha256) throw tampered('the checksum of the encrypted data differs from the manifest');
    if (plainBytes !== manifest.plaintextBytes || plainHash.digest('hex') !== manifest.plaintextSha256) throw tampered('the checksum of the decrypted data differs from the manifest');
    await output.sync();
  } finally {
    await input.close();
    await output.close();
  }
}

/** SHA-256 of a whole file, read a chunk at a time (the sidecar's checksum for off-site copies). */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
