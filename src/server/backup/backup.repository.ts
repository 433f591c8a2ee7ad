import type { DatabaseSync } from 'node:sqlite';
import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/**
 * The SQL of backups and restores. It runs on a copy of the embedded database opened with
 * node:sqlite directly (the copy is not the server's database and has no Kysely of its own), so
 * these are plain statements on one connection.
 */

/** Every table of the application and of the migrator, by name. */
export function tableNames(sqlite: DatabaseSync): string[] {
  const rows = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
  return rows.map((row) => row.name);
}

export function rowCounts(sqlite: DatabaseSync): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of tableNames(sqlite)) {
    // The name comes from sqlite_master, quoted as an identifier.
    const row = sqlite.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number };
    counts[name] = Number(row.n);
  }
  return counts;
}

/** The newest migration applied; null when the file has never been migrated. */
export function appliedSchemaVersion(sqlite: DatabaseSync): string | null {
  if (!tableNames(sqlite).includes('kysely_migration')) return null;
  const row = sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name DESC LIMIT 1').get() as { name: string } | undefined;
  return row?.name ?? null;
}

export function auditHeadOf(sqlite: DatabaseSync): { seq: number; hash: string } | null {
  if (!tableNames(sqlite).includes('audit_head')) return null;
  const row = sqlite.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

/** `PRAGMA integrity_check`: ['ok'] when the file is sound, otherwise what is wrong (at most 20 lines). */
export function integrityCheck(sqlite: DatabaseSync): string[] {
  const rows = sqlite.prepare('PRAGMA integrity_check(20)').all() as Array<{ integrity_check: string }>;
  return rows.map((row) => row.integrity_check);
}

/** One file, no -wal beside it: the copy is encrypted as a single file. */
export function useRollbackJournal(sqlite: DatabaseSync): void {
  sqlite.exec('PRAGMA journal_mode = DELETE');
}

export function waitForLocks(sqlite: DatabaseSync): void {
  sqlite.exec('PRAGMA busy_timeout = 15000');
}

/** PostgreSQL: the application's tables in the connection's schema (the migrator's too). */
export async function postgresTableNames(db: DbOrTx): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
  return rows.map((row) => row.name);
}

export async function postgresRowCounts(db: DbOrTx): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of await postgresTableNames(db)) {
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.id(name)}`.execute(db);
    counts[name] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

export async function postgresSchemaVersion(db: DbOrTx): Promise<string | null> {
  if (!(await postgresTableNames(db)).includes('kysely_migration')) return null;
  const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name DESC LIMIT 1`.execute(db);
  return rows[0]?.name ?? null;
}

/** A repeatable-read transaction's snapshot, for pg_dump --snapshot: the dump sees what the counts saw. */
export async function exportSnapshot(trx: DbOrTx): Promise<string> {
  const { rows } = await sql<{ id: string }>`SELECT pg_export_snapshot() AS id`.execute(trx);
  return rows[0]!.id;
}
