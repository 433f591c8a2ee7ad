import type { Insertable, Updateable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { RegistrationRow, RegistrationTable } from './registration.table.ts';

export async function insertRegistration(db: DbOrTx, row: Insertable<RegistrationTable>): Promise<void> {
  await db.insertInto('registration').values(row).execute();
}

export async function findRegistration(db: DbOrTx, id: string): Promise<RegistrationRow | undefined> {
  return db.selectFrom('registration').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateRegistration(db: DbOrTx, id: string, changes: Updateable<RegistrationTable>): Promise<void> {
  await db.updateTable('registration').set(changes).where('id', '=', id).execute();
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
