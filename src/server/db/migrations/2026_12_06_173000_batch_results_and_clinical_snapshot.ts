import type { Kysely } from 'kysely';

/**
 * Q9: a batch query's answer is kept with its run, so that today's result can be opened again
 * after leaving the page and the last 3 runs (none 14 days old or older) can be shown, as for a
 * re-query (Q4). Null once it is past showing (cleared at the next run) and for runs made before.
 *
 * V6: the medical information a doctor last retrieved for a person within the consent's window,
 * kept as a snapshot with its retrieval time: after the window no new retrieval is possible, but
 * what was retrieved stays viewable, marked with when. One row per institution and person.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('batch_query_run').addColumn('result_json', 'text').execute();
  await db.schema
    .createTable('clinical_snapshot')
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('person_ref', 'text', (c) => c.notNull())
    .addColumn('retrieved_at', 'text', (c) => c.notNull())
    .addColumn('sections_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('clinical_snapshot_pk', ['institution_id', 'person_ref'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('clinical_snapshot').execute();
  await db.schema.alterTable('batch_query_run').dropColumn('result_json').execute();
}
