import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import type { ClinicalPersonsResponse, ClinicalViewResponse } from '../../src/domain/consent/clinical.ts';
import { agreeToAll, agreeToNone, type ConsentChoices } from '../../src/domain/consent/consent.ts';
import type { HandoffChallenge } from '../../src/domain/registration/handoff.ts';
import type { StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { createTestApp, jsonRequest, loginAs, loginWithTotp, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/**
 * P3, X5, S2, V1–V2: the doctor-only view of consented medical information. Consents are
 * registered through the real card flow; the clock moves forward only.
 */

const DEVICE = '5f0c2a9e-7b3d-4e8a-9c6f-0d2f4b6a8e10';
const HOUR_MS = 60 * 60 * 1000;

let t: TestApp;
let doctor: string;

beforeAll(async () => {
  t = await createTestApp();
  doctor = await loginAs(t, 'doctor');
});
afterAll(async () => {
  await t.close();
});

async function register(cardId: string, visitType: 'homeVisit' | 'houseCall', choices: ConsentChoices = agreeToAll()): Promise<string> {
  const started = await t.app.request(
    '/api/public/registrations',
    jsonRequest(
      'POST',
      { linkToken: t.demo.institution.link_token, visitType, arrival: 'link', choices, prescriptionForm: 'paper', handoffPath: 'crossDevice' },
      { 'x-device-id': DEVICE },
    ),
  );
  expect(started.status).toBe(201);
  const reg = (await started.json()) as StartRegistrationResponse;
  const challenge: Pick<HandoffChallenge, 'challengeId' | 'nonce'> = reg.challenge;
  const signed = await signChallenge(t.db, t.cardSim, { cardId, pin: DEMO_PIN, ...challenge, now: t.clock.now() });
  const handoff = await t.app.request('/api/handoff', jsonRequest('POST', signed));
  expect(handoff.status, await handoff.clone().text()).toBe(200);
  const row = await t.db.selectFrom('registration').select('consent_id').where('id', '=', reg.registrationId).executeTakeFirstOrThrow();
  return row.consent_id!;
}

async function view(personRef: string, cookie = doctor) {
  const res = await t.app.request(`/api/staff/clinical/persons/${personRef}`, { headers: { cookie } });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as ClinicalViewResponse & ApiErrorBody };
}

const scopesShown = (body: ClinicalViewResponse) => body.sections.map((s) => s.scope);

async function viewAudits(personRef: string) {
  return t.db.selectFrom('audit_event').selectAll().where('action', '=', 'clinical.viewed').where('person_ref', '=', personRef).orderBy('seq').execute();
}

describe('doctor-only clinical view', () => {
  it('P3: a doctor sees medication (drug, dose, days, pharmacy), clinical and checkup records of a person who consented here; the view is audited', async () => {
    await register('card-01', 'homeVisit');
    const reply = await view('p01');
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.decision).toEqual({ kind: 'visible', scopes: ['medication', 'dispensing', 'clinical', 'surgery', 'checkup'] });
    expect(reply.body.name).toBe('山田　花子');
    const medication = reply.body.sections.find((s) => s.scope === 'medication')!;
    expect(medication.entries.length).toBeGreaterThan(3);
    expect(medication.entries[0]).toMatchObject({ drugName: expect.any(String), dose: expect.any(String), days: expect.any(Number), dispensedBy: expect.any(String) });
    expect(JSON.stringify(medication.entries)).toContain('炭酸ランタンOD錠250mg');
    const checkup = reply.body.sections.find((s) => s.scope === 'checkup')!;
    expect(checkup.entries[0]).toMatchObject({ systolic: 138, hba1c: 5.4 });
    expect(reply.body.consents).toEqual([{ visitType: 'homeVisit', validUntil: null }]);

    const audits = await viewAudits('p01');
    expect(audits).toHaveLength(1);
    const staff = await t.db.selectFrom('staff_account').select('id').where('login_id', '=', 'demo-doctor').executeTakeFirstOrThrow();
    expect(audits[0]).toMatchObject({ actor_type: 'staff', actor_id: staff.id, outcome: 'ok', detail: 'medication,dispensing,clinical,surgery,checkup', institution_id: t.demo.institution.id });
    // A second view is a second record (X5: every view).
    await view('p01');
    expect(await viewAudits('p01')).toHaveLength(2);
  });

  it('S1–S3: only the consented scopes are fetched and shown', async () => {
    await register('card-11', 'homeVisit', { ...agreeToNone(), checkup: true, costLimit: true });
    const reply = await view('p11');
    expect(reply.status).toBe(200);
    expect(scopesShown(reply.body)).toEqual(['checkup']);
    expect(reply.text).not.toContain('エスシタロプラム');
    expect((await viewAudits('p11')).at(-1)!.detail).toBe('checkup');

    await register('card-13', 'homeVisit', { ...agreeToNone(), costLimit: true });
    const none = await view('p13');
    expect(none.body.decision).toEqual({ kind: 'hidden', reason: 'noMedicalScope' });
    expect(none.body.sections).toEqual([]);
    expect((await viewAudits('p13')).at(-1)).toMatchObject({ outcome: 'nothing_shown', detail: 'noMedicalScope' });
  });

  it('S2: an institution that does not use clinical information never shows 診療情報, even under an older consent', async () => {
    await t.db.updateTable('institution').set({ uses_clinical_info: 0 }).where('id', '=', t.demo.institution.id).execute();
    try {
      const reply = await view('p01');
      expect(scopesShown(reply.body)).toEqual(['medication', 'dispensing', 'surgery', 'checkup']);
      expect(reply.text).not.toContain('腎性貧血');
    } finally {
      await t.db.updateTable('institution').set({ uses_clinical_info: 1 }).where('id', '=', t.demo.institution.id).execute();
    }
  });

  it('V2/V6: a house-call consent allows retrieval for 24 hours; after it no new retrieval is made, and the snapshot kept is shown with its retrieval time', async () => {
    await register('card-06', 'houseCall');
    const retrievals = vi.spyOn(t.national.eligibility, 'medicalInformation');
    const within = await view('p06');
    expect(scopesShown(within.body)).toContain('medication');
    expect(within.body.consents[0]!.visitType).toBe('houseCall');
    expect(within.body.latestConsent).toBeNull();
    // V6: retrieved now, and kept as this institution's snapshot.
    expect(within.body).toMatchObject({ fromSnapshot: false, retrievedAt: within.body.viewedAt });
    expect(retrievals).toHaveBeenCalledTimes(1);
    const retrievedAt = within.body.retrievedAt!;

    t.clock.advance(25 * HOUR_MS);
    doctor = await loginAs(t, 'doctor');
    const after = await view('p06');
    expect(after.status).toBe(200);
    expect(after.body.decision).toEqual({ kind: 'hidden', reason: 'expired' });
    // V6: no new retrieval past the window…
    expect(retrievals).toHaveBeenCalledTimes(1);
    retrievals.mockRestore();
    // …but what was retrieved within it is still shown, marked with when it was retrieved.
    expect(after.body).toMatchObject({ fromSnapshot: true, retrievedAt });
    expect(after.body.sections).toEqual(within.body.sections);
    expect(after.text).toContain('ドネペジル');
    expect(after.body.latestConsent).toMatchObject({ visitType: 'houseCall', revokedAt: null });
    expect(Date.parse(after.body.latestConsent!.validUntil!) - Date.parse(after.body.latestConsent!.registeredAt)).toBe(24 * HOUR_MS);
    expect((await viewAudits('p06')).at(-1)).toMatchObject({ outcome: 'nothing_shown', detail: 'expired:snapshot' });
  });

  it('V6: a revoked consent allows no new retrieval; what was retrieved before stays shown, marked with its time', async () => {
    const id = await register('card-14', 'homeVisit');
    expect(scopesShown((await view('p14')).body)).toContain('medication');
    const admin = await loginAs(t, 'admin');
    const revoked = await t.app.request(`/api/staff/consents/${id}/revoke`, jsonRequest('POST', { reason: 'careEnded' }, { cookie: admin }));
    expect(revoked.status).toBe(200);
    t.clock.advance(60_000);
    const after = await view('p14');
    expect(after.body.decision).toEqual({ kind: 'hidden', reason: 'revoked' });
    expect(after.body.fromSnapshot).toBe(true);
    expect(after.body.retrievedAt).not.toBe(after.body.viewedAt);
  });

  it('P3: clerks and administrators are refused (403) and nothing is recorded as a view; no session is 401', async () => {
    const before = (await t.db.selectFrom('audit_event').select('seq').where('action', '=', 'clinical.viewed').execute()).length;
    for (const role of ['clerk', 'admin'] as const) {
      const cookie = await loginAs(t, role);
      for (const path of ['/api/staff/clinical/persons/p01', '/api/staff/clinical/persons']) {
        const res = await t.app.request(path, { headers: { cookie } });
        expect(res.status).toBe(403);
        expect(((await res.json()) as ApiErrorBody).error.code).toBe('forbidden');
      }
    }
    expect((await t.app.request('/api/staff/clinical/persons/p01')).status).toBe(401);
    const after = (await t.db.selectFrom('audit_event').select('seq').where('action', '=', 'clinical.viewed').execute()).length;
    expect(after).toBe(before);
  });

  it("V6: another institution's patient is not found here (404) and its doctor cannot see ours, nor our snapshot", async () => {
    const otherId = randomUUID();
    await t.db.insertInto('institution').values({ ...t.demo.institution, id: otherId, code: '1310000009', name: '別の診療所', link_token: 'other-link-clinical' }).execute();
    await t.db
      .insertInto('staff_account')
      .values({ id: randomUUID(), institution_id: otherId, login_id: 'other-doctor', display_name: '別の医師', role: 'doctor', password_hash: await hashPassword('other-password-1'), totp_secret: TEST_TOTP_SECRET, created_at: new Date().toISOString() })
      .execute();
    const now = t.clock.now().toISOString();
    await t.db
      .insertInto('consent')
      .values({ id: randomUUID(), institution_id: otherId, person_ref: 'p10', visit_type: 'homeVisit', scopes: 'medication,clinical,checkup', prescription_form: null, consultation_date: null, registered_at: now, valid_until: null, status: 'active', revoked_at: null, revoked_by: null, revoke_reason: null, device_id: null, staff_id: null, registration_id: randomUUID(), updated_at: now, last_confirmed_at: null })
      .execute();
    const ours = await view('p10');
    expect(ours.status).toBe(404);
    expect(ours.text).not.toContain('メトホルミン');

    const other = await loginWithTotp(t, 'other-doctor', 'other-password-1', TEST_TOTP_SECRET);
    expect((await view('p01', other)).status).toBe(404);
    expect(scopesShown((await view('p10', other)).body)).toEqual(['medication', 'clinical', 'checkup']);
    const list = await t.app.request('/api/staff/clinical/persons', { headers: { cookie: other } });
    expect(((await list.json()) as ClinicalPersonsResponse).persons.map((p) => p.personRef)).toEqual(['p10']);

    // V6: our snapshot of p06 is ours: the other clinic, with an ended consent of its own, sees nothing of it.
    await t.db
      .insertInto('consent')
      .values({ id: randomUUID(), institution_id: otherId, person_ref: 'p06', visit_type: 'houseCall', scopes: 'medication,clinical,checkup', prescription_form: null, consultation_date: null, registered_at: now, valid_until: now, status: 'active', revoked_at: null, revoked_by: null, revoke_reason: null, device_id: null, staff_id: null, registration_id: randomUUID(), updated_at: now, last_confirmed_at: null })
      .execute();
    const theirs = await view('p06', other);
    expect(theirs.body).toMatchObject({ decision: { kind: 'hidden', reason: 'expired' }, sections: [], fromSnapshot: false, retrievedAt: null });
    expect(theirs.text).not.toContain('ドネペジル');
  });

  it('the list shows this institution’s persons with their consent state', async () => {
    const res = await t.app.request('/api/staff/clinical/persons', { headers: { cookie: doctor } });
    const body = (await res.json()) as ClinicalPersonsResponse;
    const byRef = Object.fromEntries(body.persons.map((p) => [p.personRef, p.state]));
    expect(byRef).toEqual({ p01: 'active', p11: 'active', p13: 'active', p06: 'expired', p14: 'revoked' });
  });
});
