import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentDashboardResponse } from '../../src/domain/consent/consent-dashboard.ts';
import type { ConsentListsResponse } from '../../src/domain/consent/staff-lifecycle-api.ts';
import type { DeclarationStatus } from '../../src/domain/declaration/declaration-api.ts';
import type { VisitType } from '../../src/domain/shared/visit-type.ts';
import { roleCan, STAFF_ROLES, type StaffRole } from '../../src/domain/staff/roles.ts';
import { HOME_COUNTS, HOME_COUNT_PERMISSION, type StaffHomeResponse } from '../../src/domain/staff/staff-home.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { createTestApp, loginAs, loginWithTotp, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/**
 * The staff home's to-do counts (issue 16 §5): V5 confirmations due, windows ending within 24
 * hours (V2, V3), house calls to revoke (X2), declarations to check and to claim (F6), locked
 * accounts. Counted for the signed-in member's institution only, and only what the role may act on (P3).
 */

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

let t: TestApp;
let otherId: string;
const own: Partial<Record<StaffRole, string>> = {};
let foreignAdmin: string;

function at(offsetMs: number): string {
  return new Date(t.clock.now().getTime() + offsetMs).toISOString();
}

async function consent(institutionId: string, visitType: VisitType, fields: { registered: number; validUntil?: number; confirmed?: number; revoked?: boolean }) {
  const registeredAt = at(fields.registered);
  await t.db
    .insertInto('consent')
    .values({
      id: randomUUID(),
      institution_id: institutionId,
      person_ref: `p-${randomUUID().slice(0, 8)}`,
      visit_type: visitType,
      scopes: 'medication,clinical,checkup',
      prescription_form: null,
      consultation_date: null,
      registered_at: registeredAt,
      valid_until: fields.validUntil === undefined ? null : at(fields.validUntil),
      status: fields.revoked ? 'revoked' : 'active',
      revoked_at: fields.revoked ? registeredAt : null,
      revoked_by: fields.revoked ? 'system' : null,
      revoke_reason: fields.revoked ? 'patientAsked' : null,
      device_id: null,
      staff_id: null,
      registration_id: randomUUID(),
      updated_at: registeredAt,
      last_confirmed_at: fields.confirmed === undefined ? null : at(fields.confirmed),
    })
    .execute();
}

async function declaration(institutionId: string, status: DeclarationStatus) {
  await t.db
    .insertInto('declaration')
    .values({
      id: randomUUID(),
      institution_id: institutionId,
      received_at: at(-HOUR_MS),
      device_id: randomUUID(),
      form_json: '{}',
      guide_outcome_json: null,
      status,
      verified_at: null,
      verified_by: null,
      verified_qualification: null,
      verified_note: null,
      claimed_at: null,
      claimed_by: null,
      claim_method: null,
      completed_at: null,
      completed_by: null,
      purge_after: null,
      sender_key_id: null,
    })
    .execute();
}

/** One clinic's day: 1 confirmation due, 2 windows ending within 24 hours, 1 house call active, 2 + 1 declarations, 1 locked account. */
async function seedClinic(institutionId: string) {
  await consent(institutionId, 'homeVisit', { registered: -40 * DAY_MS }); // due (V5)
  await consent(institutionId, 'homeVisit', { registered: -5 * DAY_MS }); // not yet due
  await consent(institutionId, 'homeVisit', { registered: -40 * DAY_MS, confirmed: -3 * DAY_MS }); // confirmed lately
  await consent(institutionId, 'homeVisit', { registered: -40 * DAY_MS, revoked: true }); // revoked: nothing to do
  await consent(institutionId, 'houseCall', { registered: -2 * HOUR_MS, validUntil: 22 * HOUR_MS }); // active house call, ending soon
  await consent(institutionId, 'houseCall', { registered: -30 * HOUR_MS, validUntil: -6 * HOUR_MS }); // expired
  await consent(institutionId, 'online', { registered: -HOUR_MS, validUntil: 14 * HOUR_MS }); // ends tonight
  await consent(institutionId, 'online', { registered: -HOUR_MS, validUntil: 3 * DAY_MS }); // ends later
  for (const status of ['received', 'received', 'verified', 'claimed', 'completed'] as const) await declaration(institutionId, status);
  await t.db
    .insertInto('staff_account')
    .values({
      id: randomUUID(),
      institution_id: institutionId,
      login_id: `locked-${randomUUID().slice(0, 8)}`,
      display_name: 'ロック中',
      role: 'clerk',
      password_hash: 'scrypt$locked',
      created_at: at(-DAY_MS),
      totp_secret: null,
      locked_until: at(10 * 60 * 1000),
    })
    .execute();
}

async function home(cookie: string): Promise<StaffHomeResponse> {
  const res = await t.app.request('/api/staff/home', { headers: { cookie } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as StaffHomeResponse;
}

beforeAll(async () => {
  t = await createTestApp();
  for (const role of STAFF_ROLES) own[role] = await loginAs(t, role);
  otherId = randomUUID();
  await t.db.insertInto('institution').values({ ...t.demo.institution, id: otherId, code: '1310000009', name: '別の診療所', link_token: 'home-other-link' }).execute();
  await t.db
    .insertInto('staff_account')
    .values({ id: randomUUID(), institution_id: otherId, login_id: 'other-admin', display_name: '別の管理者', role: 'admin', password_hash: await hashPassword('other-password-1'), totp_secret: TEST_TOTP_SECRET, created_at: at(0) })
    .execute();
  foreignAdmin = await loginWithTotp(t, 'other-admin', 'other-password-1', TEST_TOTP_SECRET);
  await seedClinic(t.demo.institution.id);
  // The other clinic is busier: none of it may show here.
  await seedClinic(otherId);
  await seedClinic(otherId);
}, 60_000);
afterAll(async () => {
  await t.close();
});

describe('staff home counts (V2, V3, V5, X2, F6, P3)', () => {
  it("V5/V2/X2/F6: the administrator sees each count of this institution only, never another institution's", async () => {
    expect((await home(own.admin!)).counts).toEqual({
      reconfirmationDue: 1,
      expiringSoon: 2,
      houseCallActive: 1,
      declarationsReceived: 2,
      declarationsVerified: 1,
      lockedAccounts: 1,
    });
    // The other clinic's administrator sees the other clinic's (twice as many), not ours.
    expect((await home(foreignAdmin)).counts).toEqual({
      reconfirmationDue: 2,
      expiringSoon: 4,
      houseCallActive: 2,
      declarationsReceived: 4,
      declarationsVerified: 2,
      lockedAccounts: 2,
    });
  });

  it('V5/V2/X2: each consent count equals the list its link opens', async () => {
    const cookie = own.clerk!;
    const counts = (await home(cookie)).counts;
    const dashboard = async (query: string) => {
      const res = await t.app.request(`/api/staff/consent-dashboard?${query}`, { headers: { cookie } });
      return ((await res.json()) as ConsentDashboardResponse).rows.length;
    };
    expect(await dashboard('due=1')).toBe(counts.reconfirmationDue);
    expect(await dashboard('status=expiring')).toBe(counts.expiringSoon);
    const lists = (await (await t.app.request('/api/staff/consents/lists', { headers: { cookie } })).json()) as ConsentListsResponse;
    expect(lists.houseCallActive).toHaveLength(counts.houseCallActive!);
  });

  it('P3: clerk, doctor and administrator each get exactly the counts their role may act on', async () => {
    for (const role of STAFF_ROLES) {
      const keys = Object.keys((await home(own[role]!)).counts).sort();
      expect(keys, role).toEqual(HOME_COUNTS.filter((c) => roleCan(role, HOME_COUNT_PERMISSION[c])).sort());
    }
    // Locked accounts are the administrator's business alone.
    expect((await home(own.clerk!)).counts).not.toHaveProperty('lockedAccounts');
    expect((await home(own.doctor!)).counts).not.toHaveProperty('lockedAccounts');
    expect((await home(own.clerk!)).counts.declarationsReceived).toBe(2);
  });

  it('P3: without a session the home answers 401', async () => {
    expect((await t.app.request('/api/staff/home')).status).toBe(401);
  });
});
