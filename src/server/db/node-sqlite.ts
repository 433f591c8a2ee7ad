import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { writeTarget } from './change-watch.ts';

/** A prepared statement, with the table it writes ('' for a read; change-watch.ts). */
export interface PreparedStatement extends SqliteStatement {
  readonly writes: string;
}

export interface PreparingDatabase extends SqliteDatabase {
  prepare(sql: string): PreparedStatement;
}

/**
 * Adapts node:sqlite to the statement interface Kysely's SqliteDialect drives (the shape of
 * better-sqlite3). Prepared statements are reused: preparing dominates the cost of small queries.
 */
export function kyselySqliteDatabase(db: DatabaseSync, cacheSize = 256): PreparingDatabase {
  const cache = new Map<string, PreparedStatement>();
  return {
    close: () => db.close(),
    prepare(query: string): PreparedStatement {
      // Kysely opens a transaction with a plain (deferred) `begin`. A deferred transaction that
      // reads and then writes fails at once with "database is locked" when another process (the
      // institution CLI beside the running server) committed in between: SQLite cannot wait
      // there without risking a deadlock, so busy_timeout does not apply. Taking the write lock
      // at BEGIN makes the second process wait its turn instead. In one process nothing changes:
      // Kysely already runs one transaction at a time on the single connection.
      const sql = query === 'begin' ? 'begin immediate' : query;
      const cached = cache.get(sql);
      if (cached) return cached;
      const statement = wrap(db.prepare(sql), sql);
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
      return statement;
    },
  };
}

function wrap(statement: StatementSync, sql: string): PreparedStatement {
  const params = (values: ReadonlyArray<unknown>) => values as SQLInputValue[];
  return {
    reader: statement.columns().length > 0,
    writes: writeTarget(sql),
    all: (values) => statement.all(...params(values)),
    run: (values) => statement.run(...params(values)),
    iterate: (values) => statement.iterate(...params(values)),
  };
}
