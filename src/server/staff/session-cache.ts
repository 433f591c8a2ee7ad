import type { ChangeWatch } from '../db/change-watch.ts';
import type { findSessionWithStaff } from './staff.repository.ts';

export type SessionRow = NonNullable<Awaited<ReturnType<typeof findSessionWithStaff>>>;

/** The tables a session row is read from: a write to any of them makes every copy stale. */
const SESSION_TABLES = ['staff_session', 'staff_account', 'institution'] as const;
const MAX_ENTRIES = 10_000;

/**
 * Session rows copied in memory, so that a staff request does not read its session from the
 * database each time (issue 17 #3; the read was about 4 % of a re-query's CPU).
 *
 * A copy is used only while the database's change stamp for the session, account and
 * institution tables is the one taken before it was read (db/change-watch.ts): a logout, lock,
 * unlock, touch, role change, disabled account or suspended institution, in this process or
 * another one on the same file, makes every copy stale at once, before the writer's request is
 * answered. The limits (idle, lock, absolute) are still computed on each request from the
 * copy's times and the clock. Without a change watch (PostgreSQL) nothing is kept.
 */
export class SessionCache {
  readonly #watch: ChangeWatch;
  readonly #entries = new Map<string, { row: SessionRow; stamp: string }>();

  constructor(watch: ChangeWatch) {
    this.#watch = watch;
  }

  /** Taken before the row is read, and passed to `keep`. */
  stamp(): string {
    return this.#watch.stamp(SESSION_TABLES);
  }

  get(tokenHash: string): SessionRow | undefined {
    const entry = this.#entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.stamp !== this.stamp()) {
      // Everything kept is as stale as this one.
      this.#entries.clear();
      return undefined;
    }
    return entry.row;
  }

  keep(tokenHash: string, row: SessionRow, stampBeforeRead: string): void {
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(tokenHash, { row, stamp: stampBeforeRead });
  }

  get size(): number {
    return this.#entries.size;
  }
}
