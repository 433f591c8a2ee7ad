import type { DbOrTx } from '../db/database.ts';
import type { WebhookDeliveryRow, WebhookDeliveryTable, WebhookEndpointRow, WebhookEndpointTable } from './webhook.table.ts';

export async function findWebhookEndpoint(db: DbOrTx, institutionId: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom('webhook_endpoint').selectAll().where('institution_id', '=', institutionId).executeTakeFirst();
}

export async function insertWebhookEndpoint(db: DbOrTx, row: WebhookEndpointTable): Promise<void> {
  await db.insertInto('webhook_endpoint').values(row).execute();
}

export async function updateWebhookEndpoint(
  db: DbOrTx,
  institutionId: string,
  change: Partial<Pick<WebhookEndpointTable, 'url' | 'secret_sealed'>> & Pick<WebhookEndpointTable, 'updated_at' | 'updated_by'>,
): Promise<void> {
  await db.updateTable('webhook_endpoint').set(change).where('institution_id', '=', institutionId).execute();
}

export async function insertWebhookDelivery(db: DbOrTx, row: WebhookDeliveryTable): Promise<void> {
  await db.insertInto('webhook_delivery').values(row).execute();
}

function numbers(row: WebhookDeliveryRow): WebhookDeliveryRow {
  return { ...row, sequence: Number(row.sequence), attempts: Number(row.attempts) };
}

/**
 * Each institution's first pending delivery (lowest sequence): deliveries go out strictly in
 * order, so only the head of each queue may be tried.
 */
export async function pendingQueueHeads(db: DbOrTx): Promise<WebhookDeliveryRow[]> {
  const rows = await db
    .selectFrom('webhook_delivery as d')
    .selectAll('d')
    .where('d.status', '=', 'pending')
    .where((eb) =>
      eb(
        'd.sequence',
        '=',
        eb.selectFrom('webhook_delivery as h').select((h) => h.fn.min('h.sequence').as('s')).where('h.status', '=', 'pending').whereRef('h.institution_id', '=', 'd.institution_id'),
      ),
    )
    .execute();
  return rows.map(numbers);
}

/** An institution's first pending delivery. */
export async function pendingHeadOf(db: DbOrTx, institutionId: string): Promise<WebhookDeliveryRow | undefined> {
  const row = await db
    .selectFrom('webhook_delivery')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('status', '=', 'pending')
    .orderBy('sequence')
    .limit(1)
    .executeTakeFirst();
  return row && numbers(row);
}

/**
 * Takes a due delivery for one attempt: a guarded update, so of two loops (two server
 * processes) only one gets it. False when it is not due, leased, or changed since it was read.
 */
export async function leaseDelivery(db: DbOrTx, id: string, attempts: number, now: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_delivery')
    .set({ lease_until: leaseUntil })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts', '=', attempts)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markDelivered(db: DbOrTx, id: string, at: string): Promise<void> {
  await db.updateTable('webhook_delivery').set({ status: 'delivered', delivered_at: at, updated_at: at, lease_until: null, last_error: null }).where('id', '=', id).where('status', '=', 'pending').execute();
}

/** Deletes deliveries made before `before` (ISO time); returns how many. */
export async function deleteDeliveredBefore(db: DbOrTx, before: string): Promise<number> {
  const result = await db.deleteFrom('webhook_delivery').where('status', '=', 'delivered').where('delivered_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function markAttemptFailed(
  db: DbOrTx,
  id: string,
  change: { attempts: number; status: 'pending' | 'dead'; nextAttemptAt: string; error: string; at: string },
): Promise<void> {
  await db
    .updateTable('webhook_delivery')
    .set({ attempts: change.attempts, status: change.status, next_attempt_at: change.nextAttemptAt, last_error: change.error, lease_until: null, updated_at: change.at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function countDeliveries(db: DbOrTx, institutionId: string): Promise<{ pending: number; dead: number }> {
  const rows = await db
    .selectFrom('webhook_delivery')
    .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('institution_id', '=', institutionId)
    .where('status', 'in', ['pending', 'dead'])
    .groupBy('status')
    .execute();
  const of = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { pending: of('pending'), dead: of('dead') };
}

/** Every institution's pending deliveries and dead letters together (`/metrics`; the queue index's first column). */
export async function countAllDeliveries(db: DbOrTx): Promise<{ pending: number; dead: number }> {
  const rows = await db
    .selectFrom('webhook_delivery')
    .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('status', 'in', ['pending', 'dead'])
    .groupBy('status')
    .execute();
  const of = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { pending: of('pending'), dead: of('dead') };
}

export async function deadLettersAt(db: DbOrTx, institutionId: string, limit: number): Promise<WebhookDeliveryRow[]> {
  const rows = await db
    .selectFrom('webhook_delivery')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('status', '=', 'dead')
    .orderBy('sequence')
    .limit(limit)
    .execute();
  return rows.map(numbers);
}

/** Puts a dead letter of this institution back in the queue, due now. False if there is none by this id. */
export async function requeueDeadLetter(db: DbOrTx, institutionId: string, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_delivery')
    .set({ status: 'pending', attempts: 0, next_attempt_at: at, lease_until: null, updated_at: at })
    .where('id', '=', id)
    .where('institution_id', '=', institutionId)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
