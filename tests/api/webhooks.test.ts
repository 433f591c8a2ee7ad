import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_HEADERS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_TOLERANCE_SECONDS, webhookBackoffMs, type ChangeEventDto } from '../../src/domain/change-feed/change-feed.ts';
import type { WebhookConfigResponse, WebhookDeadLetterListResponse, WebhookSavedResponse } from '../../src/domain/change-feed/webhook-api.ts';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import { publicAddressCheck } from '../../src/server/webhook/webhook-address.ts';
import { createWebhookDelivery, WEBHOOK_LEASE_MS, type WebhookDelivery } from '../../src/server/webhook/webhook-delivery.ts';
import { verifyWebhookSignature } from '../../src/server/webhook/webhook-signature.ts';
import { checkEndpointUrl } from '../../src/server/webhook/webhook.service.ts';
import { createTestApp, jsonRequest, loginAs, TestClock, type TestApp } from './support/test-app.ts';
import { postDeclaration } from './support/declaration-request.ts';

/**
 * Issue 19 #3: webhooks. A local HTTP server receives them; the delivery loop runs on the test's
 * clock (`runOnce`), so backoff and leases are crossed by moving the clock, not by waiting.
 */

const DEVICE = '6b1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const ORIGIN = 'https://zaitaku.example';
const CONFIG = { webhookAllowLocalHttp: true };

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  event: ChangeEventDto;
}

/** The receiving end: records every POST; `answer` decides each reply (a status, or a promise to hold it). */
class Receiver {
  received: Received[] = [];
  answer: (event: ChangeEventDto) => number | Promise<number> = () => 200;
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(body) as ChangeEventDto;
      this.received.push({ headers: req.headers, body, event });
      void Promise.resolve(this.answer(event)).then((status) => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status === 200 ? 'ok' : 'no');
      });
    });
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/zaitaku`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  /** The cursors received, in arrival order. */
  cursors(): number[] {
    return this.received.map((r) => Number(r.event.cursor));
  }
  /** First arrivals only (delivery is at least once; a receiver dedupes by id). */
  distinctCursors(): number[] {
    const seen = new Set<string>();
    return this.received.filter((r) => !seen.has(r.event.id) && Boolean(seen.add(r.event.id))).map((r) => Number(r.event.cursor));
  }
}

let receiver: Receiver;

beforeAll(async () => {
  receiver = new Receiver();
  await receiver.start();
});
afterAll(async () => {
  await receiver.stop();
});

async function sendDeclaration(t: TestApp, linkToken = t.demo.institution.link_token): Promise<string> {
  const id = randomUUID();
  expect(await postDeclaration(t, { id, device: DEVICE, linkToken })).toBe(201);
  return id;
}

async function staff<T>(t: TestApp, cookie: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: T & ApiErrorBody }> {
  const init = method === 'GET' ? { headers: { cookie } } : jsonRequest(method, body ?? {}, { cookie, origin: ORIGIN });
  const res = await t.app.request(`/api/staff/webhooks${p}`, init);
  return { status: res.status, body: (await res.json()) as T & ApiErrorBody };
}

function loop(t: TestApp): WebhookDelivery {
  return createWebhookDelivery({ db: t.db, secrets: t.secrets, appMode: 'demo', allowLocalHttp: true, clock: t.clock.now, timeoutMs: 5000 });
}

describe('issue 19 #3: webhook delivery', () => {
  let t: TestApp;
  let admin: string;
  let secret: string;
  let delivery: WebhookDelivery;

  beforeAll(async () => {
    t = await createTestApp({ config: CONFIG });
    admin = await loginAs(t, 'admin');
    delivery = loop(t);
  }, 60_000);
  afterAll(async () => {
    await delivery.stop();
    await t.close();
  });

  it('an administrator sets the endpoint and gets the signing secret once; it is stored sealed', async () => {
    const saved = await staff<WebhookSavedResponse>(t, admin, 'PUT', '', { url: receiver.url });
    expect(saved.status).toBe(200);
    expect(saved.body.endpoint.url).toBe(receiver.url);
    expect(saved.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    secret = saved.body.secret!;
    // Not in the database in clear, not in any later answer.
    const row = await t.db.selectFrom('webhook_endpoint').selectAll().executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(secret.slice(6));
    expect(row.secret_sealed.startsWith('sealed:')).toBe(true);
    const again = await staff<WebhookSavedResponse>(t, admin, 'PUT', '', { url: receiver.url });
    expect(again.body.secret).toBeNull();
    const config = await staff<WebhookConfigResponse>(t, admin, 'GET', '');
    expect(JSON.stringify(config.body)).not.toContain(secret);
    expect(config.body).toEqual({ endpoint: { url: receiver.url, updatedAt: expect.any(String) as string }, pending: 0, dead: 0 });
    // A clerk may not see or change it.
    const clerk = await loginAs(t, 'clerk');
    expect((await staff(t, clerk, 'GET', '')).status).toBe(403);
    expect((await staff(t, clerk, 'PUT', '', { url: receiver.url })).status).toBe(403);
    const audit = await t.db.selectFrom('audit_event').select('action').where('action', '=', 'webhook.configured').execute();
    expect(audit).toHaveLength(2);
  });

  it('POSTs the events in order, signed with HMAC-SHA256 over "timestamp.body"', async () => {
    receiver.received = [];
    const ids = [await sendDeclaration(t), await sendDeclaration(t), await sendDeclaration(t)];
    expect((await staff<WebhookConfigResponse>(t, admin, 'GET', '')).body.pending).toBe(3);
    expect(await delivery.runOnce()).toBe(3);
    expect(receiver.received.map((r) => r.event.subjectId)).toEqual(ids);
    expect(receiver.cursors()).toEqual([1, 2, 3]);
    for (const r of receiver.received) {
      const timestamp = r.headers[WEBHOOK_HEADERS.timestamp] as string;
      const signature = r.headers[WEBHOOK_HEADERS.signature] as string;
      expect(timestamp).toBe(String(Math.floor(t.clock.now().getTime() / 1000)));
      expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(secret, timestamp, r.body, signature)).toBe(true);
      // The receiver's check as the README gives it, with nothing of the server's code.
      expect(signature).toBe(`v1=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`);
      // The check fails for a changed body, another timestamp (a replayed signature on a new time) or another secret.
      expect(verifyWebhookSignature(secret, timestamp, r.body.replace('declaration', 'consent'), signature)).toBe(false);
      expect(verifyWebhookSignature(secret, String(Number(timestamp) + WEBHOOK_TOLERANCE_SECONDS), r.body, signature)).toBe(false);
      expect(verifyWebhookSignature(`${secret}x`, timestamp, r.body, signature)).toBe(false);
      expect(r.headers[WEBHOOK_HEADERS.id]).toBe(r.event.id);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.body).not.toContain('山田');
    }
    // Nothing is sent twice once acknowledged.
    expect(await delivery.runOnce()).toBe(0);
    expect(receiver.received).toHaveLength(3);
  });

  it('retries after a 500 with backoff, holding later events back so the order stays', async () => {
    receiver.received = [];
    let failedOnce = false;
    receiver.answer = () => {
      if (failedOnce) return 200;
      failedOnce = true;
      return 500;
    };
    await sendDeclaration(t);
    await sendDeclaration(t);
    expect(await delivery.runOnce()).toBe(0);
    expect(receiver.cursors()).toEqual([4]);
    const row = await t.db.selectFrom('webhook_delivery').selectAll().where('sequence', '=', 4).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'http_500' });
    expect(Date.parse(row.next_attempt_at) - t.clock.now().getTime()).toBe(webhookBackoffMs(1));
    // Not due yet: nothing is sent, and event 5 waits behind 4.
    expect(await delivery.runOnce()).toBe(0);
    expect(receiver.cursors()).toEqual([4]);
    t.clock.advance(webhookBackoffMs(1));
    expect(await delivery.runOnce()).toBe(2);
    expect(receiver.cursors()).toEqual([4, 4, 5]);
    receiver.answer = () => 200;
  });

  it('a network error and a redirect count as failures too', async () => {
    receiver.received = [];
    await sendDeclaration(t);
    const failing = createWebhookDelivery({
      db: t.db,
      secrets: t.secrets,
      appMode: 'demo',
      allowLocalHttp: true,
      clock: t.clock.now,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    expect(await failing.runOnce()).toBe(0);
    let row = await t.db.selectFrom('webhook_delivery').selectAll().where('sequence', '=', 6).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'network' });
    t.clock.advance(webhookBackoffMs(1));
    receiver.answer = () => 302;
    expect(await delivery.runOnce()).toBe(0);
    row = await t.db.selectFrom('webhook_delivery').selectAll().where('sequence', '=', 6).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 2, last_error: 'http_302' });
    receiver.answer = () => 200;
    t.clock.advance(webhookBackoffMs(2));
    expect(await delivery.runOnce()).toBe(1);
  });

  it(`dead-letters after ${WEBHOOK_MAX_ATTEMPTS} failures, moves on, and an administrator sends it again from the list`, async () => {
    receiver.received = [];
    const doomed = await sendDeclaration(t);
    receiver.answer = (event) => (event.subjectId === doomed ? 503 : 200);
    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt += 1) {
      await delivery.runOnce();
      t.clock.advance(webhookBackoffMs(attempt));
    }
    expect(receiver.received.filter((r) => r.event.subjectId === doomed)).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    const list = await staff<WebhookDeadLetterListResponse>(t, await loginAs(t, 'admin'), 'GET', '/dead-letters');
    expect(list.status).toBe(200);
    expect(list.body.deadLetters).toHaveLength(1);
    const dead = list.body.deadLetters[0]!;
    expect(dead).toMatchObject({ cursor: '7', type: 'declaration.received', attempts: WEBHOOK_MAX_ATTEMPTS, lastError: 'http_503' });
    // Only ids and codes in the list.
    expect(JSON.stringify(list.body)).not.toContain(doomed);
    // The queue is not stuck behind it.
    const next = await sendDeclaration(t);
    expect(await delivery.runOnce()).toBe(1);
    expect(receiver.received.at(-1)!.event.subjectId).toBe(next);

    admin = await loginAs(t, 'admin');
    receiver.answer = () => 200;
    expect((await staff(t, admin, 'POST', `/dead-letters/${randomUUID()}/retry`)).status).toBe(404);
    expect((await staff(t, admin, 'POST', '/dead-letters/not-a-uuid/retry')).status).toBe(404);
    const retried = await staff(t, admin, 'POST', `/dead-letters/${dead.id}/retry`);
    expect(retried.status).toBe(200);
    expect((await staff<WebhookDeadLetterListResponse>(t, admin, 'GET', '/dead-letters')).body.deadLetters).toEqual([]);
    // Retrying twice finds nothing to retry.
    expect((await staff(t, admin, 'POST', `/dead-letters/${dead.id}/retry`)).status).toBe(404);
    expect(await delivery.runOnce()).toBe(1);
    expect(receiver.received.at(-1)!.event.subjectId).toBe(doomed);
    const audit = await t.db.selectFrom('audit_event').select(['action', 'subject_id']).where('action', '=', 'webhook.retried').execute();
    expect(audit).toEqual([{ action: 'webhook.retried', subject_id: dead.id }]);
  }, 60_000);

  it('a rotated secret signs from then on; the old one no longer verifies', async () => {
    receiver.received = [];
    const rotated = await staff<WebhookSavedResponse>(t, admin, 'POST', '/secret');
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret!;
    expect(fresh).not.toBe(secret);
    await sendDeclaration(t);
    expect(await delivery.runOnce()).toBe(1);
    const r = receiver.received[0]!;
    const ts = r.headers[WEBHOOK_HEADERS.timestamp] as string;
    const sig = r.headers[WEBHOOK_HEADERS.signature] as string;
    expect(verifyWebhookSignature(fresh, ts, r.body, sig)).toBe(true);
    expect(verifyWebhookSignature(secret, ts, r.body, sig)).toBe(false);
    secret = fresh;
  });

  it("another institution's events never reach this endpoint, and its administrator sees none of it", async () => {
    receiver.received = [];
    const otherId = randomUUID();
    await t.db.insertInto('institution').values({ ...t.demo.institution, id: otherId, code: '1310000009', name: '別の診療所', link_token: 'webhook-other-link' }).execute();
    await sendDeclaration(t, 'webhook-other-link');
    expect(await delivery.runOnce()).toBe(0);
    expect(receiver.received).toEqual([]);
    const rows = await t.db.selectFrom('webhook_delivery').select('id').where('institution_id', '=', otherId).execute();
    expect(rows).toEqual([]);
  });
});

describe('issue 19 #3: no loss across a server restart', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-webhook-restart-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('closing the server mid-delivery and reopening the same data directory delivers the rest, in order', async () => {
    const clock = new TestClock();
    const first = await createTestApp({ dataDir, clock, config: CONFIG });
    const admin = await loginAs(first, 'admin');
    const saved = await staff<WebhookSavedResponse>(first, admin, 'PUT', '', { url: receiver.url });
    const secret = saved.body.secret!;
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) ids.push(await sendDeclaration(first));

    receiver.received = [];
    // The third POST reaches the receiver, which holds its answer while the server goes down.
    let release: (status: number) => void = () => undefined;
    let third: () => void = () => undefined;
    const thirdArrived = new Promise<void>((resolve) => (third = resolve));
    receiver.answer = (event) => {
      if (event.cursor !== '3') return 200;
      third();
      return new Promise<number>((resolve) => (release = resolve));
    };
    const firstLoop = loop(first);
    const running = firstLoop.runOnce().catch(() => -1);
    await thirdArrived;
    expect(receiver.cursors()).toEqual([1, 2, 3]);
    await first.close(false);
    release(200);
    // The first process's loop fails on its closed database: the acknowledgement is lost.
    expect(await running).toBe(-1);

    receiver.answer = () => 200;
    const restartClock = new TestClock(clock.now().toISOString());
    const second = await createTestApp({ dataDir, clock: restartClock, config: CONFIG });
    try {
      const secondLoop = loop(second);
      // Event 3 is leased by the process that died: it is tried again once the lease has run out.
      expect(await secondLoop.runOnce()).toBe(0);
      restartClock.advance(WEBHOOK_LEASE_MS);
      expect(await secondLoop.runOnce()).toBe(4);
      // At least once: 3 came twice; every event arrived, first arrivals in order.
      expect(receiver.cursors()).toEqual([1, 2, 3, 3, 4, 5, 6]);
      expect(receiver.distinctCursors()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(receiver.received.map((r) => r.event.subjectId).filter((id, i, all) => all.indexOf(id) === i)).toEqual(ids);
      for (const r of receiver.received) {
        expect(verifyWebhookSignature(secret, r.headers[WEBHOOK_HEADERS.timestamp] as string, r.body, r.headers[WEBHOOK_HEADERS.signature] as string)).toBe(true);
      }
      const left = await second.db.selectFrom('webhook_delivery').select('status').where('status', '<>', 'delivered').execute();
      expect(left).toEqual([]);
    } finally {
      await second.close(true);
    }
  }, 120_000);
});

describe('issue 19 #3: SSRF care for endpoint addresses', () => {
  const production = { appMode: 'production' as const, allowLocalHttp: false, addressCheck: publicAddressCheck };

  it('production refuses loopback, private, link-local and unresolvable hosts; the flag lifts it', async () => {
    for (const url of ['https://127.0.0.1/h', 'https://10.1.2.3/h', 'https://192.168.0.10/h', 'https://172.16.5.5/h', 'https://169.254.169.254/latest', 'https://[::1]/h', 'https://[fd00::1]/h', 'https://[::ffff:10.0.0.1]/h', 'https://localhost/h', 'https://no-such-host.invalid/h', 'http://93.184.216.34/h']) {
      await expect(checkEndpointUrl(url, production), url).rejects.toMatchObject({ code: 'webhook_url_not_allowed' });
    }
    expect(await checkEndpointUrl('https://93.184.216.34/hooks#frag', production)).toBe('https://93.184.216.34/hooks');
    expect(await checkEndpointUrl('https://10.1.2.3/h', { ...production, allowLocalHttp: true })).toBe('https://10.1.2.3/h');
    expect(await checkEndpointUrl('http://127.0.0.1:8443/h', { ...production, allowLocalHttp: true })).toBe('http://127.0.0.1:8443/h');
    // Demo mode (no real patients) allows a clinic-LAN https address, never plain http without the flag.
    expect(await checkEndpointUrl('https://192.168.0.10/h', { ...production, appMode: 'demo' })).toBe('https://192.168.0.10/h');
    await expect(checkEndpointUrl('http://192.168.0.10/h', { ...production, appMode: 'demo' })).rejects.toMatchObject({ code: 'webhook_url_not_allowed' });
  });

  it('the loop refuses to POST to an endpoint that now points at a private address (production)', async () => {
    const t = await createTestApp({ config: CONFIG });
    try {
      const admin = await loginAs(t, 'admin');
      expect((await staff(t, admin, 'PUT', '', { url: receiver.url })).status).toBe(200);
      // Since it was set, the endpoint's name has come to resolve to the server's own machine.
      await t.db.updateTable('webhook_endpoint').set({ url: receiver.url.replace('http://127.0.0.1', 'https://localhost') }).execute();
      await sendDeclaration(t);
      receiver.received = [];
      const guarded = createWebhookDelivery({ db: t.db, secrets: t.secrets, appMode: 'production', allowLocalHttp: false, clock: t.clock.now });
      expect(await guarded.runOnce()).toBe(0);
      expect(receiver.received).toEqual([]);
      const row = await t.db.selectFrom('webhook_delivery').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ attempts: 1, last_error: 'address_refused' });
    } finally {
      await t.close();
    }
  }, 60_000);

  it('the connection checks the very address it connects to: a name that passed the check, then answers a private address (DNS rebinding), is refused', async () => {
    const t = await createTestApp({ config: CONFIG });
    try {
      const admin = await loginAs(t, 'admin');
      expect((await staff(t, admin, 'PUT', '', { url: receiver.url })).status).toBe(200);
      await t.db.updateTable('webhook_endpoint').set({ url: 'https://rebind.example/hooks' }).execute();
      await sendDeclaration(t);
      const asked: string[] = [];
      // The check before the POST is told a public address; the connection's own lookup then
      // gets the server's own machine, as a rebinding name would answer the second time.
      const rebinding = createWebhookDelivery({
        db: t.db,
        secrets: t.secrets,
        appMode: 'production',
        allowLocalHttp: false,
        clock: t.clock.now,
        addressCheck: () => Promise.resolve(true),
        resolve: (host) => {
          asked.push(host);
          return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
        },
      });
      expect(await rebinding.runOnce()).toBe(0);
      await rebinding.stop();
      expect(asked).toEqual(['rebind.example']);
      const lastError = async () => (await t.db.selectFrom('webhook_delivery').select('last_error').executeTakeFirstOrThrow()).last_error;
      expect(await lastError()).toBe('address_refused');

      // The same name answering a public address goes on to the network (which this sandbox does
      // not reach: a timeout or a network error, never a refusal).
      t.clock.advance(webhookBackoffMs(1));
      const publicAnswer = createWebhookDelivery({
        db: t.db,
        secrets: t.secrets,
        appMode: 'production',
        allowLocalHttp: false,
        clock: t.clock.now,
        timeoutMs: 1000,
        addressCheck: () => Promise.resolve(true),
        resolve: () => Promise.resolve([{ address: '192.0.2.10', family: 4 }]),
      });
      expect(await publicAnswer.runOnce()).toBe(0);
      await publicAnswer.stop();
      expect(['timeout', 'network']).toContain(await lastError());
    } finally {
      await t.close();
    }
  }, 60_000);
});
