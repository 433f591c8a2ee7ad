import type { Kysely } from 'kysely';

/**
 * Q9: a batch query's answer is kept with its run, so that today's result can be opened again
 * after leaving the page and the last 3 runs (none 14 days old or older) can be shown, as for a
 * re-query (Q4). Null once it is past showing (cleared at the next run) and for runs made before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('batch_query_run').addColumn('result_json', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('batch_query_run').dropColumn('result_json').execute();
}
