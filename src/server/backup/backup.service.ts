import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { backup as sqliteBackup, DatabaseSync } from 'node:sqlite';
import { Kysely, SqliteDialect } from 'kysely';
import { verifyAuditChain } from '../audit/audit.service.ts';
import { SQLITE_FILE_NAME, type Tables } from '../db/database.ts';
import { kyselySqliteDatabase } from '../db/node-sqlite.ts';
import { ensurePrivateDir } from '../secrets/private-files.ts';
import { BackupRefusedError, BackupTamperedError, BackupTooNewError, RestoreCheckFailedError } from './backup-errors.ts';
import { BACKUP_FILE_EXTENSION, openBackupFile, sha256OfFile, writeBackupFile, type BackupManifest, type ManifestFields } from './backup-format.ts';
import { isInside } from './backup-key.ts';
import { appliedSchemaVersion, auditHeadOf, integrityCheck, rowCounts, useRollbackJournal, waitForLocks } from './backup.repository.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../db/migrations');
/** The plaintext copy lives in the data directory (0700) while it is encrypted, never in BACKUP_DIR. */
const COPY_PREFIX = '.backup-copy-';
/** SQLite copies every page in one step: one read snapshot, so writers never restart the copy. */
const ALL_PAGES = 2 ** 31 - 1;
const NAME = /^zaitaku-(\d{8}T\d{6})Z(?:-(\d+))?(?:\.pgdump)?\.zbak$/;
export const MANIFEST_SUFFIX = '.manifest.json';

export interface BackupResult {
  file: string;
  manifest: BackupManifest;
  /** SHA-256 of the whole encrypted file (also in the sidecar `<file>.manifest.json`). */
  fileSha256: string;
  bytes: number;
  seconds: number;
}

/**
 * Issue 20 #1: a consistent copy of the embedded database while the server keeps serving, encrypted
 * into `backupDir`. The copy is taken through a connection of its own with SQLite's online backup
 * in a single step, i.e. inside one read transaction: every commit that returned before it began is
 * in it, none that began after it is half in it, and in WAL mode writers are not held up. The
 * manifest is read from the copy itself, so its counts and audit head describe exactly that copy.
 */
export async function createBackup(options: { dataDir: string; backupDir: string; key: Buffer; now: Date; outFile?: string }): Promise<BackupResult> {
  const started = performance.now();
  const source = path.join(options.dataDir, SQLITE_FILE_NAME);
  if (!fs.existsSync(source)) throw new BackupRefusedError(`There is no database to back up in ${options.dataDir}.`);
  if (isInside(options.backupDir, options.dataDir)) throw new BackupRefusedError(`The backup directory ${options.backupDir} is inside the data directory: choose one outside it.`);
  // BACKUP_DIR is made the owner's only; a directory named by --out is left as it is (it may be /tmp).
  if (!options.outFile) ensurePrivateDir(options.backupDir);
  removeStaleCopies(options.dataDir);
  const copy = path.join(options.dataDir, `${COPY_PREFIX}${randomBytes(8).toString('hex')}.sqlite`);
  const out = options.outFile ? path.resolve(options.outFile) : freeName(options.backupDir, options.now);
  if (isInside(out, options.dataDir)) throw new BackupRefusedError(`The backup file ${out} would be inside the data directory: choose a place outside it.`);
  const partial = `${out}.partial`;
  try {
    fs.closeSync(fs.openSync(copy, 'wx', 0o600));
    const sqlite = new DatabaseSync(source);
    try {
      waitForLocks(sqlite);
      await sqliteBackup(sqlite, copy, { rate: ALL_PAGES });
    } finally {
      sqlite.close();
    }
    const fields = describeCopy(copy, options.now);
    const manifest = await writeBackupFile(copy, partial, options.key, fields);
    fs.renameSync(partial, out);
    const fileSha256 = await sha256OfFile(out);
    const bytes = fs.statSync(out).size;
    fs.writeFileSync(`${out}${MANIFEST_SUFFIX}`, `${JSON.stringify({ ...manifest, file: path.basename(out), fileBytes: bytes, fileSha256 }, null, 2)}\n`, { mode: 0o600 });
    return { file: out, manifest, fileSha256, bytes, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const leftover of [copy, `${copy}-journal`, `${copy}-wal`, `${copy}-shm`, partial]) fs.rmSync(leftover, { force: true });
  }
}

/** The manifest's facts, read from the copy (not from the live database, which has moved on). */
function describeCopy(copy: string, now: Date): ManifestFields {
  const sqlite = new DatabaseSync(copy);
  try {
    useRollbackJournal(sqlite);
    return { kind: 'sqlite', createdAt: now.toISOString(), schemaVersion: appliedSchemaVersion(sqlite), rowCounts: rowCounts(sqlite), auditHead: auditHeadOf(sqlite) };
  } finally {
    sqlite.close();
  }
}

/** A copy left by a backup that was killed half-way holds plaintext: gone before the next one. */
function removeStaleCopies(dataDir: string): void {
  for (const name of fs.readdirSync(dataDir)) if (name.startsWith(COPY_PREFIX)) fs.rmSync(path.join(dataDir, name), { force: true });
}

function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function freeName(dir: string, at: Date): string {
  const base = `zaitaku-${stamp(at)}`;
  for (let n = 1; ; n += 1) {
    const file = path.join(dir, `${base}${n === 1 ? '' : `-${n}`}${BACKUP_FILE_EXTENSION}`);
    if (!fs.existsSync(file) && !fs.existsSync(`${file}.partial`)) return file;
  }
}

/** Encrypts any file (a pg_dump) with the backup key into the same authenticated format. */
export async function encryptFile(options: { input: string; output: string; key: Buffer; now: Date }): Promise<BackupManifest> {
  const manifest = await writeBackupFile(options.input, options.output, options.key, {
    kind: 'file',
    createdAt: options.now.toISOString(),
    schemaVersion: null,
    rowCounts: {},
    auditHead: null,
  });
  return manifest;
}

/** Decrypts a `file` backup (a pg_dump) after checking it whole; refuses an embedded-database backup. */
export async function decryptFile(options: { input: string; output: string; key: Buffer }): Promise<BackupManifest> {
  if (fs.existsSync(options.output)) throw new BackupRefusedError(`${options.output} exists already: it was not replaced.`);
  const opened = await openBackupFile(options.input, options.key);
  try {
    await opened.decryptTo(options.output);
  } catch (error) {
    fs.rmSync(options.output, { force: true });
    throw error;
  }
  return opened.manifest;
}

/** Migration names this code knows, oldest first: a backup's schema must be one of them. */
export function knownSchemaVersions(): string[] {
  return fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((name) => /^\d{4}_\d{2}_\d{2}_\d{6}_\w+\.ts$/.test(name))
    .map((name) => name.replace(/\.ts$/, ''))
    .sort();
}

export interface RestoreSummary {
  file: string;
  databaseFile: string;
  manifest: BackupManifest;
  auditEvents: number;
  tables: number;
  rows: number;
  seconds: number;
}

/**
 * Issue 20 #2: restores a backup into an empty data directory and proves it: the file opens with
 * the key and authenticates whole, its schema is one this code knows, and the restored database
 * passes `PRAGMA integrity_check`, its audit chain verifies up to the manifest's head, and every
 * table holds the rows the manifest counted. Only then is the file put in place as the database;
 * on any failure nothing is left in the data directory.
 */
export async function restoreBackup(options: { file: string; dataDir: string; key: Buffer; knownVersions?: string[]; onProgress?: (step: string) => void }): Promise<RestoreSummary> {
  const started = performance.now();
  const dataDir = path.resolve(options.dataDir);
  if (fs.existsSync(dataDir)) {
    if (!fs.statSync(dataDir).isDirectory()) throw new BackupRefusedError(`${dataDir} is not a directory.`);
    if (fs.readdirSync(dataDir).length > 0) throw new BackupRefusedError(`The data directory ${dataDir} is not empty: restore only into an empty directory.`);
  }
  const opened = await openBackupFile(options.file, options.key);
  const { manifest } = opened;
  if (manifest.kind !== 'sqlite') throw new BackupRefusedError(`${options.file} holds a ${manifest.kind === 'postgres' ? 'PostgreSQL dump' : 'file'}, not an embedded-database backup: decrypt it with npm run restore -- --decrypt <file> --out <file>.`);
  const known = options.knownVersions ?? knownSchemaVersions();
  const newest = known.at(-1) ?? '';
  if (manifest.schemaVersion === null || !known.includes(manifest.schemaVersion)) {
    if (manifest.schemaVersion !== null && manifest.schemaVersion > newest) {
      throw new BackupTooNewError(`The backup has schema ${manifest.schemaVersion}, newer than this version knows (${newest}): restore it with the version that made it or a newer one.`);
    }
    throw new BackupTamperedError(`The backup names a schema this version does not know (${manifest.schemaVersion ?? 'none'}).`);
  }
  ensurePrivateDir(dataDir);
  const target = path.join(dataDir, SQLITE_FILE_NAME);
  const restoring = `${target}.restoring`;
  try {
    await opened.decryptTo(restoring);
    options.onProgress?.(`decrypted and authenticated ${manifest.plaintextBytes} bytes`);
    const checked = await checkRestored(restoring, manifest, options.onProgress);
    fs.renameSync(restoring, target);
    const rows = Object.values(manifest.rowCounts).reduce((a, b) => a + b, 0);
    return { file: options.file, databaseFile: target, manifest, auditEvents: checked.auditEvents, tables: Object.keys(manifest.rowCounts).length, rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const leftover of [restoring, `${restoring}-journal`, `${restoring}-wal`, `${restoring}-shm`]) fs.rmSync(leftover, { force: true });
  }
}

async function checkRestored(file: string, manifest: BackupManifest, onProgress?: (step: string) => void): Promise<{ auditEvents: number }> {
  const sqlite = new DatabaseSync(file);
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: kyselySqliteDatabase(sqlite) }) });
  try {
    const problems = integrityCheck(sqlite);
    if (problems.length !== 1 || problems[0] !== 'ok') throw new RestoreCheckFailedError(`The restored database fails PRAGMA integrity_check: ${problems[0] ?? 'no answer'}.`);
    onProgress?.('integrity_check: ok');
    if (appliedSchemaVersion(sqlite) !== manifest.schemaVersion) throw new RestoreCheckFailedError('The restored database has another schema version than its manifest.');
    const head = auditHeadOf(sqlite);
    if (!manifest.auditHead || !head || head.seq !== manifest.auditHead.seq || head.hash !== manifest.auditHead.hash) {
      throw new RestoreCheckFailedError(`The restored audit chain's head differs from the manifest's (#${manifest.auditHead?.seq ?? '?'}).`);
    }
    const chain = await verifyAuditChain(db, (checked, total) => onProgress?.(`audit chain: checked ${checked} of ${total} events`));
    if (!chain.ok) throw new RestoreCheckFailedError(`The restored audit chain is broken at event #${chain.brokenAtSeq}.`);
    const counts = rowCounts(sqlite);
    for (const name of new Set([...Object.keys(counts), ...Object.keys(manifest.rowCounts)])) {
      if (counts[name] !== manifest.rowCounts[name]) {
        throw new RestoreCheckFailedError(`Table ${name} holds ${counts[name] ?? 'no'} rows in the restored database, the manifest counted ${manifest.rowCounts[name] ?? 'none'}.`);
      }
    }
    return { auditEvents: chain.events };
  } finally {
    await db.destroy();
  }
}

/** A backup in a backup directory, by the time in its name (never by the file's mtime). */
export interface BackupEntry {
  name: string;
  at: Date;
}

export function listBackups(dir: string): BackupEntry[] {
  if (!fs.existsSync(dir)) return [];
  const entries: BackupEntry[] = [];
  for (const name of fs.readdirSync(dir)) {
    const match = NAME.exec(name);
    if (!match) continue;
    const s = match[1]!;
    const at = new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);
    entries.push({ name, at });
  }
  return entries.sort((a, b) => b.at.getTime() - a.at.getTime() || b.name.localeCompare(a.name, 'en', { numeric: true }));
}

/**
 * Which backups to keep: the newest of each of the last `keepDaily` days that have a backup, and
 * the newest of each of the last `keepWeekly` weeks (Monday to Sunday) that have one. Days and
 * weeks are local time, as the schedule is. Everything else may go.
 */
export function backupsToKeep(entries: readonly BackupEntry[], keepDaily: number, keepWeekly: number): Set<string> {
  const newestFirst = [...entries].sort((a, b) => b.at.getTime() - a.at.getTime() || b.name.localeCompare(a.name, 'en', { numeric: true }));
  const keep = new Set<string>();
  const pick = (period: (at: Date) => string, n: number) => {
    const seen = new Set<string>();
    for (const entry of newestFirst) {
      if (seen.size >= n) break;
      const key = period(entry.at);
      if (seen.has(key)) continue;
      seen.add(key);
      keep.add(entry.name);
    }
  };
  pick(dayOf, keepDaily);
  pick(weekOf, keepWeekly);
  return keep;
}

function dayOf(at: Date): string {
  return `${at.getFullYear()}-${at.getMonth() + 1}-${at.getDate()}`;
}

/** The local date of the Monday that starts `at`'s week. */
function weekOf(at: Date): string {
  const monday = new Date(at.getFullYear(), at.getMonth(), at.getDate() - ((at.getDay() + 6) % 7));
  return dayOf(monday);
}

/** Deletes the generations beyond what `backupsToKeep` keeps (and their manifests); returns their names. */
export function pruneBackups(dir: string, keepDaily: number, keepWeekly: number): string[] {
  const entries = listBackups(dir);
  const keep = backupsToKeep(entries, keepDaily, keepWeekly);
  const removed: string[] = [];
  for (const entry of entries) {
    if (keep.has(entry.name)) continue;
    fs.rmSync(path.join(dir, entry.name), { force: true });
    fs.rmSync(path.join(dir, `${entry.name}${MANIFEST_SUFFIX}`), { force: true });
    removed.push(entry.name);
  }
  return removed;
}
