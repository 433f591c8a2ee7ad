import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

export interface CounterWindow {
  count: number;
  window_start: string;
  expires_at: string;
}

/**
 * Takes one slot of the key's current window in one statement (an atomic upsert in SQLite and
 * PostgreSQL alike): a window that has run out, or lies in the future (a clock set back), starts
 * afresh at `now` with count 1. Returns the count including this slot.
 */
export async function takeCounterSlot(db: DbOrTx, key: string, now: string, expiresAt: string): Promise<CounterWindow> {
  return db
    .insertInto('rate_limit_counter')
    .values({ key, window_start: now, expires_at: expiresAt, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => {
        const stale = eb.or([eb('rate_limit_counter.expires_at', '<=', now), eb('rate_limit_counter.window_start', '>', now)]);
        return {
          count: eb.case().when(stale).then(sql<number>`1`).else(eb('rate_limit_counter.count', '+', 1)).end(),
          window_start: eb.case().when(stale).then(eb.ref('excluded.window_start')).else(eb.ref('rate_limit_counter.window_start')).end(),
          expires_at: eb.case().when(stale).then(eb.ref('excluded.expires_at')).else(eb.ref('rate_limit_counter.expires_at')).end(),
        };
      }),
    )
    .returning(['count', 'window_start', 'expires_at'])
    .executeTakeFirstOrThrow();
}

/** Gives a slot back to the window it was taken from (never to a later one). */
export async function returnCounterSlot(db: DbOrTx, key: string, windowStart: string): Promise<void> {
  await db
    .updateTable('rate_limit_counter')
    .set((eb) => ({ count: eb('count', '-', 1) }))
    .where('key', '=', key)
    .where('window_start', '=', windowStart)
    .where('count', '>', 0)
    .execute();
}

export async function deleteCounter(db: DbOrTx, key: string): Promise<void> {
  await db.deleteFrom('rate_limit_counter').where('key', '=', key).execute();
}

/** Drops every window that has run out (whatever its rule). */
export async function deleteExpiredCounters(db: DbOrTx, now: string): Promise<void> {
  await db.deleteFrom('rate_limit_counter').where('expires_at', '<=', now).execute();
}
