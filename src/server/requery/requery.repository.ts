import type { Insertable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { BatchQueryRunTable, RequeryResultRow, RequeryResultTable } from './requery.table.ts';

/**
 * Q2: stores a re-query result unless the person was already queried this Japan day. The unique
 * index (institution, person, day) decides, so two simultaneous requests cannot both pass.
 */
export async function insertRequeryResultOncePerDay(db: DbOrTx, row: Insertable<RequeryResultTable>): Promise<boolean> {
  const result = await db
    .insertInto('requery_result')
    .values(row)
    .onConflict((oc) => oc.columns(['institution_id', 'person_ref', 'jst_date']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function requeryResultOfDay(db: DbOrTx, institutionId: string, personRef: string, jstDate: string): Promise<RequeryResultRow | undefined> {
  return db
    .selectFrom('requery_result')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('person_ref', '=', personRef)
    .where('jst_date', '=', jstDate)
    .executeTakeFirst();
}

/** A person's results at an institution since a Japan date, newest first (Q4 trims them further). */
export async function requeryResultsSince(db: DbOrTx, institutionId: string, personRef: string, sinceJstDate: string): Promise<RequeryResultRow[]> {
  return db
    .selectFrom('requery_result')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('person_ref', '=', personRef)
    .where('jst_date', '>=', sinceJstDate)
    .orderBy('queried_at', 'desc')
    .limit(10)
    .execute();
}

/** Q6: records today's batch query unless one already ran this Japan day (unique per institution and day). */
export async function insertBatchRunOncePerDay(db: DbOrTx, row: Insertable<BatchQueryRunTable>): Promise<boolean> {
  const result = await db
    .insertInto('batch_query_run')
    .values(row)
    .onConflict((oc) => oc.columns(['institution_id', 'jst_date']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}
