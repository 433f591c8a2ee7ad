import type { Insertable, Updateable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { HandoffChallengeRow, HandoffChallengeTable, RegistrationRow, RegistrationTable } from './registration.table.ts';

export async function insertRegistration(db: DbOrTx, row: Insertable<RegistrationTable>): Promise<void> {
  await db.insertInto('registration').values(row).execute();
}

export async function findRegistration(db: DbOrTx, id: string): Promise<RegistrationRow | undefined> {
  return db.selectFrom('registration').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateRegistration(db: DbOrTx, id: string, changes: Updateable<RegistrationTable>): Promise<void> {
  await db.updateTable('registration').set(changes).where('id', '=', id).execute();
}

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

/** Marks a request completed unless it already is; false means another answer completed it first. */
export async function claimCompletion(db: DbOrTx, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('registration')
    .set({ status: 'completed', completed_at: at })
    .where('id', '=', id)
    .where('status', '<>', 'completed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records a refusal, unless another answer has completed the request meanwhile. */
export async function markFailed(db: DbOrTx, id: string, code: string): Promise<void> {
  await db.updateTable('registration').set({ status: 'failed', failure_code: code }).where('id', '=', id).where('status', '<>', 'completed').execute();
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
