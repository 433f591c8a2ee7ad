import type { Insertable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { BatchQueryRunRow, BatchQueryRunTable, RequeryResultRow, RequeryResultTable } from './requery.table.ts';

/**
 * Q2: stores a re-query result in the first free slot (0 … dailyLimit − 1) of the person's Japan
 * day; false when every slot is taken. The unique index (institution, person, day, slot) decides,
 * so simultaneous requests cannot take more slots than there are: on PostgreSQL an insert into a
 * slot another open transaction just took waits for it, then finds the slot taken and tries the next.
 */
export async function insertRequeryResultWithinDailyLimit(
  db: DbOrTx,
  row: Omit<Insertable<RequeryResultTable>, 'slot'>,
  dailyLimit: number,
): Promise<boolean> {
  for (let slot = 0; slot < dailyLimit; slot++) {
    const result = await db
      .insertInto('requery_result')
      .values({ ...row, slot })
      .onConflict((oc) => oc.columns(['institution_id', 'person_ref', 'jst_date', 'slot']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 1) return true;
  }
  return false;
}

/** The person's latest result of a Japan day (the one a refused re-query points to). */
export async function latestRequeryResultOfDay(db: DbOrTx, institutionId: string, personRef: string, jstDate: string): Promise<RequeryResultRow | undefined> {
  return db
    .selectFrom('requery_result')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('person_ref', '=', personRef)
    .where('jst_date', '=', jstDate)
    .orderBy('queried_at', 'desc')
    .limit(1)
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

/** Q9: an institution's batch runs since a Japan date that still hold their answer, newest first. */
export async function batchRunsSince(db: DbOrTx, institutionId: string, sinceJstDate: string): Promise<BatchQueryRunRow[]> {
  return db
    .selectFrom('batch_query_run')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('jst_date', '>=', sinceJstDate)
    .where('result_json', 'is not', null)
    .orderBy('ran_at', 'desc')
    .limit(10)
    .execute();
}

/** Q9: drops the answers of runs before a Japan date: they may no longer be shown, so they are not kept. */
export async function clearBatchResultsBefore(db: DbOrTx, institutionId: string, beforeJstDate: string): Promise<void> {
  await db
    .updateTable('batch_query_run')
    .set({ result_json: null })
    .where('institution_id', '=', institutionId)
    .where('jst_date', '<', beforeJstDate)
    .where('result_json', 'is not', null)
    .execute();
}
