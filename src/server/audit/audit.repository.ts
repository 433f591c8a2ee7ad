import type { DbOrTx } from '../db/database.ts';
import type { AuditEventRow, AuditEventTable } from './audit.table.ts';

/** Advances the chain head by one and returns the new sequence number and the previous hash. */
export async function claimNextSeq(trx: DbOrTx): Promise<{ seq: number; prevHash: string }> {
  const head = await trx
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  return { seq: Number(head.seq), prevHash: head.hash };
}

export async function insertAuditEvent(trx: DbOrTx, row: AuditEventTable): Promise<void> {
  await trx.insertInto('audit_event').values(row).execute();
  await trx.updateTable('audit_head').set({ hash: row.hash }).where('id', '=', 1).execute();
}

export async function readAuditHead(db: DbOrTx): Promise<{ seq: number; hash: string }> {
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { seq: Number(head.seq), hash: head.hash };
}

/** Events in chain order, a page at a time (the trail can hold millions). */
export async function auditEventsAfter(db: DbOrTx, afterSeq: number, limit: number): Promise<AuditEventRow[]> {
  return db.selectFrom('audit_event').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}
