import { sql, type Insertable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { EligibilityRecord } from '../../domain/registration/eligibility.ts';
import type { VisitType } from '../../domain/shared/visit-type.ts';
import { notePersonRecord } from '../person/person-profile.ts';
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
  // The dashboard searches by the latest record's kana and insurer number (person_profile).
  await notePersonRecord(db, row.institution_id, row.person_ref, JSON.parse(row.record_json) as EligibilityRecord, row.checked_at);
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

/** Every consent (any state) of these persons at one institution: the staff side never looks further. */
export async function consentsOfPersonsAt(db: DbOrTx, institutionId: string, personRefs: readonly string[]): Promise<ConsentRow[]> {
  if (personRefs.length === 0) return [];
  const rows = await db
    .selectFrom('consent')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('person_ref', 'in', [...new Set(personRefs)])
    .execute();
  // Sorted here, not in SQL: asked to sort, the planner walked the institution's date index
  // (every consent it has) rather than look the persons up (tests/api/query-plans.test.ts).
  return rows.sort((a, b) => (a.registered_at < b.registered_at ? 1 : a.registered_at > b.registered_at ? -1 : 0));
}

/** A consent by id, only if it belongs to this institution (another institution's id is "not found"). */
export async function findConsentAt(db: DbOrTx, institutionId: string, id: string): Promise<ConsentRow | undefined> {
  return db.selectFrom('consent').selectAll().where('id', '=', id).where('institution_id', '=', institutionId).executeTakeFirst();
}

/** Active consents at an institution (their window may have passed: callers check the state). */
export async function activeConsentsAt(db: DbOrTx, institutionId: string): Promise<ConsentRow[]> {
  return db
    .selectFrom('consent')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('status', '=', 'active')
    .orderBy('registered_at')
    .execute();
}

/** Instants that bound the staff home's counts (the same as the dashboard's filters). */
export interface HomeCountBounds {
  now: string;
  expiringBy: string;
  /** V5 as an instant: due when the last confirmation (or registration) is before it. */
  dueBefore: string;
}

/**
 * The staff home's consent counts, with the dashboard's conditions (person.repository.ts
 * `dashboardPage`) so that each count equals the list its link opens.
 */
export async function countActiveConsentsAt(
  db: DbOrTx,
  institutionId: string,
  bounds: HomeCountBounds,
  which: { kind: 'expiring' } | { kind: 'ofTypes'; visitTypes: readonly VisitType[]; dueOnly: boolean },
): Promise<number> {
  let q = db
    .selectFrom('consent')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('institution_id', '=', institutionId)
    .where('status', '=', 'active');
  if (which.kind === 'expiring') q = q.where('valid_until', '>', bounds.now).where('valid_until', '<=', bounds.expiringBy);
  else {
    q = q.where('visit_type', 'in', which.visitTypes).where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', bounds.now)]));
    if (which.dueOnly) q = q.where(sql<string>`coalesce(last_confirmed_at, registered_at)`, '<', bounds.dueBefore);
  }
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** V5: records a verbal confirmation, and narrows the scopes when the patient asked to. */
export async function markConsentConfirmed(db: DbOrTx, id: string, change: { at: string; scopes: string }): Promise<boolean> {
  const result = await db
    .updateTable('consent')
    .set({ last_confirmed_at: change.at, scopes: change.scopes, updated_at: change.at })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The eligibility records taken at registration, newest per consent, for labelling lists. */
export async function registrationRecordsOf(db: DbOrTx, consentIds: readonly string[]) {
  if (consentIds.length === 0) return [];
  return db
    .selectFrom('eligibility_check')
    .select(['consent_id', 'record_json', 'checked_at'])
    .where('consent_id', 'in', [...new Set(consentIds)])
    .orderBy('checked_at', 'desc')
    .execute();
}

export async function setLastConfirmed(db: DbOrTx, id: string, at: string): Promise<void> {
  await db.updateTable('consent').set({ last_confirmed_at: at }).where('id', '=', id).execute();
}

/** Active consents of a person at an institution, oldest first (their window may have passed). */
export async function activeConsentsOfPerson(db: DbOrTx, institutionId: string, personRef: string): Promise<ConsentRow[]> {
  return db
    .selectFrom('consent')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('person_ref', '=', personRef)
    .where('status', '=', 'active')
    .orderBy('registered_at')
    .execute();
}

/** U1: new terms for an active consent (a revoked one is left as it is). */
export async function updateConsentTerms(
  db: DbOrTx,
  id: string,
  change: Pick<ConsentTable, 'scopes' | 'prescription_form' | 'consultation_date' | 'valid_until' | 'updated_at'>,
): Promise<void> {
  await db.updateTable('consent').set(change).where('id', '=', id).where('status', '=', 'active').execute();
}

/** How many consents one revoker ended (`revoked_by`, e.g. `card:<request id>`). */
export async function countRevokedBy(db: DbOrTx, revokedBy: string): Promise<number> {
  const row = await db
    .selectFrom('consent')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('revoked_by', '=', revokedBy)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every consent of one person at an institution (any state), newest first. */
export async function consentsOfPersonAt(db: DbOrTx, institutionId: string, personRef: string): Promise<ConsentRow[]> {
  return db
    .selectFrom('consent')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('person_ref', '=', personRef)
    .orderBy('registered_at', 'desc')
    .execute();
}

/** The newest consents at an institution (any state), at most `limit`. */
export async function latestConsentsAt(db: DbOrTx, institutionId: string, limit: number): Promise<ConsentRow[]> {
  return db.selectFrom('consent').selectAll().where('institution_id', '=', institutionId).orderBy('registered_at', 'desc').limit(limit).execute();
}

/** The eligibility records of these persons at an institution, newest first. */
export async function eligibilityRecordsOfPersons(db: DbOrTx, institutionId: string, personRefs: readonly string[]) {
  if (personRefs.length === 0) return [];
  return db
    .selectFrom('eligibility_check')
    .select(['person_ref', 'record_json'])
    .where('institution_id', '=', institutionId)
    .where('person_ref', 'in', [...personRefs])
    .orderBy('checked_at', 'desc')
    .execute();
}
