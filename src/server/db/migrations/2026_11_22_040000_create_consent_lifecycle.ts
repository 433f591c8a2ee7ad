import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // V5: when the continuing consent was last confirmed verbally (null: not since registration).
  await db.schema.alterTable('consent').addColumn('last_confirmed_at', 'text').execute();

  // Q1–Q5: re-query results. One row per person, institution and Japan day (Q2), enforced by the
  // unique index so that two simultaneous requests cannot both pass.
  await db.schema
    .createTable('requery_result')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('person_ref', 'text', (c) => c.notNull())
    .addColumn('jst_date', 'text', (c) => c.notNull())
    .addColumn('queried_at', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('record_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('requery_result_once_a_day')
    .on('requery_result')
    .columns(['institution_id', 'person_ref', 'jst_date'])
    .unique()
    .execute();

  // Q6: the batch query before visits runs once a day per institution.
  await db.schema
    .createTable('batch_query_run')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('jst_date', 'text', (c) => c.notNull())
    .addColumn('ran_at', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('persons', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('batch_query_run_once_a_day').on('batch_query_run').columns(['institution_id', 'jst_date']).unique().execute();

  // V5: each verbal reconfirmation of a continuing home-visit consent.
  await db.schema
    .createTable('reconfirmation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('consent_id', 'text', (c) => c.notNull().references('consent.id'))
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('confirmed_at', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('scopes_after', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reconfirmation_consent').on('reconfirmation').columns(['consent_id', 'confirmed_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reconfirmation').execute();
  await db.schema.dropTable('batch_query_run').execute();
  await db.schema.dropTable('requery_result').execute();
  await db.schema.alterTable('consent').dropColumn('last_confirmed_at').execute();
}
