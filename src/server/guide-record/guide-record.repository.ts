import type { DbOrTx } from '../db/database.ts';
import type { GuideRecordRow, NewGuideRecordRow } from './guide-record.table.ts';

/** Inserts the record unless its id is taken; false when it was (a resend, or a clash). */
export async function insertGuideRecordOnce(db: DbOrTx, row: NewGuideRecordRow): Promise<boolean> {
  const result = await db
    .insertInto('guide_record')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findGuideRecord(db: DbOrTx, id: string): Promise<GuideRecordRow | undefined> {
  return db.selectFrom('guide_record').selectAll().where('id', '=', id).executeTakeFirst();
}

/** One institution's records still within retention, newest first. */
export async function listGuideRecords(db: DbOrTx, institutionId: string, now: string, limit: number): Promise<GuideRecordRow[]> {
  return db
    .selectFrom('guide_record')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('purge_after', '>=', now)
    .orderBy('received_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** D5: records whose retention ended before `now` (ISO instant). */
export async function expiredGuideRecords(db: DbOrTx, now: string): Promise<Pick<GuideRecordRow, 'id' | 'institution_id'>[]> {
  return db.selectFrom('guide_record').select(['id', 'institution_id']).where('purge_after', '<', now).orderBy('purge_after').execute();
}

/** Deletes one expired record; false when another purge got there first. */
export async function deleteExpiredGuideRecord(db: DbOrTx, id: string, now: string): Promise<boolean> {
  const result = await db.deleteFrom('guide_record').where('id', '=', id).where('purge_after', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
