import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../src/domain/shared/api.ts';
import { type Permission, roleCan, STAFF_ROLES } from '../../src/domain/staff/roles.ts';
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
  | { kind: 'permission'; permission: Permission };

const pub: Rule = { kind: 'public' };
const session: Rule = { kind: 'session' };
const signIn: Rule = { kind: 'signIn' };
const can = (permission: Permission): Rule => ({ kind: 'permission', permission });

const RULES: Record<string, Rule> = {
  'GET /api/health': pub,
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
        for (const [name, value] of Object.entries({ consent: ids.id!, declaration: ids.declarationId!, account: ids.accountId!, device: DEVICE })) {
          if (text.includes(value)) failures.push(`${role} GET ${path}: shows our ${name}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The same lists do show them to this institution's administrator (the check can fail).
    const ours = await (await request('GET', '/api/staff/devices', own.admin)).text();
    expect(ours).toContain(DEVICE);
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
        if (text.includes(ids.id!) || text.includes(ids.declarationId!) || text.includes(ids.accountId!)) failures.push(`${role} ${method} ${path}: echoes our record`);
      }
    }
    expect(failures).toEqual([]);
  });
});
