import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Migrations are the timestamped files in `migrations/`, applied in name order. Adding a
 * migration means adding a file; nothing else lists them.
 */
class MigrationFolder implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const names = (await fs.readdir(MIGRATIONS_DIR)).filter((n) => /^\d{4}_\d{2}_\d{2}_\d{6}_\w+\.ts$/.test(n)).sort();
    const migrations: Record<string, Migration> = {};
    for (const name of names) {
      migrations[name.replace(/\.ts$/, '')] = (await import(path.join(MIGRATIONS_DIR, name))) as Migration;
    }
    return migrations;
  }
}

/** Brings the schema up to date; returns the name of the newest migration, the schema version. */
export async function migrateToLatest(db: Db): Promise<string> {
  const migrator = new Migrator({ db, provider: new MigrationFolder() });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error('migration failed');
  return schemaVersion(db);
}

export async function schemaVersion(db: Db): Promise<string> {
  const migrator = new Migrator({ db, provider: new MigrationFolder() });
  const applied = (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined);
  return applied.at(-1)?.name ?? 'none';
}
