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

/** Recomputes every hash in order; any changed, removed or inserted event breaks the chain. */
export async function verifyAuditChain(db: Db): Promise<ChainVerification> {
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (;;) {
    const page = await auditEventsAfter(db, expectedSeq - 1, 1000);
    for (const row of page) {
      const seq = Number(row.seq);
      const { hash, ...rest } = row;
      if (seq !== expectedSeq || row.prev_hash !== expectedPrev || eventHash({ ...rest, seq }) !== hash) {
        return { ok: false, events: count, brokenAtSeq: expectedSeq };
      }
      expectedPrev = hash;
      expectedSeq += 1;
      count += 1;
    }
    if (page.length < 1000) break;
  }
  const head = await readAuditHead(db);
  if (head.seq !== count || head.hash !== expectedPrev) {
    // The first event the head does not vouch for: one appended beyond it, one missing at the
    // end, or (same count, other hash) the last one, replaced.
    const brokenAtSeq = head.seq < count ? head.seq + 1 : head.seq > count ? count + 1 : Math.max(count, 1);
    return { ok: false, events: brokenAtSeq - 1, brokenAtSeq };
  }
  return { ok: true, events: count };
}
