import { sql } from 'kysely';
import type { DashboardQuery } from '../../domain/consent/consent-dashboard.ts';
import type { DbOrTx } from '../db/database.ts';
import type { PersonProfileRow, PersonProfileTable } from './person.table.ts';
import { CONTINUING_VISIT_TYPES } from '../../domain/shared/visit-type.ts';

export interface DashboardBounds {
  now: string;
  expiringBy: string;
  /** V5 as an instant: due when the last confirmation (or registration) is before it. */
  dueBefore: string;
}

/**
 * One page of the dashboard, newest registration first. Every condition is on an indexed column
 * (see the person-profile migration) so that the query stays cheap at a million consents.
 */
export async function dashboardPage(
  db: DbOrTx,
  institutionId: string,
  query: Omit<DashboardQuery, 'q'> & { key: string | null },
  bounds: DashboardBounds,
  limit: number,
  offset: number,
) {
  let q = db
    .selectFrom('consent as c')
    .leftJoin('person_profile as p', (j) => j.onRef('p.institution_id', '=', 'c.institution_id').onRef('p.person_ref', '=', 'c.person_ref'))
    .selectAll('c')
    .select(['p.name', 'p.name_kana', 'p.date_of_birth', 'p.insurer_number', 'p.reference_number'])
    .where('c.institution_id', '=', institutionId);
  if (query.visitType !== null) q = q.where('c.visit_type', '=', query.visitType);
  switch (query.status) {
    case 'revoked':
      q = q.where('c.status', '=', 'revoked');
      break;
    case 'expired':
      q = q.where('c.status', '=', 'active').where('c.valid_until', 'is not', null).where('c.valid_until', '<=', bounds.now);
      break;
    case 'expiring':
      q = q.where('c.status', '=', 'active').where('c.valid_until', '>', bounds.now).where('c.valid_until', '<=', bounds.expiringBy);
      break;
    case 'active':
      q = q.where('c.status', '=', 'active').where((eb) => eb.or([eb('c.valid_until', 'is', null), eb('c.valid_until', '>', bounds.expiringBy)]));
      break;
    case null:
      break;
  }
  if (query.reconfirmationDue) {
    q = q
      .where('c.visit_type', 'in', CONTINUING_VISIT_TYPES)
      .where('c.status', '=', 'active')
      .where((eb) => eb.or([eb('c.valid_until', 'is', null), eb('c.valid_until', '>', bounds.now)]))
      .where(sql<string>`coalesce(c.last_confirmed_at, c.registered_at)`, '<', bounds.dueBefore);
  }
  if (query.key !== null) {
    // The search narrows persons first (profile indexes), then their consents by
    // (institution_id, person_ref): a rare name does not scan every consent in date order.
    const key = query.key;
    const persons = db
      .selectFrom('person_profile as s')
      .select('s.person_ref')
      .where('s.institution_id', '=', institutionId)
      .where((eb) => {
        switch (query.searchBy) {
          case 'kana':
            // A prefix of the normalised kana: a range on the index, no LIKE (portable and indexable).
            return eb.and([eb('s.kana_key', '>=', key), eb('s.kana_key', '<', `${key}\uffff`)]);
          case 'insurerNumber':
            return eb('s.insurer_number', '=', key);
          case 'referenceNumber':
            return eb('s.reference_number', '=', key);
        }
      });
    q = q.where('c.person_ref', 'in', persons);
  }
  // With a search, sort by an expression: otherwise the planner (SQLite without statistics) walks
  // the date index over every consent and filters, instead of starting from the few persons found.
  const newestFirst = query.key === null ? sql`c.registered_at` : sql`c.registered_at || ''`;
  return q.orderBy(newestFirst, 'desc').orderBy('c.id', 'desc').limit(limit).offset(offset).execute();
}

export async function findProfile(db: DbOrTx, institutionId: string, personRef: string): Promise<PersonProfileRow | undefined> {
  return db.selectFrom('person_profile').selectAll().where('institution_id', '=', institutionId).where('person_ref', '=', personRef).executeTakeFirst();
}

export async function profileWithReference(db: DbOrTx, institutionId: string, referenceNumber: string) {
  return db
    .selectFrom('person_profile')
    .select('person_ref')
    .where('institution_id', '=', institutionId)
    .where('reference_number', '=', referenceNumber)
    .executeTakeFirst();
}

export async function updateProfile(
  db: DbOrTx,
  institutionId: string,
  personRef: string,
  change: Partial<Omit<PersonProfileTable, 'institution_id' | 'person_ref'>>,
): Promise<void> {
  await db.updateTable('person_profile').set(change).where('institution_id', '=', institutionId).where('person_ref', '=', personRef).execute();
}

export async function latestRegistrationCheck(db: DbOrTx, institutionId: string, personRef: string) {
  return db
    .selectFrom('eligibility_check')
    .select(['record_json', 'checked_at'])
    .where('institution_id', '=', institutionId)
    .where('person_ref', '=', personRef)
    .orderBy('checked_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function latestRequeryResult(db: DbOrTx, institutionId: string, personRef: string) {
  return db
    .selectFrom('requery_result')
    .select(['record_json', 'queried_at'])
    .where('institution_id', '=', institutionId)
    .where('person_ref', '=', personRef)
    .orderBy('queried_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The person's audit trail here, newest first (indexed by institution and person). */
export async function auditOfPerson(db: DbOrTx, institutionId: string, personRef: string, limit: number) {
  return db
    .selectFrom('audit_event')
    .select(['seq', 'at', 'action', 'actor_type', 'outcome', 'detail', 'subject_id'])
    .where('institution_id', '=', institutionId)
    .where('person_ref', '=', personRef)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
}

/** E3 "someone else": the information the online-eligibility system provided about the person. */
export async function deleteProvidedInformation(db: DbOrTx, institutionId: string, personRef: string): Promise<number> {
  const checks = await db.deleteFrom('eligibility_check').where('institution_id', '=', institutionId).where('person_ref', '=', personRef).executeTakeFirst();
  const results = await db.deleteFrom('requery_result').where('institution_id', '=', institutionId).where('person_ref', '=', personRef).executeTakeFirst();
  return Number(checks.numDeletedRows) + Number(results.numDeletedRows);
}

/** The search keys and label an eligibility record fills (person-profile.ts profileFields). */
export type ProfileFields = Pick<PersonProfileTable, 'name' | 'name_kana' | 'kana_key' | 'date_of_birth' | 'insurer_number'>;

/** A first profile for a person; an existing one is left as it is. */
export async function insertProfileIfAbsent(db: DbOrTx, institutionId: string, personRef: string, fields: ProfileFields, at: string): Promise<void> {
  await db
    .insertInto('person_profile')
    .values({ institution_id: institutionId, person_ref: personRef, ...fields, reference_number: null, clinic_record_json: null, identity_status: null, updated_at: at })
    .onConflict((oc) => oc.columns(['institution_id', 'person_ref']).doNothing())
    .execute();
}

/** A profile with these search keys, created or updated; the reference number and clinic record stay. */
export async function upsertProfileFields(db: DbOrTx, institutionId: string, personRef: string, fields: ProfileFields, at: string): Promise<void> {
  await db
    .insertInto('person_profile')
    .values({ institution_id: institutionId, person_ref: personRef, ...fields, reference_number: null, clinic_record_json: null, identity_status: null, updated_at: at })
    .onConflict((oc) => oc.columns(['institution_id', 'person_ref']).doUpdateSet({ ...fields, updated_at: at }))
    .execute();
}

