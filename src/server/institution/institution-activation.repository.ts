import type { DbOrTx } from '../db/database.ts';
import type { InstitutionActivationRow, InstitutionActivationTable } from './institution-activation.table.ts';

export async function insertActivation(db: DbOrTx, row: InstitutionActivationTable): Promise<void> {
  await db.insertInto('institution_activation').values(row).execute();
}

/** An operator issued a new code: the unused older ones for that 医療機関コード stop working. */
export async function revokeUnusedActivations(db: DbOrTx, institutionCode: string, at: string): Promise<number> {
  const result = await db
    .updateTable('institution_activation')
    .set({ revoked_at: at })
    .where('institution_code', '=', institutionCode)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function findActivationByHash(db: DbOrTx, codeHash: string): Promise<InstitutionActivationRow | undefined> {
  return db.selectFrom('institution_activation').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/**
 * Uses the code up unless it already was (or was replaced, or ran out): one guarded statement,
 * so of two concurrent registrations with the same code exactly one gets true.
 */
export async function claimActivation(db: DbOrTx, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('institution_activation')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setActivationInstitution(db: DbOrTx, id: string, institutionId: string): Promise<void> {
  await db.updateTable('institution_activation').set({ institution_id: institutionId }).where('id', '=', id).execute();
}
