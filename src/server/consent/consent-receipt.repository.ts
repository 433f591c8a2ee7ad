import type { Insertable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { ConsentReceiptRow, ConsentReceiptTable } from './consent-receipt.table.ts';

export async function insertReceipt(db: DbOrTx, row: Insertable<ConsentReceiptTable>): Promise<void> {
  await db.insertInto('consent_receipt').values(row).execute();
}

/** The receipt a card request issued (the device that made the request reads it). */
export async function receiptOfCardRequest(db: DbOrTx, cardRequestId: string): Promise<ConsentReceiptRow | undefined> {
  return db.selectFrom('consent_receipt').selectAll().where('card_request_id', '=', cardRequestId).executeTakeFirst();
}

/** A receipt by id, only if it belongs to this institution (another institution's id is "not found"). */
export async function findReceiptAt(db: DbOrTx, institutionId: string, id: string): Promise<ConsentReceiptRow | undefined> {
  return db.selectFrom('consent_receipt').selectAll().where('id', '=', id).where('institution_id', '=', institutionId).executeTakeFirst();
}
