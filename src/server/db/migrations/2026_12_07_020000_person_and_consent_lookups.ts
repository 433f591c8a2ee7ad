import type { Kysely } from 'kysely';

/**
 * Lookups the hot paths make by consent or by person, each served by an index that starts with
 * what they look up (found by tests/api/query-plans.test.ts, issue 17 #4):
 * - the eligibility record shown for a consent (the handoff's outcome, the consent lists), newest
 *   first: without an index it read the whole table, which grows by a row per registration and
 *   re-query;
 * - a person's consents (the re-query, the one-active-consent check of a registration): the
 *   planner, with no statistics, preferred the institution's type/status or date index and
 *   walked every consent of the institution; this index names the person second, so it wins.
 *   It replaces (institution_id, person_ref), which it extends.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('eligibility_check_consent').on('eligibility_check').columns(['consent_id', 'checked_at']).execute();
  await db.schema.createIndex('consent_person_type_status').on('consent').columns(['institution_id', 'person_ref', 'visit_type', 'status', 'registered_at']).execute();
  await db.schema.dropIndex('consent_institution_person').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('consent_institution_person').on('consent').columns(['institution_id', 'person_ref']).execute();
  await db.schema.dropIndex('consent_person_type_status').execute();
  await db.schema.dropIndex('eligibility_check_consent').execute();
}
