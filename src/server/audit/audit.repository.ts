import type { DbOrTx } from '../db/database.ts';
import type { AuditEventRow, AuditEventTable } from './audit.table.ts';

/**
 * Advances the chain head by `count` and returns the first of the claimed sequence numbers and
 * the hash the first new event follows. The update locks the head row until the transaction
 * ends, so no other writer can interleave events.
 */
export async function claimNextSeq(trx: DbOrTx, count = 1): Promise<{ seq: number; prevHash: string }> {
  const head = await trx
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', count) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  return { seq: Number(head.seq) - count + 1, prevHash: head.hash };
}

/** Rows per INSERT: 13 columns × 500 stays well under SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK = 500;

/** Writes events already chained (in order) and moves the head's hash to the last one. */
export async function insertAuditEvents(trx: DbOrTx, rows: AuditEventTable[]): Promise<void> {
  if (rows.length === 0) return;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto('audit_event').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  await trx.updateTable('audit_head').set({ hash: rows[rows.length - 1]!.hash }).where('id', '=', 1).execute();
}

export async function readAuditHead(db: DbOrTx): Promise<{ seq: number; hash: string }> {
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { seq: Number(head.seq), hash: head.hash };
}

/** Events in chain order, a page at a time (the trail can hold millions). */
export async function auditEventsAfter(db: DbOrTx, afterSeq: number, limit: number): Promise<AuditEventRow[]> {
  return db.selectFrom('audit_event').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}
