import type { Insertable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { ReconfirmationTable } from './reconfirmation.table.ts';

export async function insertReconfirmation(db: DbOrTx, row: Insertable<ReconfirmationTable>): Promise<void> {
  await db.insertInto('reconfirmation').values(row).execute();
}
