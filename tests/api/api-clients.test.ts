import { randomBytes, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClientDto, ApiClientListResponse, ApiClientResponse, CreatedApiClientResponse } from '../../src/domain/api-client/api-client-api.ts';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import { requireApiClient } from '../../src/server/api-client/api-client-auth.ts';
import { hashApiClientToken } from '../../src/server/api-client/api-client.service.ts';
import { readConfig } from '../../src/server/config.ts';
import type { AppEnv } from '../../src/server/http/app-env.ts';
import { handleError, NotFoundError } from '../../src/server/http/errors.ts';
import { scaledRateLimits } from '../../src/server/http/rate-limit-config.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { createTestApp, jsonRequest, loginAs, loginWithTotp, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/**
 * Issue 19 #2: API clients an administrator creates for the clinic's own systems, and the
 * middleware (`requireApiClient`) every FHIR and feed route sits behind. The middleware is tried
 * on a small app of this file's own, set up the way createApp sets up a request, so these tests
 * do not depend on which of those routes exist yet.
 */

const MINUTE = 60 * 1000;
const REQUEST_LIMIT = 10;
const FAILURE_LIMIT = 40;
const OTHER_LOGIN = 'other-api-admin';
const OTHER_PASSWORD = 'other-password-1';

let t: TestApp;
let probe: Hono<AppEnv>;
let admin: string;
let otherAdmin: string;
let otherInstitutionId: string;

beforeAll(async () => {
  const rateLimits = {
    ...scaledRateLimits(1000),
    apiClientRequests: { limit: REQUEST_LIMIT, windowMs: MINUTE },
    apiClientFailuresPerClient: { limit: FAILURE_LIMIT, windowMs: 15 * MINUTE },
  };
  t = await createTestApp({ config: { rateLimits } });
  const config = { ...readConfig({ DATA_DIR: t.dataDir, PORT: '0', PUBLIC_URL: 'https://zaitaku.example' }), rateLimits };
  probe = new Hono<AppEnv>();
  probe.use(async (c, next) => {
    c.set('db', t.db);
    c.set('dialect', t.dialect);
    c.set('config', config);
    c.set('now', t.clock.now);
    await next();
  });
  probe.get('/probe/consents/:id', requireApiClient('consent.read'), (c) => c.json({ client: c.var.apiClient }));
  probe.get('/probe/missing/:id', requireApiClient('consent.read'), () => {
    throw new NotFoundError();
  });
  probe.onError(handleError);

  admin = await loginAs(t, 'admin');
  otherInstitutionId = randomUUID();
  await t.db.insertInto('institution').values({ ...t.demo.institution, id: otherInstitutionId, code: '1310000009', name: '別の診療所', link_token: 'api-client-other-link' }).execute();
  await t.db
    .insertInto('staff_account')
    .values({
      id: randomUUID(),
      institution_id: otherInstitutionId,
      login_id: OTHER_LOGIN,
      display_name: '別の管理者',
      role: 'admin',
      password_hash: await hashPassword(OTHER_PASSWORD),
      created_at: t.clock.now().toISOString(),
      totp_secret: TEST_TOTP_SECRET,
    })
    .execute();
  otherAdmin = await loginWithTotp(t, OTHER_LOGIN, OTHER_PASSWORD, TEST_TOTP_SECRET);
}, 120_000);
afterAll(async () => {
  await t.close();
});

async function create(cookie: string, body: unknown = { name: '電子カルテ', scopes: ['consent.read', 'patient.read'] }): Promise<CreatedApiClientResponse> {
  const res = await t.app.request('/api/staff/api-clients', jsonRequest('POST', body, { cookie }));
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedApiClientResponse;
}

function call(secret: string | null, path = `/probe/consents/${randomUUID()}`): Promise<Response> {
  return Promise.resolve(probe.request(path, { headers: secret === null ? {} : { authorization: `Bearer ${secret}` } }));
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as ApiErrorBody).error.code;
}

/** The client's request events, oldest first. */
async function requestEvents(clientId: string) {
  return t.db
    .selectFrom('audit_event')
    .select(['institution_id', 'actor_type', 'actor_id', 'outcome', 'detail', 'person_ref', 'subject_id'])
    .where('actor_id', '=', clientId)
    .where('action', '=', 'apiClient.request')
    .orderBy('seq')
    .execute();
}

function withSecret(token: string, secretPart: string): string {
  return token.slice(0, 'zuk_'.length + 36 + 1) + secretPart;
}

function secretPartOf(token: string): string {
  return token.slice('zuk_'.length + 36 + 1);
}

describe('creating and listing API clients (administrators)', () => {
  it('answers the secret once; the secret authenticates; the list never shows it or its hash', async () => {
    const created = await create(admin);
    expect(created.secret).toMatch(/^zuk_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
    expect(created.secret).toContain(created.client.id);
    expect(created.client.scopes).toEqual(['consent.read', 'patient.read']);
    // The answer never repeats what was sent: the name is on the list, not in this answer.
    expect(created.client).not.toHaveProperty('name');
    expect(created.client.revokedAt).toBeNull();

    const res = await call(created.secret);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { client: { id: string; institutionId: string; scopes: string[] } };
    expect(body.client).toEqual({ id: created.client.id, institutionId: t.demo.institution.id, scopes: ['consent.read', 'patient.read'] });

    const listRes = await t.app.request('/api/staff/api-clients', { headers: { cookie: admin } });
    expect(listRes.status).toBe(200);
    const text = await listRes.text();
    const list = JSON.parse(text) as ApiClientListResponse;
    const listed = list.clients.find((c) => c.id === created.client.id);
    expect(listed?.name).toBe('電子カルテ');
    expect(listed?.lastUsedAt).not.toBeNull();
    expect(text).not.toContain(secretPartOf(created.secret));
    expect(text).not.toContain(hashApiClientToken(created.secret));
    expect(Object.keys(listed!).sort()).toEqual(['createdAt', 'createdBy', 'id', 'lastUsedAt', 'name', 'revokedAt', 'revokedBy', 'scopes']);

    // Only the hash is stored.
    const row = await t.db.selectFrom('api_client').selectAll().where('id', '=', created.client.id).executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(hashApiClientToken(created.secret));
    expect(JSON.stringify(row)).not.toContain(secretPartOf(created.secret));

    // The staff action is audited, without the secret.
    const createdEvent = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'apiClient.created').where('subject_id', '=', created.client.id).execute();
    expect(createdEvent).toHaveLength(1);
    expect(createdEvent[0]!.actor_type).toBe('staff');
    expect(JSON.stringify(createdEvent)).not.toContain(secretPartOf(created.secret));
  });

  it('refuses a name or scopes that are not valid (422), and lists only the own institution', async () => {
    for (const body of [
      { name: '', scopes: ['consent.read'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['consent.write'] },
      { name: 'x', scopes: ['consent.read', 'consent.read'] },
      { name: 'x', scopes: ['consent.read'], secret: 'mine' },
      { name: 'x'.repeat(101), scopes: ['consent.read'] },
    ]) {
      const res = await t.app.request('/api/staff/api-clients', jsonRequest('POST', body, { cookie: admin }));
      expect(res.status).toBe(422);
    }
    const ours = await create(admin, { name: 'ours', scopes: ['feed.read'] });
    const theirs = (await (await t.app.request('/api/staff/api-clients', { headers: { cookie: otherAdmin } })).json()) as ApiClientListResponse;
    expect(theirs.clients.map((c) => c.id)).not.toContain(ours.client.id);
  });
});

describe('requireApiClient: refusals', () => {
  it('X5: refuses a wrong secret with 401 and audits it under the client', async () => {
    const created = await create(admin);
    const res = await call(withSecret(created.secret, randomBytes(32).toString('base64url')));
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('api_client_unauthenticated');
    const events = await requestEvents(created.client.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ institution_id: t.demo.institution.id, actor_type: 'api_client', outcome: 'refused', person_ref: null });
    expect(events[0]!.detail).toBe('GET /probe/consents/:id 401 wrong_secret');
    // Wrong secrets do not count as use.
    const row = await t.db.selectFrom('api_client').select('last_used_at').where('id', '=', created.client.id).executeTakeFirstOrThrow();
    expect(row.last_used_at).toBeNull();
  });

  it('X5: refuses a revoked client at once, and revoking is audited', async () => {
    const created = await create(admin);
    expect((await call(created.secret)).status).toBe(200);
    const res = await t.app.request(`/api/staff/api-clients/${created.client.id}/revoke`, jsonRequest('POST', {}, { cookie: admin }));
    expect(res.status).toBe(200);
    const revoked = ((await res.json()) as ApiClientResponse).client;
    expect(revoked.revokedAt).toBe(t.clock.now().toISOString());
    const refused = await call(created.secret);
    expect(refused.status).toBe(401);
    expect(await errorCode(refused)).toBe('api_client_unauthenticated');
    const events = await requestEvents(created.client.id);
    expect(events.map((e) => [e.outcome, e.detail])).toEqual([
      ['ok', 'GET /probe/consents/:id 200'],
      ['refused', 'GET /probe/consents/:id 401 revoked'],
    ]);
    const staffEvents = await t.db.selectFrom('audit_event').select('actor_type').where('action', '=', 'apiClient.revoked').where('subject_id', '=', created.client.id).execute();
    expect(staffEvents).toEqual([{ actor_type: 'staff' }]);
  });

  it("refuses another institution's client id carrying this client's secret, and the other way round", async () => {
    const ours = await create(admin);
    const theirs = await create(otherAdmin);
    expect((await call(theirs.secret)).status).toBe(200);
    // Their id with our secret part, and our id with theirs.
    const swapped1 = withSecret(theirs.secret, secretPartOf(ours.secret));
    const swapped2 = withSecret(ours.secret, secretPartOf(theirs.secret));
    for (const token of [swapped1, swapped2]) {
      const res = await call(token);
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('api_client_unauthenticated');
    }
    expect((await requestEvents(theirs.client.id)).map((e) => e.outcome)).toEqual(['ok', 'refused']);
    expect((await requestEvents(theirs.client.id))[1]!.institution_id).toBe(otherInstitutionId);
  });

  it('refuses forged, malformed and missing credentials alike with 401, and audits no one for them', async () => {
    const before = await t.db.selectFrom('audit_event').select('seq').execute();
    const forgedId = randomUUID();
    const headers: Array<string | null> = [
      null,
      '',
      `zuk_${forgedId}_${randomBytes(32).toString('base64url')}`,
      `Basic ${Buffer.from('a:b').toString('base64')}`,
    ];
    const bodies: string[] = [];
    for (const token of [
      `zuk_${forgedId}_${randomBytes(32).toString('base64url')}`,
      'zuk_',
      'zuk_not-a-uuid_secret',
      `zuk_${forgedId}_${'A'.repeat(42)}`,
      `zuk_${forgedId}_${'A'.repeat(44)}`,
      'x'.repeat(5000),
    ]) {
      const res = await call(token);
      expect(res.status).toBe(401);
      bodies.push(await res.text());
    }
    for (const header of headers) {
      const res = await probe.request(`/probe/consents/${randomUUID()}`, { headers: header === null ? {} : { authorization: header } });
      expect(res.status).toBe(401);
      bodies.push(await res.text());
    }
    // One answer for every kind of failure.
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toEqual({ error: { code: 'api_client_unauthenticated', message: expect.any(String) } });
    const after = await t.db.selectFrom('audit_event').select('seq').execute();
    expect(after.length).toBe(before.length);
  });

  it('X5: refuses a client without the route\'s scope with 403, audited', async () => {
    const created = await create(admin, { name: 'レセコン', scopes: ['patient.read', 'coverage.read'] });
    const res = await call(created.secret);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('api_client_scope_missing');
    const events = await requestEvents(created.client.id);
    expect(events.map((e) => [e.outcome, e.detail])).toEqual([['refused', 'GET /probe/consents/:id 403 scope_missing']]);
  });

  it("refuses the clients of a suspended institution, as its staff are refused", async () => {
    const theirs = await create(otherAdmin);
    expect((await call(theirs.secret)).status).toBe(200);
    const activatedAt = t.clock.now().toISOString();
    await t.db.updateTable('institution').set({ activated_at: null }).where('id', '=', otherInstitutionId).execute();
    try {
      const res = await call(theirs.secret);
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('api_client_unauthenticated');
      expect((await requestEvents(theirs.client.id)).map((e) => e.detail)).toEqual(['GET /probe/consents/:id 200', 'GET /probe/consents/:id 401 institution_inactive']);
    } finally {
      await t.db.updateTable('institution').set({ activated_at: activatedAt }).where('id', '=', otherInstitutionId).execute();
    }
    expect((await call(theirs.secret)).status).toBe(200);
    otherAdmin = await loginWithTotp(t, OTHER_LOGIN, OTHER_PASSWORD, TEST_TOTP_SECRET);
  });
});

describe('revoking (staff routes)', () => {
  it("another institution's administrator cannot revoke this institution's client (404), nor an unknown id", async () => {
    const ours = await create(admin);
    for (const path of [`/api/staff/api-clients/${ours.client.id}/revoke`, `/api/staff/api-clients/${randomUUID()}/revoke`, '/api/staff/api-clients/not-an-id/revoke']) {
      const res = await t.app.request(path, jsonRequest('POST', {}, { cookie: otherAdmin }));
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe('api_client_not_found');
    }
    expect((await call(ours.secret)).status).toBe(200);
  });

  it('20 simultaneous revokes of one client: all answer 200, one revocation is recorded', async () => {
    const created = await create(admin);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => t.app.request(`/api/staff/api-clients/${created.client.id}/revoke`, jsonRequest('POST', {}, { cookie: admin }))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    const revokedAts = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as ApiClientResponse).client.revokedAt)));
    expect(revokedAts.size).toBe(1);
    const events = await t.db.selectFrom('audit_event').select('seq').where('action', '=', 'apiClient.revoked').where('subject_id', '=', created.client.id).execute();
    expect(events).toHaveLength(1);
    expect((await call(created.secret)).status).toBe(401);
  });

  it('20 simultaneous creates: 20 distinct clients, each secret works for its own client only', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => create(admin, { name: `端末${i}`, scopes: ['consent.read'] })));
    expect(new Set(answers.map((a) => a.client.id)).size).toBe(20);
    expect(new Set(answers.map((a) => a.secret)).size).toBe(20);
    const results = await Promise.all(answers.map(async (a) => ((await (await call(a.secret)).json()) as { client: { id: string } }).client.id));
    expect(results).toEqual(answers.map((a) => a.client.id));
    const list = (await (await t.app.request('/api/staff/api-clients', { headers: { cookie: admin } })).json()) as ApiClientListResponse;
    const ids = new Set(list.clients.map((c: ApiClientDto) => c.id));
    for (const a of answers) expect(ids.has(a.client.id)).toBe(true);
  });
});

describe('requireApiClient: rate limit and audit', () => {
  it(`lets ${REQUEST_LIMIT} requests of a client through a window, refuses the rest with 429 (simultaneous too), audited`, async () => {
    const created = await create(admin);
    const other = await create(admin);
    const answers = await Promise.all(Array.from({ length: REQUEST_LIMIT + 5 }, () => call(created.secret)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(REQUEST_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await errorCode(refused)).toBe('rate_limited');
    // Counted per client: another client of the same institution is unaffected.
    expect((await call(other.secret)).status).toBe(200);
    const events = await requestEvents(created.client.id);
    expect(events.filter((e) => e.outcome === 'ok')).toHaveLength(REQUEST_LIMIT);
    expect(events.filter((e) => e.outcome === 'rate_limited').map((e) => e.detail)).toEqual(Array.from({ length: 5 }, () => 'GET /probe/consents/:id 429'));
    // The next window serves again.
    t.clock.advance(MINUTE + 1000);
    expect((await call(created.secret)).status).toBe(200);
  });

  it('writes exactly one event per request, with the route pattern and never the ids in the path', async () => {
    const created = await create(admin);
    const personish = randomUUID();
    expect((await call(created.secret, `/probe/consents/${personish}`)).status).toBe(200);
    expect((await call(created.secret, `/probe/missing/${personish}?name=%E5%B1%B1%E7%94%B0`)).status).toBe(404);
    expect((await call(created.secret, `/probe/consents/${personish}`)).status).toBe(200);
    const events = await requestEvents(created.client.id);
    expect(events.map((e) => [e.outcome, e.detail])).toEqual([
      ['ok', 'GET /probe/consents/:id 200'],
      ['notFound', 'GET /probe/missing/:id 404'],
      ['ok', 'GET /probe/consents/:id 200'],
    ]);
    const text = JSON.stringify(events);
    expect(text).not.toContain(personish);
    expect(text).not.toContain(secretPartOf(created.secret));
    expect(events.every((e) => e.person_ref === null && e.subject_id === created.client.id)).toBe(true);
  });

  it('caps refused credentials per address (429), after which they are no longer audited; a valid client still passes', async () => {
    t.clock.advance(16 * MINUTE);
    // The idle lock ended the console session meanwhile.
    admin = await loginAs(t, 'admin');
    const created = await create(admin);
    const wrong = withSecret(created.secret, randomBytes(32).toString('base64url'));
    const answers = await Promise.all(Array.from({ length: FAILURE_LIMIT + 5 }, () => call(wrong)));
    expect(answers.filter((r) => r.status === 401)).toHaveLength(FAILURE_LIMIT);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(5);
    expect((await requestEvents(created.client.id)).filter((e) => e.outcome === 'refused')).toHaveLength(FAILURE_LIMIT);
    expect((await call(created.secret)).status).toBe(200);
    t.clock.advance(16 * MINUTE);
    expect((await call(wrong)).status).toBe(401);
  });
});
