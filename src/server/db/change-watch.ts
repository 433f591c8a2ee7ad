import type { DatabaseSync } from 'node:sqlite';

/**
 * Tells a cache of database rows whether the tables it copied from may have changed since
 * (issue 17 #3: the session cache, staff/session-cache.ts).
 *
 * `stamp(tables)` is taken before a row is read and kept with the copy; the copy may be used
 * only while a new stamp is the same. The stamp moves when:
 * - this process writes to one of the tables (any statement that is not a SELECT, counted by
 *   its target table; a write whose table cannot be read off the SQL counts for every table);
 * - this process rolls anything back (a rolled-back write may have been read in between);
 * - another connection or process commits anything (SQLite's `PRAGMA data_version`, read from
 *   the shared memory of the WAL without touching the disk).
 *
 * Only the embedded database with group commit has one. PostgreSQL has no such local signal: a
 * notification from another process arrives after its commit, which would leave a moment in
 * which a logged-out session still works there, so nothing is cached on PostgreSQL.
 */
export interface ChangeWatch {
  stamp(tables: readonly string[]): string;
}

const READ_ONLY = /^\s*(?:select|pragma|explain)\b/i;
const TARGET = /^\s*(?:insert\s+(?:or\s+\w+\s+)?into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/i;
/** A write whose table cannot be read off the SQL (a CTE, raw SQL) counts for every table. */
export const EVERY_TABLE = '*';

/**
 * The table a statement writes, '' for a read. Worked out once per prepared statement
 * (node-sqlite.ts keeps it with the statement).
 */
export function writeTarget(sql: string): string {
  return READ_ONLY.test(sql) ? '' : (TARGET.exec(sql)?.[1] ?? EVERY_TABLE);
}

/** Counts this process's writes per table; the group-commit driver reports every statement and rollback. */
export class WriteEpochs {
  #everything = 0;
  readonly #byTable = new Map<string, number>();

  /** `target` as `writeTarget` gives it. */
  noteWrite(target: string): void {
    if (target === '') return;
    if (target === EVERY_TABLE) this.#everything++;
    else this.#byTable.set(target, (this.#byTable.get(target) ?? 0) + 1);
  }

  noteRollback(): void {
    this.#everything++;
  }

  count(tables: readonly string[]): number {
    let sum = this.#everything;
    for (const table of tables) sum += this.#byTable.get(table) ?? 0;
    return sum;
  }
}

export function sqliteChangeWatch(sqlite: DatabaseSync, epochs: WriteEpochs): ChangeWatch {
  const dataVersion = sqlite.prepare('PRAGMA data_version');
  return {
    stamp(tables) {
      const { data_version: version } = dataVersion.get() as { data_version: number | bigint };
      return `${epochs.count(tables)}/${version}`;
    },
  };
}
