import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERED_KEEP_MS, purgeDeliveredWebhooks } from '../../src/server/webhook/webhook.service.ts';
import type { WebhookDeliveryStatus } from '../../src/domain/change-feed/change-feed.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';

// Issue 19 #3: the webhook outbox does not grow for ever. Delivered rows go after a week (the
// change feed keeps every event); pending deliveries and dead letters stay until acted on.
describe('delivered webhooks are purged by the retention loop', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('deletes deliveries made more than a week ago, and nothing else', async () => {
    const now = t.clock.now();
    const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
    const row = (sequence: number, status: WebhookDeliveryStatus, deliveredAt: string | null) => ({
      id: randomUUID(),
      institution_id: t.demo.institution.id,
      event_id: randomUUID(),
      sequence,
      payload_json: '{}',
      status,
      attempts: 0,
      next_attempt_at: ago(DELIVERED_KEEP_MS * 2),
      lease_until: null,
      last_error: null,
      created_at: ago(DELIVERED_KEEP_MS * 2),
      updated_at: ago(DELIVERED_KEEP_MS * 2),
      delivered_at: deliveredAt,
    });
    const old = row(1, 'delivered', ago(DELIVERED_KEEP_MS + 60_000));
    const recent = row(2, 'delivered', ago(DELIVERED_KEEP_MS - 60_000));
    const dead = row(3, 'dead', null);
    const pending = row(4, 'pending', null);
    await t.db.insertInto('webhook_delivery').values([old, recent, dead, pending]).execute();

    expect(await purgeDeliveredWebhooks(t.db, now)).toBe(1);
    const left = await t.db.selectFrom('webhook_delivery').select('id').orderBy('sequence').execute();
    expect(left.map((r) => r.id)).toEqual([recent.id, dead.id, pending.id]);
    // Run again (timer and a second process): nothing more to do.
    expect(await purgeDeliveredWebhooks(t.db, now)).toBe(0);
  });
});
