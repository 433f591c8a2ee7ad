import type { Insertable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { VisitType } from '../../domain/visit-type.ts';
import type { ConsentRow, ConsentTable, EligibilityCheckTable } from './consent.table.ts';

export async function insertConsent(db: DbOrTx, row: Insertable<ConsentTable>): Promise<void> {
  await db.insertInto('consent').values(row).execute();
}

export async function findConsent(db: DbOrTx, id: string): Promise<ConsentRow | undefined> {
  return db.selectFrom('consent').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Active consents of one visit type for a person at an institution (normally at most one). */
export async function activeConsentsOfType(db: DbOrTx, institutionId: string, personRef: string, visitType: VisitType): Promise<ConsentRow[]> {
  return db
    .selectFrom('consent')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('person_ref', '=', personRef)
    .where('visit_type', '=', visitType)
    .where('status', '=', 'active')
    .execute();
}

export async function markConsentRevoked(
  db: DbOrTx,
  id: string,
  change: { at: string; by: string; reason: string },
): Promise<boolean> {
  const result = await db
    .updateTable('consent')
    .set({ status: 'revoked', revoked_at: change.at, revoked_by: change.by, revoke_reason: change.reason, updated_at: change.at })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertEligibilityCheck(db: DbOrTx, row: Insertable<EligibilityCheckTable>): Promise<void> {
  await db.insertInto('eligibility_check').values(row).execute();
}

export async function eligibilityForConsent(db: DbOrTx, consentId: string) {
  return db
    .selectFrom('eligibility_check')
    .select(['record_json', 'status', 'checked_at'])
    .where('consent_id', '=', consentId)
    .orderBy('checked_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
