import { createHash } from 'node:crypto';
import type { Db, DbOrTx } from '../db/database.ts';
import { auditEventsAfter, claimNextSeq, insertAuditEvents, readAuditHead } from './audit.repository.ts';
import type { AuditActorType, AuditEventTable } from './audit.table.ts';
import type { AuditAction, AuditOutcome } from '../../domain/staff/audit-events.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** What callers say about an event; sequence, time and hashes are added here. */
export interface AuditEntry {
  institutionId: string | null;
  actorType: AuditActorType;
  actorId?: string | null;
  action: AuditAction;
  personRef?: string | null;
  deviceId?: string | null;
  subjectId?: string | null;
  outcome: AuditOutcome;
  /** A short code (e.g. a rejection reason), never free text about the person. */
  detail?: string | null;
}

/** The SHA-256 of an event's fields and its predecessor's hash. */
export function eventHash(row: Omit<AuditEventTable, 'hash'>): string {
  const fields = [
    row.seq,
    row.at,
    row.institution_id,
    row.actor_type,
    row.actor_id,
    row.action,
    row.person_ref,
    row.device_id,
    row.subject_id,
    row.outcome,
    row.detail,
    row.prev_hash,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * X5: appends one event to the trail, inside the caller's transaction so the event commits or
 * rolls back with the change it records. Each event carries the hash of its predecessor.
 */
export async function appendAudit(trx: DbOrTx, entry: AuditEntry, at: Date): Promise<void> {
  await appendAuditMany(trx, [entry], at);
}

/**
 * Appends several events in the order given, chained as if appended one by one, with one claim
 * on the head and multi-row inserts: a batch re-query of 5,000 persons writes 5,000 events.
 */
export async function appendAuditMany(trx: DbOrTx, entries: AuditEntry[], at: Date): Promise<void> {
  if (entries.length === 0) return;
  // Claiming the head and writing the rows (which moves the head's hash) must be one transaction.
  // As separate statements (a caller outside any transaction: the login steps), another append
  // could claim the next number between them and chain onto the head's old hash: a broken chain.
  if (!trx.isTransaction) return trx.transaction().execute((own) => appendAuditMany(own, entries, at));
  const { seq: firstSeq, prevHash: firstPrev } = await claimNextSeq(trx, entries.length);
  let prevHash = firstPrev;
  const rows = entries.map((entry, i) => {
    const row: Omit<AuditEventTable, 'hash'> = {
      seq: firstSeq + i,
      at: at.toISOString(),
      institution_id: entry.institutionId,
      actor_type: entry.actorType,
      actor_id: entry.actorId ?? null,
      action: entry.action,
      person_ref: entry.personRef ?? null,
      device_id: entry.deviceId ?? null,
      subject_id: entry.subjectId ?? null,
      outcome: entry.outcome,
      detail: entry.detail ?? null,
      prev_hash: prevHash,
    };
    prevHash = eventHash(row);
    return { ...row, hash: prevHash };
  });
  await insertAuditEvents(trx, rows);
}

export type ChainVerification = { ok: true; events: number } | { ok: false; events: number; brokenAtSeq: number };
export type ChainSegment = { ok: true; events: number; total: number; nextSeq: number | null } | { ok: false; events: number; brokenAtSeq: number };

/** Events the CLI checks per part (the server's parts: AUDIT_VERIFY_PART_EVENTS). */
export const VERIFY_SEGMENT_EVENTS = 100_000;
const PAGE = 1000;

/** Recomputes every hash in order; any changed, removed or inserted event breaks the chain. */
export async function verifyAuditChain(db: Db, onProgress?: (checked: number, total: number) => void): Promise<ChainVerification> {
  let fromSeq = 1;
  for (;;) {
    const part = await verifyAuditSegment(db, fromSeq, VERIFY_SEGMENT_EVENTS);
    if (!part.ok) return part;
    onProgress?.(part.events, part.total);
    if (part.nextSeq === null) return { ok: true, events: part.events };
    fromSeq = part.nextSeq;
  }
}

/**
 * Checks the events from `fromSeq` on, at most `limit` of them (issue 17 #4). Parts compose: each
 * starts from the stored hash of the event before it, which the previous part recomputed. The
 * chain's end is the head as read at the start of the part; events appended after that are left
 * for the next check, unless the head does not vouch for them (then the chain is broken there).
 */
export async function verifyAuditSegment(db: Db, fromSeq: number, limit: number): Promise<ChainSegment> {
  const head = await readAuditHead(db);
  if (fromSeq > head.seq + 1) return { ok: false, events: 0, brokenAtSeq: head.seq + 1 };
  let expectedPrev = GENESIS_HASH;
  if (fromSeq > 1) {
    const [before] = await auditEventsAfter(db, fromSeq - 2, 1);
    if (!before || Number(before.seq) !== fromSeq - 1) return { ok: false, events: fromSeq - 2, brokenAtSeq: fromSeq - 1 };
    expectedPrev = before.hash;
  }
  const last = Math.min(head.seq, fromSeq + limit - 1);
  let expectedSeq = fromSeq;
  while (expectedSeq <= last) {
    const page = await auditEventsAfter(db, expectedSeq - 1, Math.min(PAGE, last - expectedSeq + 1));
    if (page.length === 0) break;
    for (const row of page) {
      const seq = Number(row.seq);
      const { hash, ...rest } = row;
      if (seq !== expectedSeq || row.prev_hash !== expectedPrev || eventHash({ ...rest, seq }) !== hash) {
        return { ok: false, events: expectedSeq - 1, brokenAtSeq: expectedSeq };
      }
      expectedPrev = hash;
      expectedSeq += 1;
    }
  }
  // Missing events at the end of this part: the head vouches for more than there are.
  if (expectedSeq <= last) return { ok: false, events: expectedSeq - 1, brokenAtSeq: expectedSeq };
  if (last < head.seq) return { ok: true, events: last, total: head.seq, nextSeq: last + 1 };
  // The end of the chain: the head must name the last event's hash (same count, other hash: the
  // last one was replaced), and no event may lie beyond it that the head does not vouch for.
  if (head.seq > 0 && head.hash !== expectedPrev) return { ok: false, events: head.seq - 1, brokenAtSeq: head.seq };
  const [beyond] = await auditEventsAfter(db, head.seq, 1);
  if (beyond) {
    const now = await readAuditHead(db);
    // Appended by a request since this part began: the head now covers it (next check's part).
    if (now.seq < Number(beyond.seq)) return { ok: false, events: head.seq, brokenAtSeq: head.seq + 1 };
  }
  return { ok: true, events: head.seq, total: head.seq, nextSeq: null };
}
