import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { ChangeEventRow, ChangeEventTable } from './change-feed.table.ts';

/**
 * Takes the institution's next sequence number. The UPDATE locks the head row until the
 * transaction ends (PostgreSQL row lock; SQLite has one writer anyway), so two writers never
 * take the same number and numbers become visible in the order they were taken: a poller that
 * has seen n never later finds a new n−1.
 */
export async function claimNextSequence(trx: DbOrTx, institutionId: string): Promise<number> {
  await trx.insertInto('change_feed_head').values({ institution_id: institutionId, last_sequence: 0 }).onConflict((oc) => oc.column('institution_id').doNothing()).execute();
  const head = await trx
    .updateTable('change_feed_head')
    .set((eb) => ({ last_sequence: eb('last_sequence', '+', 1) }))
    .where('institution_id', '=', institutionId)
    .returning('last_sequence')
    .executeTakeFirstOrThrow();
  return Number(head.last_sequence);
}

/** Holds the institution's head row until the transaction ends, without taking a number. */
export async function lockFeedHead(trx: DbOrTx, institutionId: string): Promise<void> {
  await trx.insertInto('change_feed_head').values({ institution_id: institutionId, last_sequence: 0 }).onConflict((oc) => oc.column('institution_id').doNothing()).execute();
  await trx
    .updateTable('change_feed_head')
    .set((eb) => ({ last_sequence: eb.ref('last_sequence') }))
    .where('institution_id', '=', institutionId)
    .execute();
}

export async function insertChangeEvent(trx: DbOrTx, row: ChangeEventTable): Promise<void> {
  await trx.insertInto('change_event').values(row).execute();
}

/** The institution's last sequence number (0 before its first event). */
export async function lastSequence(db: DbOrTx, institutionId: string): Promise<number> {
  const row = await db.selectFrom('change_feed_head').select('last_sequence').where('institution_id', '=', institutionId).executeTakeFirst();
  return row ? Number(row.last_sequence) : 0;
}

export async function changeEventsAfter(db: DbOrTx, institutionId: string, after: number, limit: number): Promise<ChangeEventRow[]> {
  const rows = await db
    .selectFrom('change_event')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('sequence', '>', after)
    .orderBy('sequence')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, sequence: Number(r.sequence) }));
}

/** The once-only key of a consent's expiry event is this prefix and the consent's id. */
export const EXPIRED_PREFIX = 'consent.expired:';

/**
 * Active consents whose validity has ended by `now` and whose expiry has no event yet, at one
 * institution or all, oldest end first. A read of the consent table: the consent feature still
 * writes every consent row.
 */
export async function consentsExpiredWithoutEvent(
  db: DbOrTx,
  now: string,
  institutionId: string | null,
  limit: number,
): Promise<Array<{ id: string; institution_id: string; valid_until: string }>> {
  let q = db
    .selectFrom('consent')
    .select(['consent.id', 'consent.institution_id', 'consent.valid_until'])
    .where('consent.status', '=', 'active')
    .where('consent.valid_until', 'is not', null)
    .where('consent.valid_until', '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('change_event').select('change_event.id').where('change_event.once_key', '=', sql<string>`${EXPIRED_PREFIX} || consent.id`))),
    );
  if (institutionId !== null) q = q.where('consent.institution_id', '=', institutionId);
  const rows = await q.orderBy('consent.valid_until').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, institution_id: r.institution_id, valid_until: r.valid_until! }));
}

/** Whether the consent is still active with its validity ended by `now` (re-read under the head's lock). */
export async function isActiveAndEnded(db: DbOrTx, consentId: string, now: string): Promise<boolean> {
  const row = await db
    .selectFrom('consent')
    .select('id')
    .where('id', '=', consentId)
    .where('status', '=', 'active')
    .where('valid_until', 'is not', null)
    .where('valid_until', '<=', now)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether this once-only event was already written (checked under the head row's lock). */
export async function hasOnceEvent(db: DbOrTx, onceKey: string): Promise<boolean> {
  const row = await db.selectFrom('change_event').select('id').where('once_key', '=', onceKey).executeTakeFirst();
  return row !== undefined;
}
