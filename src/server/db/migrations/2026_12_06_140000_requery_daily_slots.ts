import type { Kysely } from 'kysely';

/**
 * Q2: the re-query limit per person and Japan day becomes a number of slots (0 … limit − 1, the
 * limit being REQUERY_DAILY_LIMIT in the domain) instead of a unique (person, day) pair, so that
 * "twice a day" needs no new migration. Each result takes the first free slot; the unique index
 * still decides between simultaneous requests. Existing results (one a day) take slot 0.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requery_result').addColumn('slot', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.dropIndex('requery_result_once_a_day').execute();
  await db.schema
    .createIndex('requery_result_daily_slot')
    .on('requery_result')
    .columns(['institution_id', 'person_ref', 'jst_date', 'slot'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // Back to one result a day: later slots cannot fit the old unique index.
  await db.deleteFrom('requery_result').where('slot', '>', 0).execute();
  await db.schema.dropIndex('requery_result_daily_slot').execute();
  await db.schema.createIndex('requery_result_once_a_day').on('requery_result').columns(['institution_id', 'person_ref', 'jst_date']).unique().execute();
  await db.schema.alterTable('requery_result').dropColumn('slot').execute();
}
