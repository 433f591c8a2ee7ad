import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../src/domain/shared/api.ts';
import { type Permission, roleCan, STAFF_ROLES } from '../../src/domain/staff/roles.ts';
import { API_CLIENT_SCOPES, type ApiClientScope } from '../../src/domain/api-client/api-client-scopes.ts';
import { hashApiClientToken } from '../../src/server/api-client/api-client.service.ts';
import { insertEligibilityCheck } from '../../src/server/consent/consent.repository.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { createTestApp, jsonRequest, loginAs, loginWithTotp, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/**
 * Issue 6 §2 and issue 7 §4: the authorization matrix, every route × every role × own or
 * foreign institution × no session. The table below names each route's rule; the first test
 * reads the app's route table, so a new route without a rule here fails the suite.
 */
type Rule =
  | { kind: 'public' }
  /** Any signed-in staff member, whatever the role (their own session, profile or factors). */
  | { kind: 'session' }
  /** The sign-in steps: reachable with the password-only session, refused without any. */
  | { kind: 'signIn' }
  | { kind: 'permission'; permission: Permission }
  /** The clinic systems' API (issue 19): an API client's bearer token with this scope; no staff session counts. */
  | { kind: 'apiClient'; scope: ApiClientScope };

const pub: Rule = { kind: 'public' };
const session: Rule = { kind: 'session' };
const signIn: Rule = { kind: 'signIn' };
const can = (permission: Permission): Rule => ({ kind: 'permission', permission });
const client = (scope: ApiClientScope): Rule => ({ kind: 'apiClient', scope });

const RULES: Record<string, Rule> = {
  'GET /api/health': pub,
  'GET /api/health/live': pub,
  'GET /api/health/ready': pub,
  'POST /api/staff/login': pub,
  'POST /api/staff/logout': pub,
  'GET /api/staff/me': session,
  'GET /api/staff/home': session,
  'GET /api/staff/auth/pending': signIn,
  'POST /api/staff/auth/totp': signIn,
  'POST /api/staff/auth/recovery': signIn,
  'POST /api/staff/auth/passkey/options': signIn,
  'POST /api/staff/auth/passkey/verify': signIn,
  'POST /api/staff/auth/enrol/totp/start': signIn,
  'POST /api/staff/auth/enrol/totp/finish': signIn,
  'POST /api/staff/auth/enrol/passkey/options': signIn,
  'POST /api/staff/auth/enrol/passkey/verify': signIn,
  'GET /api/staff/auth/factors': session,
  'POST /api/staff/auth/recovery-codes': session,
  'POST /api/staff/auth/unlock': session,
  'POST /api/staff/auth/lock': session,
  'POST /api/staff/activity': session,
  'GET /api/staff/accounts': can('staff.manage'),
  'POST /api/staff/accounts': can('staff.manage'),
  'PATCH /api/staff/accounts/:id/role': can('staff.manage'),
  'POST /api/staff/accounts/:id/reset-factors': can('staff.manage'),
  'POST /api/staff/accounts/:id/disable': can('staff.manage'),
  'POST /api/staff/accounts/:id/unlock': can('staff.manage'),
  'POST /api/staff/consents/search': can('consent.view'),
  'GET /api/staff/consents/lists': can('consent.view'),
  'POST /api/staff/consents/:id/revoke': can('consent.revoke'),
  'GET /api/staff/consents/:id/eligibility': can('consent.view'),
  'GET /api/staff/consent-receipts/:receiptId': can('consent.view'),
  'GET /api/staff/consent-dashboard': can('consent.view'),
  'GET /api/staff/persons/:personRef': can('consent.view'),
  'PUT /api/staff/persons/:personRef/reference-number': can('person.edit'),
  'PUT /api/staff/persons/:personRef/clinic-record': can('person.edit'),
  'POST /api/staff/persons/:personRef/other-person': can('consent.revoke'),
  'POST /api/staff/requery': can('requery.run'),
  'POST /api/staff/requery/csv': can('requery.run'),
  'POST /api/staff/requery/batch': can('requery.run'),
  'POST /api/staff/requery/batch/csv': can('requery.run'),
  'GET /api/staff/requery/template.csv': can('requery.run'),
  'GET /api/staff/requery/persons/:personRef': can('requery.run'),
  'GET /api/staff/requery/batch/results': can('requery.run'),
  'POST /api/staff/reconfirmations': can('reconfirmation.manage'),
  'GET /api/staff/declarations': can('declaration.manage'),
  'GET /api/staff/declarations/:id': can('declaration.manage'),
  'POST /api/staff/declarations/:id/verify': can('declaration.manage'),
  'POST /api/staff/declarations/:id/claim': can('declaration.manage'),
  'POST /api/staff/declarations/:id/complete': can('declaration.manage'),
  'GET /api/staff/clinical/persons': can('clinical.view'),
  'GET /api/staff/clinical/persons/:personRef': can('clinical.view'),
  'GET /api/staff/audit/events': can('audit.view'),
  'GET /api/staff/audit/events.csv': can('audit.view'),
  'GET /api/staff/audit/staff': can('audit.view'),
  'POST /api/staff/audit/verify': can('audit.view'),
  'GET /api/staff/api-clients': can('apiClient.manage'),
  'POST /api/staff/api-clients': can('apiClient.manage'),
  'POST /api/staff/api-clients/:clientId/revoke': can('apiClient.manage'),
  'GET /api/feed/changes': client('feed.read'),
  // The FHIR R4 read API (issue 19 #2): metadata is public, each type needs its scope.
  'GET /fhir/r4/metadata': pub,
  'GET /fhir/r4/Consent': client('consent.read'),
  'GET /fhir/r4/Consent/:id': client('consent.read'),
  'GET /fhir/r4/Coverage': client('coverage.read'),
  'GET /fhir/r4/Coverage/:id': client('coverage.read'),
  'GET /fhir/r4/Patient': client('patient.read'),
  'GET /fhir/r4/Patient/:id': client('patient.read'),
  'GET /fhir/r4/AuditEvent': client('audit.read'),
  'GET /fhir/r4/AuditEvent/:id': client('audit.read'),
  'GET /api/staff/webhooks': can('institution.manage'),
  'PUT /api/staff/webhooks': can('institution.manage'),
  'POST /api/staff/webhooks/secret': can('institution.manage'),
  'GET /api/staff/webhooks/dead-letters': can('institution.manage'),
  'POST /api/staff/webhooks/dead-letters/:id/retry': can('institution.manage'),
  'POST /api/public/declarations': pub,
  'POST /api/staff/institution/register': pub,
  'GET /api/staff/institution/settings': can('institution.manage'),
  'PUT /api/staff/institution/settings': can('institution.manage'),
  'GET /api/staff/institution/link': can('link.view'),
  'POST /api/staff/institution/link/reissue': can('institution.manage'),
  'GET /api/staff/devices': can('device.manage'),
  'POST /api/staff/devices/:deviceId/revoke': can('device.manage'),
  'POST /api/staff/devices/:deviceId/restore': can('device.manage'),
  'POST /api/staff/devices/enrolment-codes': can('device.manage'),
  'POST /api/staff/devices/enrolled/:keyId/revoke': can('device.manage'),
  'GET /api/staff/guide-records': can('declaration.manage'),
  'POST /api/public/guide-records': pub,
  'POST /api/public/device-enrolments': pub,
  'GET /api/public/institutions/:token': pub,
  'POST /api/public/registrations': pub,
  'POST /api/public/card-requests': pub,
  'GET /api/public/registrations/:id': pub,
  'POST /api/public/registrations/:id/challenge': pub,
  'POST /api/handoff': pub,
  'GET /sim/api/cards': pub,
  'GET /sim/api/cards/:id': pub,
  'POST /sim/api/cards/:id/sign': pub,
};

/** The device that sent this institution's declaration. */
const DEVICE = '7d1c9a52-3f0e-4b8e-9a57-0c6f1d2e3b4a';

let t: TestApp;
let routes: Array<{ method: string; path: string }>;
const own: Partial<Record<StaffRole, string>> = {};
const foreign: Partial<Record<StaffRole, string>> = {};
/** Ids of this institution's records, put into paths for the foreign-institution cases. */
const ids: Record<string, string> = {};

function fill(path: string, values: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => values[name] ?? randomUUID());
}

async function request(method: string, path: string, cookie?: string): Promise<Response> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  return t.app.request(path, method === 'GET' ? { method, headers } : jsonRequest(method, {}, headers));
}

async function codeOf(res: Response): Promise<string | undefined> {
  const text = await res.text();
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  t = await createTestApp();
  for (const role of STAFF_ROLES) own[role] = await loginAs(t, role);

  // Another clinic with one account per role.
  const otherId = randomUUID();
  await t.db.insertInto('institution').values({ ...t.demo.institution, id: otherId, code: '1310000009', name: '別の診療所', link_token: 'matrix-other-link' }).execute();
  const passwordHash = await hashPassword('other-password-1');
  for (const role of STAFF_ROLES) {
    await t.db
      .insertInto('staff_account')
      .values({ id: randomUUID(), institution_id: otherId, login_id: `other-${role}`, display_name: `別の${role}`, role, password_hash: passwordHash, totp_secret: TEST_TOTP_SECRET, created_at: t.clock.now().toISOString() })
      .execute();
    foreign[role] = await loginWithTotp(t, `other-${role}`, 'other-password-1', TEST_TOTP_SECRET);
  }

  // This institution's records: a consent of p01, a declaration, a device and the clerk's account.
  const now = t.clock.now().toISOString();
  ids.id = randomUUID();
  await t.db
    .insertInto('consent')
    .values({ id: ids.id, institution_id: t.demo.institution.id, person_ref: 'p01', visit_type: 'homeVisit', scopes: 'medication,clinical,checkup', prescription_form: null, consultation_date: null, registered_at: now, valid_until: null, status: 'active', revoked_at: null, revoked_by: null, revoke_reason: null, device_id: null, staff_id: null, registration_id: randomUUID(), updated_at: now, last_confirmed_at: null })
    .execute();
  ids.personRef = 'p01';
  ids.deviceId = DEVICE;
  const clerk = await t.db.selectFrom('staff_account').select('id').where('login_id', '=', 'demo-clerk').executeTakeFirstOrThrow();
  ids.accountId = clerk.id;
  const declarationId = randomUUID();
  const sent = await t.app.request(
    '/api/public/declarations',
    jsonRequest(
      'POST',
      {
        id: declarationId,
        createdAt: now,
        linkToken: t.demo.institution.link_token,
        name: '山田 太郎',
        nameKana: 'ヤマダ タロウ',
        dateOfBirth: { era: 'showa', year: 25, month: 1, day: 1 },
        declaredOn: '2026-11-22',
        phone: '03-1234-5678',
        guideOutcome: null,
      },
      { 'x-device-id': DEVICE },
    ),
  );
  expect(sent.status).toBe(201);
  ids.declarationId = declarationId;
  // An API client of this institution (issue 19 #2).
  ids.clientId = randomUUID();
  await t.db
    .insertInto('api_client')
    .values({ id: ids.clientId, institution_id: t.demo.institution.id, name: 'EHR', scopes: '["consent.read"]', secret_hash: '0'.repeat(64), created_at: now, created_by: clerk.id, revoked_at: null, revoked_by: null, last_used_at: null })
    .execute();

  const seen = new Set<string>();
  routes = t.app.routes
    .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && Boolean(seen.add(`${r.method} ${r.path}`)))
    .map((r) => ({ method: r.method, path: r.path }));
}, 120_000);
afterAll(async () => {
  await t.close();
});

/** The ids that go into each route's path parameters, by route family. */
function ownIds(path: string): Record<string, string> {
  if (path.startsWith('/api/staff/accounts/')) return { id: ids.accountId! };
  if (path.startsWith('/api/staff/declarations/')) return { id: ids.declarationId! };
  if (path.startsWith('/api/staff/consents/')) return { id: ids.id! };
  if (path.startsWith('/api/staff/api-clients/')) return { clientId: ids.clientId! };
  return ids;
}

describe('authorization matrix (P3; issue 6 §2, issue 7 §4)', () => {
  it('every route of the app has a rule here, and every rule names a route', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys.filter((k) => !(k in RULES))).toEqual([]);
    expect(Object.keys(RULES).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('without a session, every staff route (other than the public ones) answers 401', async () => {
    const failures: string[] = [];
    for (const { method, path } of routes) {
      const rule = RULES[`${method} ${path}`]!;
      if (rule.kind === 'public') continue;
      const res = await request(method, fill(path, ownIds(path)));
      if (res.status !== 401) failures.push(`${method} ${path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('each role reaches exactly the routes its permissions allow (403 `forbidden` otherwise)', async () => {
    const failures: string[] = [];
    for (const role of STAFF_ROLES) {
      for (const { method, path } of routes) {
        const rule = RULES[`${method} ${path}`]!;
        if (rule.kind !== 'permission') continue;
        // Unknown ids: an allowed role gets past the guard (404/422/…), and nothing real changes.
        const res = await request(method, fill(path, {}), own[role]);
        const code = await codeOf(res);
        const allowed = roleCan(role, rule.permission);
        if (allowed && (res.status === 401 || res.status === 403)) failures.push(`${role} ${method} ${path}: refused (${res.status})`);
        if (!allowed && (res.status !== 403 || code !== 'forbidden')) failures.push(`${role} ${method} ${path}: ${res.status} ${code ?? ''}, expected 403 forbidden`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("another institution's lists never show this institution's records", async () => {
    const lists = routes.filter((r) => r.method === 'GET' && !r.path.includes(':') && RULES[`${r.method} ${r.path}`]!.kind === 'permission');
    expect(lists.length).toBeGreaterThan(8);
    const failures: string[] = [];
    for (const role of STAFF_ROLES) {
      for (const { path } of lists) {
        const rule = RULES[`GET ${path}`] as { permission: Permission };
        if (!roleCan(role, rule.permission)) continue;
        const text = await (await request('GET', path, foreign[role])).text();
        for (const [name, value] of Object.entries({ consent: ids.id!, declaration: ids.declarationId!, account: ids.accountId!, device: DEVICE, apiClient: ids.clientId! })) {
          if (text.includes(value)) failures.push(`${role} GET ${path}: shows our ${name}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The same lists do show them to this institution's administrator (the check can fail).
    const ours = await (await request('GET', '/api/staff/devices', own.admin)).text();
    expect(ours).toContain(DEVICE);
    expect(await (await request('GET', '/api/staff/api-clients', own.admin)).text()).toContain(ids.clientId!);
  });

  it("another institution's staff, in any role, never reach this institution's records by id", async () => {
    const failures: string[] = [];
    for (const role of STAFF_ROLES) {
      for (const { method, path } of routes) {
        const rule = RULES[`${method} ${path}`]!;
        if (rule.kind !== 'permission' || !path.includes(':') || !roleCan(role, rule.permission)) continue;
        const res = await request(method, fill(path, ownIds(path)), foreign[role]);
        const text = await res.text();
        // Not found (or refused as invalid): never a success on someone else's record.
        if (res.status < 400 || res.status === 500) failures.push(`${role} ${method} ${path}: ${res.status}`);
        if (text.includes(ids.id!) || text.includes(ids.declarationId!) || text.includes(ids.accountId!) || text.includes(ids.clientId!)) failures.push(`${role} ${method} ${path}: echoes our record`);
        if (path.startsWith('/api/staff/api-clients/') && res.status !== 404) failures.push(`${role} ${method} ${path}: ${res.status}, expected 404`);
      }
    }
    expect(failures).toEqual([]);
    // Another institution's administrator could not revoke this institution's API client.
    const client = await t.db.selectFrom('api_client').select('revoked_at').where('id', '=', ids.clientId!).executeTakeFirstOrThrow();
    expect(client.revoked_at).toBeNull();
  });

  it("API-client routes (FHIR, change feed): each needs its scope, and another institution's client never reaches this institution's records", async () => {
    const now = t.clock.now().toISOString();
    const mint = async (institutionId: string, scopes: readonly ApiClientScope[]) => {
      const id = randomUUID();
      const secret = `zuk_${id}_${randomBytes(32).toString('base64url')}`;
      await t.db
        .insertInto('api_client')
        .values({ id, institution_id: institutionId, name: 'matrix', scopes: JSON.stringify(scopes), secret_hash: hashApiClientToken(secret), created_at: now, created_by: ids.accountId!, revoked_at: null, revoked_by: null, last_used_at: null })
        .execute();
      return secret;
    };
    const other = await t.db.selectFrom('institution').select('id').where('code', '=', '1310000009').executeTakeFirstOrThrow();
    const ownAll = await mint(t.demo.institution.id, API_CLIENT_SCOPES);
    const ownNone = await mint(t.demo.institution.id, []);
    const foreignAll = await mint(other.id, API_CLIENT_SCOPES);
    // This institution's eligibility result (a Coverage, and p01's profile: a Patient) and an audit event.
    const record = await t.national.eligibility.currentEligibility('p01', t.clock.now());
    const checkId = randomUUID();
    await insertEligibilityCheck(t.db, { id: checkId, institution_id: t.demo.institution.id, person_ref: 'p01', consent_id: ids.id!, kind: 'registration', status: record.status, record_json: JSON.stringify(record), checked_at: now });
    const event = await t.db.selectFrom('audit_event').select('seq').where('institution_id', '=', t.demo.institution.id).orderBy('seq').limit(1).executeTakeFirstOrThrow();
    const idOf = (path: string) => (path.includes('/Coverage/') ? checkId : path.includes('/Patient/') ? 'p01' : path.includes('/AuditEvent/') ? String(event.seq) : ids.id!);
    const send = (path: string, secret: string) => t.app.request(path, { headers: { authorization: `Bearer ${secret}` } });
    const codeIn = (text: string) => {
      const body = JSON.parse(text) as { error?: { code?: string }; issue?: Array<{ details?: { coding?: Array<{ code?: string }> } }> };
      return body.error?.code ?? body.issue?.[0]?.details?.coding?.[0]?.code;
    };
    const apiRoutes = routes.filter((r) => RULES[`${r.method} ${r.path}`]!.kind === 'apiClient');
    expect(apiRoutes.length).toBeGreaterThanOrEqual(9);
    const failures: string[] = [];
    for (const { method, path } of apiRoutes) {
      const concrete = fill(path, { id: idOf(path) });
      // This institution's client with the scope reads it (so the refusals below can fail).
      const mine = await send(concrete, ownAll);
      if (mine.status !== 200) failures.push(`own ${method} ${path}: ${mine.status}`);
      const scopeless = await send(concrete, ownNone);
      if (scopeless.status !== 403 || codeIn(await scopeless.text()) !== 'api_client_scope_missing') failures.push(`no scope ${method} ${path}: ${scopeless.status}`);
      const theirs = await send(concrete, foreignAll);
      const text = await theirs.text();
      if (path.includes(':') && theirs.status !== 404) failures.push(`foreign ${method} ${path}: ${theirs.status}, expected 404`);
      if (theirs.status >= 500) failures.push(`foreign ${method} ${path}: ${theirs.status}`);
      for (const value of [ids.id!, checkId, 'Patient/p01', `/AuditEvent/${String(event.seq)}"`]) if (theirs.status < 300 && text.includes(value)) failures.push(`foreign ${method} ${path}: shows our ${value}`);
      // A staff session is no API credential.
      if ((await request(method, concrete, own.admin)).status !== 401) failures.push(`staff session ${method} ${path}: not 401`);
    }
    expect(failures).toEqual([]);
  });
});
