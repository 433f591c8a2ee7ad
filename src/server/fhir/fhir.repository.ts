import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/**
 * Every query of the FHIR read API (issue 19 #2). Each one names the institution first: a client
 * reads its own institution's rows and nothing else, whatever id or parameter it sends. Lists are
 * in last-update order (then id), oldest first, so a client polling `_lastUpdated=gt…` sees
 * changes in the order they happened.
 */

export interface UpdatedRange {
  from: string | null;
  before: string | null;
}

export interface Page {
  limit: number;
  offset: number;
}

export async function institutionLabel(db: DbOrTx, institutionId: string) {
  return db.selectFrom('institution').select(['code', 'name']).where('id', '=', institutionId).executeTakeFirst();
}

// --- Consent -------------------------------------------------------------------------------------

interface ConsentFilter {
  institutionId: string;
  id: string | null;
  personRef: string | null;
  updated: UpdatedRange;
}

function consentQuery(db: DbOrTx, f: ConsentFilter) {
  let q = db.selectFrom('consent').where('institution_id', '=', f.institutionId);
  if (f.id !== null) q = q.where('id', '=', f.id);
  if (f.personRef !== null) q = q.where('person_ref', '=', f.personRef);
  if (f.updated.from !== null) q = q.where('updated_at', '>=', f.updated.from);
  if (f.updated.before !== null) q = q.where('updated_at', '<', f.updated.before);
  return q;
}

export async function consentPage(db: DbOrTx, f: ConsentFilter, page: Page) {
  return consentQuery(db, f).selectAll().orderBy('updated_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countConsents(db: DbOrTx, f: ConsentFilter): Promise<number> {
  const row = await consentQuery(db, f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function consentAt(db: DbOrTx, institutionId: string, id: string) {
  return db.selectFrom('consent').selectAll().where('institution_id', '=', institutionId).where('id', '=', id).executeTakeFirst();
}

// --- Patient (person_profile) --------------------------------------------------------------------

interface PatientFilter {
  institutionId: string;
  personRef: string | null;
  referenceNumber: string | null;
  updated: UpdatedRange;
}

function patientQuery(db: DbOrTx, f: PatientFilter) {
  let q = db.selectFrom('person_profile').where('institution_id', '=', f.institutionId);
  if (f.personRef !== null) q = q.where('person_ref', '=', f.personRef);
  if (f.referenceNumber !== null) q = q.where('reference_number', '=', f.referenceNumber);
  if (f.updated.from !== null) q = q.where('updated_at', '>=', f.updated.from);
  if (f.updated.before !== null) q = q.where('updated_at', '<', f.updated.before);
  return q;
}

const PROFILE_COLUMNS = ['person_ref', 'name', 'name_kana', 'date_of_birth', 'reference_number', 'updated_at'] as const;

export async function patientPage(db: DbOrTx, f: PatientFilter, page: Page) {
  return patientQuery(db, f).select(PROFILE_COLUMNS).orderBy('updated_at').orderBy('person_ref').limit(page.limit).offset(page.offset).execute();
}

export async function countPatients(db: DbOrTx, f: PatientFilter): Promise<number> {
  const row = await patientQuery(db, f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The eligibility records (registration and re-query) of these persons here, for the sex on the card. */
export async function recordsOfPersons(db: DbOrTx, institutionId: string, personRefs: readonly string[]) {
  if (personRefs.length === 0) return [];
  const checks = await db
    .selectFrom('eligibility_check')
    .select(['person_ref', 'record_json', 'checked_at as at'])
    .where('institution_id', '=', institutionId)
    .where('person_ref', 'in', [...personRefs])
    .execute();
  const requeries = await db
    .selectFrom('requery_result')
    .select(['person_ref', 'record_json', 'queried_at as at'])
    .where('institution_id', '=', institutionId)
    .where('person_ref', 'in', [...personRefs])
    .execute();
  return [...checks, ...requeries];
}

// --- Coverage (eligibility_check ∪ requery_result) -----------------------------------------------

export interface CoverageFilter {
  institutionId: string;
  id: string | null;
  personRef: string | null;
  updated: UpdatedRange;
  /**
   * Insurer numbers as stored in the record (8 digits, or 国保's 6): only records whose JSON holds
   * one of them. The exact identifier is compared afterwards by the service.
   */
  insurerNumbers: readonly string[] | null;
}

/** Both kinds of eligibility result as one list of (id, person, record, time); 該当資格なし left out. */
function coverageQuery(db: DbOrTx, f: CoverageFilter) {
  let checks = db
    .selectFrom('eligibility_check')
    .select(['id', 'person_ref', 'record_json', 'checked_at as updated_at'])
    .where('institution_id', '=', f.institutionId)
    .where('status', '<>', 'notFound');
  let requeries = db
    .selectFrom('requery_result')
    .select(['id', 'person_ref', 'record_json', 'queried_at as updated_at'])
    .where('institution_id', '=', f.institutionId)
    .where('status', '<>', 'notFound');
  if (f.id !== null) {
    checks = checks.where('id', '=', f.id);
    requeries = requeries.where('id', '=', f.id);
  }
  if (f.personRef !== null) {
    checks = checks.where('person_ref', '=', f.personRef);
    requeries = requeries.where('person_ref', '=', f.personRef);
  }
  if (f.updated.from !== null) {
    checks = checks.where('checked_at', '>=', f.updated.from);
    requeries = requeries.where('queried_at', '>=', f.updated.from);
  }
  if (f.updated.before !== null) {
    checks = checks.where('checked_at', '<', f.updated.before);
    requeries = requeries.where('queried_at', '<', f.updated.before);
  }
  if (f.insurerNumbers !== null) {
    // Digits only (checked by the caller): the JSON as JSON.stringify wrote it, no escaping needed.
    const patterns = f.insurerNumbers.filter((n) => /^\d{1,8}$/.test(n)).map((n) => `%"insurerNumber":"${n}"%`);
    if (patterns.length === 0) {
      checks = checks.where(sql<boolean>`1 = 0`);
      requeries = requeries.where(sql<boolean>`1 = 0`);
    } else {
      checks = checks.where((eb) => eb.or(patterns.map((p) => eb('record_json', 'like', p))));
      requeries = requeries.where((eb) => eb.or(patterns.map((p) => eb('record_json', 'like', p))));
    }
  }
  return db.selectFrom(checks.unionAll(requeries).as('u'));
}

export interface CoverageRow {
  id: string;
  person_ref: string;
  record_json: string;
  updated_at: string;
}

export async function coveragePage(db: DbOrTx, f: CoverageFilter, page: Page | null): Promise<CoverageRow[]> {
  const q = coverageQuery(db, f).selectAll().orderBy('updated_at').orderBy('id');
  return page === null ? q.execute() : q.limit(page.limit).offset(page.offset).execute();
}

export async function countCoverages(db: DbOrTx, f: CoverageFilter): Promise<number> {
  const row = await coverageQuery(db, f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

// --- AuditEvent -----------------------------------------------------------------------------------

interface AuditFilter {
  institutionId: string;
  seq: number | null;
  personRef: string | null;
  updated: UpdatedRange;
}

function auditQuery(db: DbOrTx, f: AuditFilter) {
  let q = db.selectFrom('audit_event').where('institution_id', '=', f.institutionId);
  if (f.seq !== null) q = q.where('seq', '=', f.seq);
  if (f.personRef !== null) q = q.where('person_ref', '=', f.personRef);
  if (f.updated.from !== null) q = q.where('at', '>=', f.updated.from);
  if (f.updated.before !== null) q = q.where('at', '<', f.updated.before);
  return q;
}

export async function auditPage(db: DbOrTx, f: AuditFilter, page: Page) {
  return auditQuery(db, f).selectAll().orderBy('at').orderBy('seq').limit(page.limit).offset(page.offset).execute();
}

export async function countAuditEvents(db: DbOrTx, f: AuditFilter): Promise<number> {
  const row = await auditQuery(db, f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
