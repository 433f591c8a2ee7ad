import { randomUUID } from 'node:crypto';
import { formatCursor, type ChangeEventDto, type ChangeEventType, type ChangeFeedResponse } from '../../domain/change-feed/change-feed.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import { enqueueWebhookDelivery } from '../webhook/webhook.service.ts';
import { FeedCursorInvalidError } from './change-feed-errors.ts';
import {
  changeEventsAfter,
  claimNextSequence,
  consentsExpiredWithoutEvent,
  EXPIRED_PREFIX,
  hasOnceEvent,
  insertChangeEvent,
  isActiveAndEnded,
  lastSequence,
  lockFeedHead,
} from './change-feed.repository.ts';
import type { ChangeEventRow } from './change-feed.table.ts';

/**
 * Issue 19 #3. Every feature that changes a consent or receives a declaration calls
 * `recordChange` inside the transaction of that change: the event (and its webhook delivery)
 * commits with the change or not at all.
 *
 * Lock order: callers record the change after their audit entry, so a transaction takes the
 * audit chain's head before the feed's head (a fixed order: no deadlock on PostgreSQL).
 */
export async function recordChange(
  trx: DbOrTx,
  change: { institutionId: string; type: ChangeEventType; subjectId: string; occurredAt?: string; onceKey?: string },
  now: Date,
): Promise<ChangeEventDto> {
  const sequence = await claimNextSequence(trx, change.institutionId);
  const row: ChangeEventRow = {
    id: randomUUID(),
    institution_id: change.institutionId,
    sequence,
    type: change.type,
    subject_id: change.subjectId,
    occurred_at: change.occurredAt ?? now.toISOString(),
    recorded_at: now.toISOString(),
    once_key: change.onceKey ?? null,
  };
  await insertChangeEvent(trx, row);
  const event = toChangeEventDto(row);
  await enqueueWebhookDelivery(trx, change.institutionId, event, now);
  return event;
}

export function toChangeEventDto(row: ChangeEventRow): ChangeEventDto {
  return { id: row.id, cursor: formatCursor(Number(row.sequence)), type: row.type, subjectId: row.subject_id, occurredAt: row.occurred_at };
}

/** One page of the institution's feed after `after`. A cursor beyond the feed's end was never given out. */
export async function changesAfter(db: DbOrTx, institutionId: string, after: number, limit: number): Promise<ChangeFeedResponse> {
  const last = await lastSequence(db, institutionId);
  if (after > last) throw new FeedCursorInvalidError();
  const rows = await changeEventsAfter(db, institutionId, after, limit);
  const events = rows.map(toChangeEventDto);
  const end = rows.length > 0 ? Number(rows[rows.length - 1]!.sequence) : after;
  return { events, nextCursor: formatCursor(end), hasMore: end < last };
}

/** Expiries recorded per sweep and institution at most (the rest at the next). */
const EXPIRY_BATCH = 500;

/**
 * `consent.expired`: a consent's validity ends by the clock, with no write. The event is recorded
 * when the server first notices, by this sweep: every minute from the server's timer, and before
 * each feed read for the polling institution (so a poll never misses an expiry that has happened).
 * `occurredAt` is the validity's end; the cursor orders events by when they were recorded. Each
 * institution's sweep holds its feed head (so two sweeps never record the same expiry: the
 * once-only key is checked under that lock, and a unique index backs it), and re-reads each
 * consent under it: a revocation that committed first (the patient's revoke-all also ends
 * consents whose window has passed) leaves no expiry after it, and one still running waits for
 * the head and comes after the expiry. Staff cannot revoke, update or reconfirm an expired
 * consent. Returns how many were recorded.
 */
export async function recordExpiredConsents(db: Db, now: Date, institutionId: string | null = null): Promise<number> {
  const at = now.toISOString();
  const due = await consentsExpiredWithoutEvent(db, at, institutionId, EXPIRY_BATCH);
  const byInstitution = new Map<string, typeof due>();
  for (const row of due) byInstitution.set(row.institution_id, [...(byInstitution.get(row.institution_id) ?? []), row]);
  let recorded = 0;
  for (const [institution, rows] of byInstitution) {
    recorded += await db.transaction().execute(async (trx) => {
      let n = 0;
      // Lock the head first: the once-only check below then sees every committed expiry.
      await lockFeedHead(trx, institution);
      for (const consent of rows) {
        const onceKey = `${EXPIRED_PREFIX}${consent.id}`;
        // Read again under the lock: a revocation committed since the list was read is not
        // followed by an expiry (one still running waits for this lock, and comes after).
        if ((await hasOnceEvent(trx, onceKey)) || !(await isActiveAndEnded(trx, consent.id, at))) continue;
        await recordChange(trx, { institutionId: institution, type: 'consent.expired', subjectId: consent.id, occurredAt: consent.valid_until, onceKey }, now);
        n += 1;
      }
      return n;
    });
  }
  return recorded;
}
