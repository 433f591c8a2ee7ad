import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreeToAll, agreeToNone } from '../../src/domain/consent/consent.ts';
import type { ChangeEventDto, ChangeFeedResponse } from '../../src/domain/change-feed/change-feed.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import type { HandoffChallenge } from '../../src/domain/registration/handoff.ts';
import type { StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import { createApiClient } from '../../src/server/api-client/api-client.service.ts';
import { recordChange, recordExpiredConsents } from '../../src/server/change-feed/change-feed.service.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { createTestApp, jsonRequest, loginAs, type TestApp } from './support/test-app.ts';
import { postDeclaration } from './support/declaration-request.ts';

/**
 * Issue 19 #3: the change feed (`GET /api/feed/changes`). Events are written in the change's
 * transaction, numbered per institution without gaps or repeats (also under 25 simultaneous
 * writers), carry opaque ids only, and a client reads its own institution's feed and no other.
 */

const DEVICE = '3a7e4c1d-9b2f-4e6a-8d5c-1f0b2a3c4d5e';
let t: TestApp;
let admin: string;
let feedToken: string;
let consentOnlyToken: string;
let otherToken: string;
let otherInstitutionId: string;

async function createClient(institutionId: string, scopes: Array<'feed.read' | 'consent.read'>): Promise<string> {
  const staff = await t.db.selectFrom('staff_account').select('id').where('login_id', '=', 'demo-admin').executeTakeFirstOrThrow();
  const created = await t.db
    .transaction()
    .execute((trx) => createApiClient(trx, { institutionId, staffId: staff.id, request: { name: 'EHR', scopes }, now: t.clock.now() }, async () => undefined));
  return created.secret;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t, 'admin');
  otherInstitutionId = randomUUID();
  await t.db.insertInto('institution').values({ ...t.demo.institution, id: otherInstitutionId, code: '1310000009', name: '別の診療所', link_token: 'feed-other-link' }).execute();
  // Ours through the console's API (an administrator creates it), the others directly.
  const res = await t.app.request('/api/staff/api-clients', jsonRequest('POST', { name: 'EHR', scopes: ['feed.read'] }, { cookie: admin, origin: 'https://zaitaku.example' }));
  expect(res.status).toBe(201);
  feedToken = ((await res.json()) as { secret: string }).secret;
  consentOnlyToken = await createClient(t.demo.institution.id, ['consent.read']);
  otherToken = await createClient(otherInstitutionId, ['feed.read']);
}, 60_000);
afterAll(async () => {
  await t.close();
});

async function poll(query: string, token = feedToken): Promise<{ status: number; body: ChangeFeedResponse & ApiErrorBody }> {
  const res = await t.app.request(`/api/feed/changes${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as ChangeFeedResponse & ApiErrorBody };
}

/** Every event of the feed, page by page from the start. */
async function allEvents(token = feedToken): Promise<ChangeEventDto[]> {
  const events: ChangeEventDto[] = [];
  let cursor = '0';
  for (;;) {
    const page = await poll(`?after=${cursor}&limit=7`, token);
    expect(page.status).toBe(200);
    events.push(...page.body.events);
    cursor = page.body.nextCursor;
    if (!page.body.hasMore) return events;
  }
}

async function sendDeclaration(linkToken = t.demo.institution.link_token, id: string = randomUUID()): Promise<{ id: string; status: number }> {
  return { id, status: await postDeclaration(t, { id, device: DEVICE, linkToken }) };
}

async function post<T>(path: string, body: unknown) {
  const res = await t.app.request(path, jsonRequest('POST', body, { 'x-device-id': DEVICE }));
  return { status: res.status, body: (await res.json()) as T & ApiErrorBody };
}

function sign(cardId: string, challenge: Pick<HandoffChallenge, 'challengeId' | 'nonce'>) {
  return signChallenge(t.db, t.cardSim, { cardId, pin: DEMO_PIN, ...challenge, now: t.clock.now() });
}

/** A card-confirmed request (registration, update, revoke-all) through the public API; returns the request id. */
async function withCard(path: string, body: Record<string, unknown>, cardId: string): Promise<string> {
  const started = await post<StartRegistrationResponse>(path, { linkToken: t.demo.institution.link_token, arrival: 'link', handoffPath: 'sameDevice', ...body });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const handoff = await post<unknown>('/api/handoff', await sign(cardId, started.body.challenge));
  expect(handoff.status, JSON.stringify(handoff.body)).toBe(200);
  return started.body.registrationId;
}

async function register(cardId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const id = await withCard('/api/public/registrations', { visitType: 'homeVisit', choices: agreeToAll(), prescriptionForm: 'paper', ...extra }, cardId);
  const row = await t.db.selectFrom('registration').select('consent_id').where('id', '=', id).executeTakeFirstOrThrow();
  return row.consent_id!;
}

async function head(): Promise<number> {
  const page = await poll('?after=0&limit=1');
  expect(page.status).toBe(200);
  const events = await allEvents();
  return events.length === 0 ? 0 : Number(events[events.length - 1]!.cursor);
}

describe('issue 19 #3: the change feed', () => {
  it('records registrations, updates, revocations and declarations in order, with opaque ids only', async () => {
    const start = await head();
    const first = await register('card-06');
    // The same visit type again: the first consent is superseded (revoked), the new one registered.
    const second = await register('card-06');
    const declaration = await sendDeclaration();
    expect(declaration.status).toBe(201);
    // U1: the patient narrows the scopes with the card.
    await withCard('/api/public/card-requests', { purpose: 'update', consentId: second, choices: { ...agreeToNone(), checkup: true }, prescriptionForm: 'paper' }, 'card-06');
    // X1: the clinic revokes on the patient's request.
    const revoked = await t.app.request(`/api/staff/consents/${second}/revoke`, jsonRequest('POST', { reason: 'patientAsked' }, { cookie: admin, origin: 'https://zaitaku.example' }));
    expect(revoked.status, await revoked.clone().text()).toBe(200);

    const events = (await allEvents()).filter((e) => Number(e.cursor) > start);
    const summary = events.map((e) => `${e.type} ${e.subjectId}`);
    expect(summary.slice(0, 4)).toEqual([`consent.registered ${first}`, `consent.revoked ${first}`, `consent.registered ${second}`, `declaration.received ${declaration.id}`]);
    expect(summary.slice(4)).toEqual([`consent.updated ${second}`, `consent.revoked ${second}`]);
    // Cursors run 1, 2, 3, … without gaps.
    expect(events.map((e) => Number(e.cursor))).toEqual(events.map((_, i) => start + i + 1));
    // Nothing but the five fields; no name, kana, birth date, phone or person reference.
    const personRef = (await t.db.selectFrom('consent').select('person_ref').where('id', '=', first).executeTakeFirstOrThrow()).person_ref;
    for (const e of events) expect(Object.keys(e).sort()).toEqual(['cursor', 'id', 'occurredAt', 'subjectId', 'type']);
    const text = JSON.stringify(events);
    for (const secret of ['山田', 'ヤマダ', '03-1234-5678', personRef]) expect(text).not.toContain(secret);
  });

  it('a change that fails writes no event (same transaction)', async () => {
    const before = await head();
    const consent = await register('card-09');
    const afterRegistration = await head();
    expect(afterRegistration).toBe(before + 1);
    // Revoking twice: the second is refused and leaves the feed as it was.
    const once = await t.app.request(`/api/staff/consents/${consent}/revoke`, jsonRequest('POST', { reason: 'patientAsked' }, { cookie: admin, origin: 'https://zaitaku.example' }));
    expect(once.status).toBe(200);
    const twice = await t.app.request(`/api/staff/consents/${consent}/revoke`, jsonRequest('POST', { reason: 'patientAsked' }, { cookie: admin, origin: 'https://zaitaku.example' }));
    expect(twice.status).toBe(409);
    expect(await head()).toBe(afterRegistration + 1);
    // A transaction that records an event and then fails leaves neither the event nor a used number.
    const failing = t.db.transaction().execute(async (trx) => {
      await recordChange(trx, { institutionId: t.demo.institution.id, type: 'consent.updated', subjectId: consent }, t.clock.now());
      throw new Error('the change failed after its event');
    });
    await expect(failing).rejects.toThrow('the change failed');
    expect(await head()).toBe(afterRegistration + 1);
    // A declaration sent again (the outbox's retry) is not a new event.
    const sent = await sendDeclaration();
    expect(sent.status).toBe(201);
    expect(await head()).toBe(afterRegistration + 2);
    const again = await sendDeclaration(t.demo.institution.link_token, sent.id);
    expect(again.status).toBe(200);
    expect(await head()).toBe(afterRegistration + 2);
    expect((await allEvents()).filter((e) => e.subjectId === sent.id)).toHaveLength(1);
  });

  it('an expiry becomes one consent.expired event when the validity ends, dated at its end', async () => {
    const consent = await register('card-11', { visitType: 'online', consultationDate: '2026-11-23', prescriptionForm: 'electronic' });
    const row = await t.db.selectFrom('consent').select('valid_until').where('id', '=', consent).executeTakeFirstOrThrow();
    expect(row.valid_until).not.toBeNull();
    const expiredOf = async () => (await allEvents()).filter((e) => e.type === 'consent.expired' && e.subjectId === consent);
    expect(await expiredOf()).toHaveLength(0);
    t.clock.advance(Date.parse(row.valid_until!) - t.clock.now().getTime() + 1000);
    // The server's sweep and a poll at the same moment record it once.
    await Promise.all([recordExpiredConsents(t.db, t.clock.now()), recordExpiredConsents(t.db, t.clock.now()), poll('?after=0')]);
    const expired = await expiredOf();
    expect(expired).toHaveLength(1);
    expect(expired[0]!.occurredAt).toBe(row.valid_until);
    expect(await recordExpiredConsents(t.db, t.clock.now())).toBe(0);
    expect(await expiredOf()).toHaveLength(1);
  });

  it('a consent revoked by card after its window passed, before the sweep noticed, gets no expiry after its revocation', async () => {
    const consent = await register('card-07', { visitType: 'online', consultationDate: '2026-11-24', prescriptionForm: 'electronic' });
    const row = await t.db.selectFrom('consent').select('valid_until').where('id', '=', consent).executeTakeFirstOrThrow();
    t.clock.advance(Date.parse(row.valid_until!) - t.clock.now().getTime() + 1000);
    await withCard('/api/public/card-requests', { purpose: 'revokeAll' }, 'card-07');
    await recordExpiredConsents(t.db, t.clock.now());
    const mine = (await allEvents()).filter((e) => e.subjectId === consent).map((e) => e.type);
    expect(mine).toEqual(['consent.registered', 'consent.revoked']);
  });

  it('25 simultaneous writers get distinct, gapless cursors (registrations and declarations)', async () => {
    const before = await head();
    const cards = ['card-12', 'card-13', 'card-14', 'card-15', 'card-10'];
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => sendDeclaration()),
      ...cards.map((card) => register(card, { visitType: 'houseCall' }).then((id) => ({ id, status: 201 }))),
    ]);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const events = (await allEvents()).filter((e) => Number(e.cursor) > before);
    expect(events).toHaveLength(25);
    expect(events.map((e) => Number(e.cursor))).toEqual(Array.from({ length: 25 }, (_, i) => before + i + 1));
    expect(new Set(events.map((e) => e.subjectId))).toEqual(new Set(results.map((r) => r.id)));
    const rows = await t.db.selectFrom('change_event').select('sequence').where('institution_id', '=', t.demo.institution.id).execute();
    expect(new Set(rows.map((r) => Number(r.sequence))).size).toBe(rows.length);
  }, 60_000);

  it('25 simultaneous transactions that record only an event (no audit entry to serialize them) still get distinct numbers', async () => {
    const before = await head();
    const subjects = Array.from({ length: 25 }, () => randomUUID());
    // Each transaction stays open a moment after taking its number, so they overlap.
    const results = await Promise.allSettled(
      subjects.map((subjectId) =>
        t.db.transaction().execute(async (trx) => {
          const event = await recordChange(trx, { institutionId: t.demo.institution.id, type: 'consent.updated', subjectId }, t.clock.now());
          await new Promise((resolve) => setTimeout(resolve, 10));
          return event;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const events = (await allEvents()).filter((e) => Number(e.cursor) > before);
    expect(events.map((e) => Number(e.cursor))).toEqual(Array.from({ length: 25 }, (_, i) => before + i + 1));
    expect(new Set(events.map((e) => e.subjectId))).toEqual(new Set(subjects));
  }, 60_000);

  it('pages with limit and nextCursor; an empty page keeps the cursor', async () => {
    const all = await allEvents();
    expect(all.length).toBeGreaterThan(5);
    const page = await poll('?after=2&limit=3');
    expect(page.body.events.map((e) => e.cursor)).toEqual(['3', '4', '5']);
    expect(page.body).toMatchObject({ nextCursor: '5', hasMore: true });
    const last = all.at(-1)!.cursor;
    const end = await poll(`?after=${last}`);
    expect(end.status).toBe(200);
    expect(end.body).toEqual({ events: [], nextCursor: last, hasMore: false });
    const start = await poll('');
    expect(start.body.events[0]!.cursor).toBe('1');
  });

  it('refuses a malformed or forged cursor and a bad limit with 400 feed_cursor_invalid', async () => {
    const last = Number((await allEvents()).at(-1)!.cursor);
    for (const query of ['?after=abc', '?after=-1', '?after=01', '?after=1e3', '?after=', '?after=1.5', '?after=%00', `?after=${'9'.repeat(30)}`, `?after=${last + 1}`, '?limit=0', '?limit=501', '?limit=x', '?after=1&after=2x']) {
      const res = await poll(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('feed_cursor_invalid');
    }
  });

  it("a client reads only its own institution's feed, and only with feed.read", async () => {
    // The other institution has one event of its own.
    const theirs = await sendDeclaration('feed-other-link');
    expect(theirs.status).toBe(201);
    const other = await allEvents(otherToken);
    expect(other.map((e) => `${e.cursor} ${e.type} ${e.subjectId}`)).toEqual([`1 declaration.received ${theirs.id}`]);
    const ours = await allEvents();
    expect(ours.map((e) => e.subjectId)).not.toContain(theirs.id);
    const ourIds = new Set(ours.map((e) => e.id));
    expect(other.some((e) => ourIds.has(e.id))).toBe(false);
    // Our cursor is beyond the end of their feed: refused, not a window into ours.
    expect((await poll(`?after=${ours.length}`, otherToken)).status).toBe(400);

    expect((await poll('?after=0', consentOnlyToken)).body.error.code).toBe('api_client_scope_missing');
    const none = await t.app.request('/api/feed/changes');
    expect(none.status).toBe(401);
    const forged = await poll('?after=0', `${feedToken.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    // A staff session is not an API client.
    const staff = await t.app.request('/api/feed/changes', { headers: { cookie: admin } });
    expect(staff.status).toBe(401);
  });
});

describe('issue 19 #3: webhook endpoints are https only unless the test flag is set', () => {
  it('refuses http, credentials in the URL and non-URLs (WEBHOOK_ALLOW_LOCAL_HTTP is off by default)', async () => {
    // The clock moved on (the expiry above): a fresh sign-in.
    admin = await loginAs(t, 'admin');
    for (const url of ['http://127.0.0.1:9/hook', 'http://localhost/hook', 'http://ehr.example/hook', 'ftp://ehr.example/', 'https://user:pw@ehr.example/', 'not a url']) {
      const res = await t.app.request('/api/staff/webhooks', jsonRequest('PUT', { url }, { cookie: admin, origin: 'https://zaitaku.example' }));
      expect(res.status, url).toBe(422);
      expect(((await res.json()) as ApiErrorBody).error.code, url).toBe('webhook_url_not_allowed');
    }
    const config = await t.app.request('/api/staff/webhooks', { headers: { cookie: admin } });
    expect(await config.json()).toEqual({ endpoint: null, pending: 0, dead: 0 });
  });
});
