import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/**
 * Takes one second-factor attempt for an account that is not locked, in one statement: the
 * failure count goes up BEFORE the factor is checked, and when the count reaches the threshold
 * the lock is set at once (as if the attempt fails; a success lifts it). `lockUntil[i]` is the
 * lock end for a count of `threshold + i`; larger counts use the last. Undefined: locked (or no
 * such account), nothing was taken.
 */
export async function takeFactorAttempt(
  db: DbOrTx,
  staffId: string,
  now: string,
  threshold: number,
  lockUntil: readonly string[],
): Promise<{ failed_factor_count: number; locked_until: string | null } | undefined> {
  const count = sql.ref('failed_factor_count');
  // Compared with the count before this attempt: old = threshold - 1 + i gives lockUntil[i].
  const whens = lockUntil.slice(0, -1).map((until, i) => sql`WHEN ${count} = ${threshold - 1 + i} THEN ${until}`);
  const lockedUntil = sql<string | null>`CASE WHEN ${count} < ${threshold - 1} THEN ${sql.ref('locked_until')} ${sql.join(whens, sql` `)} ELSE ${lockUntil.at(-1)!} END`;
  return db
    .updateTable('staff_account')
    .set((eb) => ({ failed_factor_count: eb('failed_factor_count', '+', 1), locked_until: lockedUntil }))
    .where('id', '=', staffId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning(['failed_factor_count', 'locked_until'])
    .executeTakeFirst();
}

/** A second factor was accepted (or an administrator unlocked): the count starts again. */
export async function clearFactorFailures(db: DbOrTx, staffId: string): Promise<void> {
  await db.updateTable('staff_account').set({ failed_factor_count: 0, locked_until: null }).where('id', '=', staffId).execute();
}

export async function findLockedUntil(db: DbOrTx, staffId: string): Promise<string | null> {
  const row = await db.selectFrom('staff_account').select('locked_until').where('id', '=', staffId).executeTakeFirst();
  return row?.locked_until ?? null;
}
