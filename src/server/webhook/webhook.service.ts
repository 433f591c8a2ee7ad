import { randomUUID } from 'node:crypto';
import type { ChangeEventDto } from '../../domain/change-feed/change-feed.ts';
import { checkWebhookUrl } from './webhook-url.ts';
import type { WebhookConfigResponse, WebhookDeadLetterDto, WebhookEndpointDto, WebhookSavedResponse } from '../../domain/change-feed/webhook-api.ts';
import type { StaffAuditor } from '../consent/staff-action.ts';
import type { DbOrTx } from '../db/database.ts';
import type { Keyring } from '../secrets/keyring.ts';
import type { Purge } from '../retention/retention.service.ts';
import type { AddressCheck } from './webhook-address.ts';
import { WebhookDeliveryNotFoundError, WebhookNotConfiguredError, WebhookUrlNotAllowedError } from './webhook-errors.ts';
import { newWebhookSecret } from './webhook-signature.ts';
import {
  countAllDeliveries,
  countDeliveries,
  deadLettersAt,
  deleteDeliveredBefore,
  findWebhookEndpoint,
  insertWebhookDelivery,
  insertWebhookEndpoint,
  requeueDeadLetter,
  updateWebhookEndpoint,
} from './webhook.repository.ts';
import type { WebhookDeliveryRow, WebhookEndpointRow } from './webhook.table.ts';

/**
 * Issue 19 #3: one HTTPS endpoint per institution receives every change event of the feed,
 * signed (webhook-signature.ts), from the outbox table `webhook_delivery`. Events recorded while
 * no endpoint is set are not queued (the feed still has them).
 */

/** The context the keyring authenticates a sealed secret with: it opens on this institution's row only. */
function secretContext(institutionId: string): string {
  return `webhook_endpoint.secret_sealed:${institutionId}`;
}

export function openWebhookSecret(secrets: Keyring, endpoint: WebhookEndpointRow): string {
  return secrets.open(endpoint.secret_sealed, secretContext(endpoint.institution_id));
}

/** Queues the event for the institution's endpoint, in the event's transaction. */
export async function enqueueWebhookDelivery(trx: DbOrTx, institutionId: string, event: ChangeEventDto, now: Date): Promise<void> {
  if (!(await findWebhookEndpoint(trx, institutionId))) return;
  const at = now.toISOString();
  await insertWebhookDelivery(trx, {
    id: randomUUID(),
    institution_id: institutionId,
    event_id: event.id,
    sequence: Number(event.cursor),
    payload_json: JSON.stringify(event),
    status: 'pending',
    attempts: 0,
    next_attempt_at: at,
    lease_until: null,
    last_error: null,
    created_at: at,
    updated_at: at,
    delivered_at: null,
  });
}

/** Whether an endpoint URL may be used: https only (or local http with the flag), and a public address in production. */
export async function checkEndpointUrl(
  url: string,
  policy: { appMode: 'demo' | 'production'; allowLocalHttp: boolean; addressCheck: AddressCheck },
): Promise<string> {
  const checked = checkWebhookUrl(url, policy.allowLocalHttp);
  if (!checked.ok) throw new WebhookUrlNotAllowedError();
  if (policy.appMode === 'production' && !policy.allowLocalHttp && !(await policy.addressCheck(new URL(checked.url).hostname))) {
    throw new WebhookUrlNotAllowedError();
  }
  return checked.url;
}

function toEndpointDto(row: WebhookEndpointRow): WebhookEndpointDto {
  return { url: row.url, updatedAt: row.updated_at };
}

export async function webhookConfig(db: DbOrTx, institutionId: string): Promise<WebhookConfigResponse> {
  const endpoint = await findWebhookEndpoint(db, institutionId);
  const counts = await countDeliveries(db, institutionId);
  return { endpoint: endpoint ? toEndpointDto(endpoint) : null, ...counts };
}

/** The whole server's webhook queue, for `/metrics`: pending deliveries and dead letters. */
export function webhookQueueSize(db: DbOrTx): Promise<{ pending: number; dead: number }> {
  return countAllDeliveries(db);
}

export interface WebhookStaffContext {
  institutionId: string;
  staffId: string;
  now: Date;
  audit: StaffAuditor;
  secrets: Keyring;
}

/**
 * Sets the endpoint's URL (already checked by `checkEndpointUrl`). The first configuration makes
 * the signing secret and returns it, this once; a later change of URL keeps the secret.
 */
export async function saveWebhookEndpoint(trx: DbOrTx, ctx: WebhookStaffContext, url: string): Promise<WebhookSavedResponse> {
  const at = ctx.now.toISOString();
  const existing = await findWebhookEndpoint(trx, ctx.institutionId);
  let secret: string | null = null;
  if (existing) {
    await updateWebhookEndpoint(trx, ctx.institutionId, { url, updated_at: at, updated_by: ctx.staffId });
  } else {
    secret = newWebhookSecret();
    await insertWebhookEndpoint(trx, {
      institution_id: ctx.institutionId,
      url,
      secret_sealed: ctx.secrets.seal(secret, secretContext(ctx.institutionId)),
      created_at: at,
      updated_at: at,
      updated_by: ctx.staffId,
    });
  }
  await ctx.audit(trx, { action: 'webhook.configured', subjectId: ctx.institutionId, outcome: 'ok' }, ctx.now);
  const saved = (await findWebhookEndpoint(trx, ctx.institutionId))!;
  return { endpoint: toEndpointDto(saved), secret };
}

/** A new signing secret, shown once; the old one stops signing at once. */
export async function rotateWebhookSecret(trx: DbOrTx, ctx: WebhookStaffContext): Promise<WebhookSavedResponse> {
  const existing = await findWebhookEndpoint(trx, ctx.institutionId);
  if (!existing) throw new WebhookNotConfiguredError();
  const secret = newWebhookSecret();
  const at = ctx.now.toISOString();
  await updateWebhookEndpoint(trx, ctx.institutionId, { secret_sealed: ctx.secrets.seal(secret, secretContext(ctx.institutionId)), updated_at: at, updated_by: ctx.staffId });
  await ctx.audit(trx, { action: 'webhook.secret_rotated', subjectId: ctx.institutionId, outcome: 'ok' }, ctx.now);
  const saved = (await findWebhookEndpoint(trx, ctx.institutionId))!;
  return { endpoint: toEndpointDto(saved), secret };
}

/** The dead letters shown at most (oldest first). */
export const DEAD_LETTER_LIST_MAX = 200;

/**
 * How long a delivered webhook stays in the outbox: long enough to answer "was it sent?" for a
 * few days; the change feed keeps every event for polling, so nothing is lost with the row.
 * Dead letters stay until retried (an administrator acts on them).
 */
export const DELIVERED_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

/** The retention loop's purge of delivered webhooks (ids and event references only: not audited). */
export const purgeDeliveredWebhooks: Purge = (db, now) => deleteDeliveredBefore(db, new Date(now.getTime() - DELIVERED_KEEP_MS).toISOString());

function toDeadLetterDto(row: WebhookDeliveryRow): WebhookDeadLetterDto {
  const event = JSON.parse(row.payload_json) as ChangeEventDto;
  return {
    id: row.id,
    eventId: row.event_id,
    cursor: event.cursor,
    type: event.type,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function deadLetters(db: DbOrTx, institutionId: string): Promise<WebhookDeadLetterDto[]> {
  return (await deadLettersAt(db, institutionId, DEAD_LETTER_LIST_MAX)).map(toDeadLetterDto);
}

/** Sends a dead letter again: back in its institution's queue at its place (its sequence), due now. */
export async function retryDeadLetter(trx: DbOrTx, ctx: Omit<WebhookStaffContext, 'secrets'>, id: string): Promise<void> {
  if (!(await requeueDeadLetter(trx, ctx.institutionId, id, ctx.now.toISOString()))) throw new WebhookDeliveryNotFoundError();
  await ctx.audit(trx, { action: 'webhook.retried', subjectId: id, outcome: 'ok' }, ctx.now);
}
