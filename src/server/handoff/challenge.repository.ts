import type { Insertable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { HandoffChallengeRow, HandoffChallengeTable } from './challenge.table.ts';

export async function insertChallenge(db: DbOrTx, row: Insertable<HandoffChallengeTable>): Promise<void> {
  await db.insertInto('handoff_challenge').values(row).execute();
}

export async function findChallenge(db: DbOrTx, id: string): Promise<HandoffChallengeRow | undefined> {
  return db.selectFrom('handoff_challenge').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function latestChallenge(db: DbOrTx, registrationId: string): Promise<HandoffChallengeRow | undefined> {
  return db
    .selectFrom('handoff_challenge')
    .selectAll()
    .where('registration_id', '=', registrationId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Marks a challenge used unless it already was; false means someone used it first (replay). */
export async function consumeChallenge(db: DbOrTx, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('handoff_challenge')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Counts an answer that failed verification, in one guarded statement so that concurrent junk
 * cannot overshoot the limit. Returns the new count, or undefined once the challenge has had
 * `limit` failed answers (nothing is written then).
 */
export async function countFailedAnswer(db: DbOrTx, id: string, limit: number): Promise<number | undefined> {
  const row = await db
    .updateTable('handoff_challenge')
    .set((eb) => ({ failed_answers: eb('failed_answers', '+', 1) }))
    .where('id', '=', id)
    .where('failed_answers', '<', limit)
    .returning('failed_answers')
    .executeTakeFirst();
  return row ? Number(row.failed_answers) : undefined;
}
