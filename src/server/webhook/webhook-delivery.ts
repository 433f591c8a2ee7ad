import { WEBHOOK_HEADERS, WEBHOOK_MAX_ATTEMPTS, webhookBackoffMs } from '../../domain/change-feed/change-feed.ts';
import { checkWebhookUrl } from './webhook-url.ts';
import type { AppMode } from '../config.ts';
import type { Db } from '../db/database.ts';
import { log } from '../http/logger.ts';
import type { Keyring } from '../secrets/keyring.ts';
import { Agent, fetch as undiciFetch } from 'undici';
import { guardedLookup, publicAddressCheck, refusedByLookup, type AddressCheck, type Resolve } from './webhook-address.ts';
import { signWebhook } from './webhook-signature.ts';
import { findWebhookEndpoint, leaseDelivery, markAttemptFailed, markDelivered, pendingHeadOf, pendingQueueHeads } from './webhook.repository.ts';
import { openWebhookSecret } from './webhook.service.ts';
import type { WebhookDeliveryRow } from './webhook.table.ts';

/**
 * The delivery loop (issue 19 #3), run in the server process beside the retention timer. Each
 * tick, for each institution, it POSTs the oldest pending delivery, and on success the next, in
 * sequence order; a failure (network error, timeout, any non-2xx, redirects included) waits
 * with exponential backoff and holds that institution's later events back, so they arrive in
 * order. After WEBHOOK_MAX_ATTEMPTS failures the delivery is dead-lettered and the queue moves
 * on; an administrator can send it again from the console.
 *
 * Durable: the queue is the `webhook_delivery` table, written in each change's transaction. A
 * delivery is leased (LEASE_MS) before its POST, so a second server process skips it; if the
 * process dies mid-POST the lease runs out and the delivery is sent again. Delivery is therefore
 * at least once: receivers dedupe by the event id.
 */
export interface WebhookDeliveryOptions {
  db: Db;
  secrets: Keyring;
  appMode: AppMode;
  allowLocalHttp: boolean;
  clock: () => Date;
  fetch?: typeof fetch;
  addressCheck?: AddressCheck;
  /** How the connection resolves the endpoint's name (tests stand in for DNS). */
  resolve?: Resolve;
  /** Between ticks (the server: 2 s). */
  intervalMs?: number;
  /** One POST at most (default 10 s). */
  timeoutMs?: number;
  leaseMs?: number;
}

export const WEBHOOK_LEASE_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Deliveries per institution and tick at most, so one busy institution does not starve the others. */
const MAX_PER_INSTITUTION_TICK = 100;

export interface WebhookDelivery {
  /** One pass over every institution's queue; returns how many deliveries succeeded. */
  runOnce(): Promise<number>;
  /** Runs now and every `intervalMs`. */
  start(): void;
  /** Stops the timer, aborts a POST in flight and waits for the pass to end. */
  stop(): Promise<void>;
}

type AttemptResult = { ok: true } | { ok: false; error: string };

export function createWebhookDelivery(options: WebhookDeliveryOptions): WebhookDelivery {
  // undici's own fetch, so the connection can be given its own lookup (the dispatcher below).
  const doFetch = options.fetch ?? (undiciFetch as unknown as typeof fetch);
  const addressCheck = options.addressCheck ?? publicAddressCheck;
  const guarded = options.appMode === 'production' && !options.allowLocalHttp;
  // Production: the socket connects only to addresses its own lookup accepted (DNS rebinding).
  const dispatcher = guarded ? new Agent({ connect: { lookup: guardedLookup(options.resolve) } }) : undefined;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const leaseMs = options.leaseMs ?? WEBHOOK_LEASE_MS;
  const stopping = new AbortController();
  let timer: ReturnType<typeof setInterval> | null = null;
  let current: Promise<number> | null = null;

  async function attempt(delivery: WebhookDeliveryRow): Promise<AttemptResult> {
    const endpoint = await findWebhookEndpoint(options.db, delivery.institution_id);
    if (!endpoint) return { ok: false, error: 'no_endpoint' };
    const checked = checkWebhookUrl(endpoint.url, options.allowLocalHttp);
    if (!checked.ok) return { ok: false, error: 'address_refused' };
    // Checked again before each POST: a name may point somewhere else since it was configured.
    if (options.appMode === 'production' && !options.allowLocalHttp && !(await addressCheck(new URL(checked.url).hostname))) {
      return { ok: false, error: 'address_refused' };
    }
    const secret = openWebhookSecret(options.secrets, endpoint);
    const timestamp = String(Math.floor(options.clock().getTime() / 1000));
    const body = delivery.payload_json;
    try {
      const res = await doFetch(checked.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'ZaitakuUketsuke-Webhook/1',
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, body),
          [WEBHOOK_HEADERS.id]: delivery.event_id,
        },
        body,
        // A redirect is not followed (it could lead inside the network): it counts as a failure.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal]),
        ...(dispatcher ? { dispatcher } : {}),
      } as RequestInit);
      await res.body?.cancel().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? { ok: true } : { ok: false, error: `http_${res.status}` };
    } catch (err) {
      if (refusedByLookup(err)) return { ok: false, error: 'address_refused' };
      return { ok: false, error: err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'network' };
    }
  }

  /** Sends one institution's queue in order until it is empty, not due, or a POST fails. */
  async function drain(first: WebhookDeliveryRow): Promise<number> {
    let delivered = 0;
    let head: WebhookDeliveryRow | undefined = first;
    while (head && delivered < MAX_PER_INSTITUTION_TICK && !stopping.signal.aborted) {
      const now = options.clock();
      if (!(await leaseDelivery(options.db, head.id, head.attempts, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString()))) break;
      const result = await attempt(head);
      const after = options.clock();
      if (result.ok) {
        await markDelivered(options.db, head.id, after.toISOString());
        delivered += 1;
        head = await pendingHeadOf(options.db, head.institution_id);
        continue;
      }
      const attempts = head.attempts + 1;
      const dead = attempts >= WEBHOOK_MAX_ATTEMPTS;
      await markAttemptFailed(options.db, head.id, {
        attempts,
        status: dead ? 'dead' : 'pending',
        nextAttemptAt: new Date(after.getTime() + (dead ? 0 : webhookBackoffMs(attempts))).toISOString(),
        error: result.error,
        at: after.toISOString(),
      });
      // Only codes and ids in the log: never the URL's path or the body.
      log(dead ? 'warn' : 'info', dead ? 'webhook_dead_lettered' : 'webhook_attempt_failed', { deliveryId: head.id, attempts, error: result.error });
      // A dead letter no longer holds the queue back: the next event goes out now.
      head = dead ? await pendingHeadOf(options.db, head.institution_id) : undefined;
    }
    return delivered;
  }

  async function pass(): Promise<number> {
    let delivered = 0;
    for (const head of await pendingQueueHeads(options.db)) {
      if (stopping.signal.aborted) break;
      delivered += await drain(head);
    }
    return delivered;
  }

  function runOnce(): Promise<number> {
    // Passes never overlap: a second call while one runs waits for it.
    current ??= pass().finally(() => {
      current = null;
    });
    return current;
  }

  return {
    runOnce,
    start() {
      const tick = () => {
        runOnce().catch((err: unknown) => log('error', 'webhook_delivery_failed', { errorName: err instanceof Error ? err.name : 'unknown' }));
      };
      tick();
      timer = setInterval(tick, options.intervalMs ?? 2000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      stopping.abort();
      await current?.catch(() => undefined);
      await dispatcher?.destroy();
    },
  };
}
