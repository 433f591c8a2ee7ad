import type { DbOrTx } from '../db/database.ts';
import type { ApiClientRow, NewApiClientRow } from './api-client.table.ts';

/** Issue 19 #2: all SQL of the API clients. */

export async function insertApiClient(db: DbOrTx, row: NewApiClientRow): Promise<void> {
  await db.insertInto('api_client').values(row).execute();
}

export async function findApiClient(db: DbOrTx, id: string): Promise<ApiClientRow | undefined> {
  return db.selectFrom('api_client').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The institution's clients, newest first. */
export async function listApiClients(db: DbOrTx, institutionId: string): Promise<ApiClientRow[]> {
  return db.selectFrom('api_client').selectAll().where('institution_id', '=', institutionId).orderBy('created_at', 'desc').orderBy('id').execute();
}

/** Revokes a live client of the institution; 0 when it was already revoked (or is not the institution's). */
export async function markApiClientRevoked(db: DbOrTx, institutionId: string, id: string, at: string, staffId: string): Promise<number> {
  const result = await db
    .updateTable('api_client')
    .set({ revoked_at: at, revoked_by: staffId })
    .where('id', '=', id)
    .where('institution_id', '=', institutionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function touchApiClient(db: DbOrTx, id: string, at: string): Promise<void> {
  await db.updateTable('api_client').set({ last_used_at: at }).where('id', '=', id).execute();
}

/** Whether the institution is active (issue 12 #9: a suspended one has `activated_at` null). */
export async function institutionIsActive(db: DbOrTx, institutionId: string): Promise<boolean> {
  const row = await db.selectFrom('institution').select('activated_at').where('id', '=', institutionId).executeTakeFirst();
  return row !== undefined && row.activated_at !== null;
}
