import type { DatabaseSync } from 'node:sqlite';
import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { kyselySqliteDatabase, type PreparingDatabase } from './node-sqlite.ts';
import { WriteEpochs } from './change-watch.ts';

/**
 * Group commit for the embedded database (issue 17 #1).
 *
 * With `synchronous=FULL` every COMMIT waits for the disk (an fsync, milliseconds), and that wait,
 * not the SQL, was almost all of a write request's time. Here the requests of one event-loop turn
 * share one SQLite transaction and so one fsync:
 *
 * - The first use of the connection after a commit opens the shared transaction (`BEGIN
 *   IMMEDIATE`). Each Kysely transaction inside it is a savepoint: a request that fails is rolled
 *   back to its savepoint and leaves the others' writes alone.
 * - When a use of the connection ends and the shared transaction holds writes (its own or an
 *   earlier request's), the caller waits for that transaction's COMMIT before it gets its result.
 *   So no request is answered before the commit that holds what it wrote, or what it read of
 *   another request's writes, has returned from the disk; a crash before that commit loses only
 *   writes nobody was told about.
 * - The COMMIT is queued a short window (DEFAULT_WINDOW_MS) after the first write was released,
 *   behind the requests already waiting for the connection then: one commit for all of them,
 *   however many.
 *
 * The connection is still used by one request at a time (SQLite has one writer, and savepoints
 * nest): what is shared is the commit, not the connection.
 */
export function groupCommitDialect(
  sqlite: DatabaseSync,
  stats: GroupCommitStats = newGroupCommitStats(),
  windowMs = DEFAULT_WINDOW_MS,
  epochs: WriteEpochs = new WriteEpochs(),
): SqliteDialect {
  const database = kyselySqliteDatabase(sqlite);
  return new (class extends SqliteDialect {
    override createDriver(): Driver {
      return new GroupCommitSqliteDriver(sqlite, database, stats, windowMs, epochs);
    }
  })({ database });
}

/** The requests that share one SQLite transaction, and the promise of its commit. */
class Batch {
  /** Something was written inside it (by any request). */
  dirty = false;
  readonly durable: Promise<void>;
  resolve!: () => void;
  reject!: (error: unknown) => void;
  constructor() {
    this.durable = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A batch nobody waited on (read-only) must not report an unhandled rejection.
    this.durable.catch(() => undefined);
  }
}

/** Commits and waits counted since the database was opened: the bench reports commits per flow. */
export interface GroupCommitStats {
  /** COMMITs that held writes (each one fsync with synchronous=FULL). */
  commits: number;
  /** Kysely transactions run (each a savepoint). */
  transactions: number;
  /** Statements that wrote outside a transaction (each would have been a commit of its own). */
  writesOutsideTransactions: number;
  /** Told how long each COMMIT that held writes took, in seconds (`/metrics` sets it; issue 20 #3). */
  observeCommit?: ((seconds: number) => void) | undefined;
}

export function newGroupCommitStats(): GroupCommitStats {
  return { commits: 0, transactions: 0, writesOutsideTransactions: 0 };
}

const TX_SAVEPOINT = 'request_tx';
/**
 * How long the shared transaction stays open after the first release: 0 commits on the next turn
 * of the event loop; 1 ms let more requests join under load (bench, 2026-12-07: 0.62 instead of
 * 0.78 commits per registration flow, re-query 808 instead of 665 per second) and costs a lone
 * request at most that millisecond.
 */
export const DEFAULT_WINDOW_MS = 1;
/** How long a request waits for another process's write lock: database.ts's busy_timeout. */
const BUSY_WAIT_MS = 15_000;

function isBusy(error: unknown): boolean {
  const e = error as { errcode?: number; message?: string };
  // SQLITE_BUSY is 5; extended codes keep it in the low byte.
  return (typeof e.errcode === 'number' && (e.errcode & 0xff) === 5) || /database is locked/i.test(e.message ?? '');
}

export class GroupCommitSqliteDriver implements Driver {
  readonly stats: GroupCommitStats;
  readonly #sqlite: DatabaseSync;
  readonly #database: PreparingDatabase;
  readonly #mutex = new FifoMutex();
  readonly #connection: DatabaseConnection;
  readonly #totalChanges;
  #batch: Batch | null = null;
  #changesAtAcquire = 0;
  /** This use of the connection ran a transaction (else its writes were single statements). */
  #useHadTransaction = false;
  #flushScheduled = false;
  #destroyed = false;
  readonly #windowMs: number;
  readonly #epochs: WriteEpochs;

  constructor(sqlite: DatabaseSync, database: PreparingDatabase, stats: GroupCommitStats, windowMs: number, epochs: WriteEpochs) {
    this.stats = stats;
    this.#windowMs = windowMs;
    this.#sqlite = sqlite;
    this.#database = database;
    this.#epochs = epochs;
    this.#connection = new Connection(this.#database, epochs);
    const totalChanges = sqlite.prepare('SELECT total_changes() AS n');
    this.#totalChanges = () => Number((totalChanges.get() as { n: number | bigint }).n);
  }

  async init(): Promise<void> {
    // The connection is open already (database.ts).
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    if (this.#destroyed) {
      this.#mutex.unlock();
      throw new Error('the database is closed');
    }
    if (!this.#batch) {
      try {
        await this.#beginImmediate();
      } catch (error) {
        this.#mutex.unlock();
        throw error;
      }
      this.#batch = new Batch();
    }
    this.#changesAtAcquire = this.#totalChanges();
    this.#useHadTransaction = false;
    return this.#connection;
  }

  /**
   * IMMEDIATE: the write lock is taken at the start, so another process (the institution CLI)
   * waits for it instead of failing mid-transaction (see node-sqlite.ts). While that process holds
   * the lock, this one waits between tries instead of inside SQLite's busy handler, which would
   * stop the whole event loop (and, with a second connection in this process, the commit that
   * would free the lock) for up to the busy timeout.
   */
  async #beginImmediate(): Promise<void> {
    const deadline = Date.now() + BUSY_WAIT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 20)) {
      this.#sqlite.exec('PRAGMA busy_timeout = 0');
      try {
        this.#sqlite.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
      } finally {
        this.#sqlite.exec(`PRAGMA busy_timeout = ${BUSY_WAIT_MS}`);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  async beginTransaction(_connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    this.stats.transactions++;
    this.#useHadTransaction = true;
    this.#sqlite.exec(`SAVEPOINT ${TX_SAVEPOINT}`);
  }

  async commitTransaction(): Promise<void> {
    // Its writes join the shared transaction; releaseConnection waits for that to commit.
    this.#sqlite.exec(`RELEASE ${TX_SAVEPOINT}`);
  }

  async rollbackTransaction(): Promise<void> {
    // Only this request's writes are undone. An error that ended the whole SQLite transaction
    // (a full disk, say) leaves no savepoint to roll back to: releaseConnection fails the batch.
    this.#epochs.noteRollback();
    if (!this.#sqlite.isTransaction) return;
    this.#sqlite.exec(`ROLLBACK TO ${TX_SAVEPOINT}`);
    this.#sqlite.exec(`RELEASE ${TX_SAVEPOINT}`);
  }

  async savepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.#sqlite.exec(`SAVEPOINT ${quoteName(name)}`);
  }

  async rollbackToSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.#epochs.noteRollback();
    this.#sqlite.exec(`ROLLBACK TO ${quoteName(name)}`);
  }

  async releaseSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.#sqlite.exec(`RELEASE ${quoteName(name)}`);
  }

  async releaseConnection(): Promise<void> {
    const batch = this.#batch;
    if (!batch) {
      this.#mutex.unlock();
      return;
    }
    if (!this.#sqlite.isTransaction) {
      // SQLite ended the shared transaction itself (an I/O error, a full disk): every write in
      // it is gone, so nobody who wrote or read in it may be told otherwise.
      this.#epochs.noteRollback();
      this.#batch = null;
      batch.reject(new Error('the shared transaction was rolled back by the database'));
      this.#mutex.unlock();
      await batch.durable;
      return;
    }
    if (this.#totalChanges() !== this.#changesAtAcquire) {
      batch.dirty = true;
      if (!this.#useHadTransaction) this.stats.writesOutsideTransactions++;
    }
    // Even a read-only batch must end: it holds the file's write lock.
    this.#scheduleFlush();
    this.#mutex.unlock();
    if (batch.dirty) await batch.durable;
  }

  async destroy(): Promise<void> {
    await this.#flush();
    await this.#mutex.lock();
    this.#destroyed = true;
    this.#mutex.unlock();
    this.#database.close();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    const run = () => {
      this.#flushScheduled = false;
      void this.#flush();
    };
    if (this.#windowMs > 0) setTimeout(run, this.#windowMs);
    else setImmediate(run);
  }

  /** Commits the shared transaction, after the requests already waiting for the connection. */
  async #flush(): Promise<void> {
    await this.#mutex.lock();
    try {
      const batch = this.#batch;
      if (!batch) return;
      this.#batch = null;
      try {
        const started = performance.now();
        this.#sqlite.exec('COMMIT');
        if (batch.dirty) {
          this.stats.commits++;
          this.stats.observeCommit?.((performance.now() - started) / 1000);
        }
        batch.resolve();
      } catch (error) {
        this.#epochs.noteRollback();
        try {
          if (this.#sqlite.isTransaction) this.#sqlite.exec('ROLLBACK');
        } catch {
          // the rollback's own failure changes nothing: the batch failed
        }
        batch.reject(error);
      }
    } finally {
      this.#mutex.unlock();
    }
  }
}

/** Kysely's savepoint names are identifiers it generated; quoted all the same. */
function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The one connection, as Kysely's SqliteDriver uses it. */
class Connection implements DatabaseConnection {
  readonly #db: PreparingDatabase;
  readonly #epochs: WriteEpochs;
  constructor(db: PreparingDatabase, epochs: WriteEpochs) {
    this.#db = db;
    this.#epochs = epochs;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.#db.prepare(compiledQuery.sql);
    this.#epochs.noteWrite(statement.writes);
    if (statement.reader) return Promise.resolve({ rows: statement.all(compiledQuery.parameters) as R[] });
    const { changes, lastInsertRowid } = statement.run(compiledQuery.parameters);
    return Promise.resolve({
      numAffectedRows: changes === undefined || changes === null ? undefined : BigInt(changes),
      insertId: lastInsertRowid === undefined || lastInsertRowid === null ? undefined : BigInt(lastInsertRowid),
      rows: [],
    });
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const statement = this.#db.prepare(compiledQuery.sql);
    this.#epochs.noteWrite(statement.writes);
    for (const row of statement.iterate(compiledQuery.parameters)) yield { rows: [row as R] };
  }
}

/** First come, first served: the commit queued at the end of a turn runs before later requests. */
class FifoMutex {
  #locked = false;
  readonly #waiting: (() => void)[] = [];

  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  unlock(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#locked = false;
  }
}
