import type { DbOrTx } from '../db/database.ts';
import type { InstitutionDeclarationKeyRow, NewInstitutionDeclarationKeyRow } from './declaration-key.table.ts';

export async function findDeclarationKey(db: DbOrTx, institutionId: string): Promise<InstitutionDeclarationKeyRow | undefined> {
  return db.selectFrom('institution_declaration_key').selectAll().where('institution_id', '=', institutionId).executeTakeFirst();
}

/** Inserts unless the institution already has a key (two first requests racing keep one). */
export async function insertDeclarationKeyOnce(db: DbOrTx, row: NewInstitutionDeclarationKeyRow): Promise<void> {
  await db
    .insertInto('institution_declaration_key')
    .values(row)
    .onConflict((oc) => oc.column('institution_id').doNothing())
    .execute();
}
