import type { DbOrTx } from '../db/database.ts';
import type { InstitutionRow, InstitutionUpdate, NewInstitutionRow } from './institution.table.ts';

export async function findInstitutionById(db: DbOrTx, id: string): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institution').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The institution behind a link, if it is active (issue 12 #9: an inactive one's link does not work). */
export async function findInstitutionByLinkToken(db: DbOrTx, token: string): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institution').selectAll().where('link_token', '=', token).where('activated_at', 'is not', null).executeTakeFirst();
}

export async function findFirstInstitution(db: DbOrTx): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institution').selectAll().orderBy('created_at').limit(1).executeTakeFirst();
}

export async function insertInstitution(db: DbOrTx, row: NewInstitutionRow): Promise<void> {
  await db.insertInto('institution').values(row).execute();
}

export async function findInstitutionByCode(db: DbOrTx, code: string): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institution').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function updateInstitution(db: DbOrTx, id: string, patch: InstitutionUpdate): Promise<void> {
  await db.updateTable('institution').set(patch).where('id', '=', id).execute();
}

/** Activates (a time) or deactivates (null) an institution; false when no institution has that code. */
export async function setInstitutionActivatedAt(db: DbOrTx, code: string, activatedAt: string | null): Promise<boolean> {
  const result = await db.updateTable('institution').set({ activated_at: activatedAt }).where('code', '=', code).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
