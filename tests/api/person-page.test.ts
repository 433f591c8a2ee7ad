import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, StaffRole } from '../../src/domain/shared/api.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import type { ConsentDashboardResponse, PersonPageResponse } from '../../src/domain/consent/consent-dashboard.ts';
import type { StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import { verifyAuditChain } from '../../src/server/audit/audit.service.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { notePersonRecord } from '../../src/server/person/person-profile.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { createTestApp, jsonRequest, loginAs, loginWithTotp, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/**
 * The consent dashboard and the person page through the HTTP API: filters and search (R9, kana,
 * insurer), the person page's checks (E2–E6), the clinic's record and the "someone else" steps
 * (E3), scoping to the institution and status-only content (P3). Consents come from the real card flow.
 */

const DEVICE = '5f0c2a9e-7b3d-4e8a-9c6f-0d2f4b6a8e10';
const HOUR_MS = 60 * 60 * 1000;
const P01_DISEASE = '人工腎臓を実施している慢性腎不全';

let t: TestApp;
/** Sessions lock after 5 idle minutes (issue 12 #10) and the clock jumps days: log in again when it moved. */
const cookies = new Map<string, { cookie: string; at: number }>();
const consents: Record<string, string> = {};

async function cookieOf(who: StaffRole | 'other'): Promise<string> {
  const now = t.clock.now().getTime();
  const held = cookies.get(who);
  if (held && now - held.at < 3 * 60 * 1000) return held.cookie;
  let cookie: string;
  if (who === 'other') {
    cookie = await loginWithTotp(t, 'other-clerk-d', 'other-password-1', TEST_TOTP_SECRET);
  } else {
    cookie = await loginAs(t, who);
  }
  cookies.set(who, { cookie, at: now });
  return cookie;
}

interface Reply<T> {
  status: number;
  text: string;
  body: T & ApiErrorBody;
}

async function call<T>(path: string, init: RequestInit = {}, who: StaffRole | 'other' | 'anonymous' = 'clerk'): Promise<Reply<T>> {
  const headers = new Headers(init.headers);
  if (who !== 'anonymous') headers.set('cookie', await cookieOf(who));
  const res = await t.app.request(path, { ...init, headers });
  const text = await res.text();
  return { status: res.status, text, body: (text ? JSON.parse(text) : null) as T & ApiErrorBody };
}

const dashboard = (params: Record<string, string>, who: StaffRole | 'other' = 'clerk') =>
  call<ConsentDashboardResponse>(`/api/staff/consent-dashboard?${new URLSearchParams(params)}`, {}, who);
const page = (ref: string, who: StaffRole | 'other' = 'clerk') => call<PersonPageResponse>(`/api/staff/persons/${ref}`, {}, who);
const refs = (reply: Reply<ConsentDashboardResponse>) => {
  expect(reply.status, reply.text).toBe(200);
  return reply.body.rows.map((r) => r.person.personRef).sort();
};

async function register(cardId: string, visitType: 'homeVisit' | 'houseCall' = 'homeVisit', linkToken = t.demo.institution.link_token): Promise<string> {
  const body = { linkToken, visitType, arrival: 'link', choices: agreeToAll(), prescriptionForm: 'paper', handoffPath: 'crossDevice' };
  const started = await t.app.request('/api/public/registrations', jsonRequest('POST', body, { 'x-device-id': DEVICE }));
  expect(started.status).toBe(201);
  const reg = (await started.json()) as StartRegistrationResponse;
  const signed = await signChallenge(t.db, t.cardSim, { cardId, pin: DEMO_PIN, ...reg.challenge, now: t.clock.now() });
  const handoff = await t.app.request('/api/handoff', jsonRequest('POST', signed));
  expect(handoff.status, await handoff.clone().text()).toBe(200);
  const row = await t.db.selectFrom('registration').select('consent_id').where('id', '=', reg.registrationId).executeTakeFirstOrThrow();
  return row.consent_id!;
}

async function auditOf(action: string) {
  return t.db.selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('seq').execute();
}

beforeAll(async () => {
  t = await createTestApp();
  // Another clinic with its own clerk and one consent (p13), to prove scoping.
  const institutionId = randomUUID();
  await t.db
    .insertInto('institution')
    .values({ ...t.demo.institution, id: institutionId, code: '1310000009', name: '別の診療所', link_token: 'other-institution-link-d' })
    .execute();
  await t.db
    .insertInto('staff_account')
    .values({ id: randomUUID(), institution_id: institutionId, login_id: 'other-clerk-d', display_name: '別の受付', role: 'clerk', password_hash: await hashPassword('other-password-1'), totp_secret: TEST_TOTP_SECRET, created_at: new Date().toISOString() })
    .execute();
  await register('card-13', 'homeVisit', 'other-institution-link-d');

  // A minute apart, so that "newest first" has an order to show.
  for (const [person, card, visitType] of [
    ['p01', 'card-01', 'homeVisit'],
    ['p14', 'card-14', 'homeVisit'],
    ['p10', 'card-10', 'houseCall'],
    ['p11', 'card-11', 'homeVisit'],
    ['p16', 'card-15', 'homeVisit'],
    ['p17', 'card-16', 'homeVisit'],
  ] as const) {
    t.clock.advance(60 * 1000);
    consents[person] = await register(card, visitType);
  }
});
afterAll(async () => {
  await t.close();
});

describe('no session', () => {
  it('every dashboard and person route answers 401 without a login', async () => {
    for (const [path, init] of [
      ['/api/staff/consent-dashboard', {}],
      ['/api/staff/persons/p01', {}],
      ['/api/staff/persons/p01/reference-number', jsonRequest('PUT', { referenceNumber: 'A-1' })],
      ['/api/staff/persons/p01/clinic-record', jsonRequest('PUT', { name: '', nameKana: '', sex: '', dateOfBirth: '', address: '' })],
      ['/api/staff/persons/p01/other-person', jsonRequest('POST', { step: 'callCentre' })],
    ] as const) {
      const reply = await call(path, init, 'anonymous');
      expect(reply.status, path).toBe(401);
      expect(reply.body.error.code).toBe('unauthenticated');
    }
  });
});

describe('consent dashboard: filters (V1–V5) and paging', () => {
  it('lists this institution\'s consents only, newest first, with status', async () => {
    const reply = await dashboard({});
    expect(refs(reply)).toEqual(['p01', 'p10', 'p11', 'p14', 'p16', 'p17']);
    expect(reply.body.rows[0]!.person.personRef).toBe('p17');
    expect(reply.body.rows.find((r) => r.person.personRef === 'p10')!.status).toBe('expiring');
    expect(reply.body.hasMore).toBe(false);
    expect((await auditOf('consent.dashboard_viewed')).at(-1)).toMatchObject({ actor_type: 'staff', outcome: 'ok' });
  });

  it('filters by visit type and by status (active / expiring / revoked / expired)', async () => {
    expect(refs(await dashboard({ visitType: 'houseCall' }))).toEqual(['p10']);
    expect(refs(await dashboard({ status: 'expiring' }))).toEqual(['p10']);
    expect(refs(await dashboard({ status: 'active' }))).toEqual(['p01', 'p11', 'p14', 'p16', 'p17']);
    const revoked = await call(`/api/staff/consents/${consents.p16}/revoke`, jsonRequest('POST', { reason: 'patientAsked' }));
    expect(revoked.status, revoked.text).toBe(200);
    expect(refs(await dashboard({ status: 'revoked' }))).toEqual(['p16']);
    expect(refs(await dashboard({ status: 'expired' }))).toEqual([]);
    t.clock.advance(25 * HOUR_MS);
    expect(refs(await dashboard({ status: 'expired' }))).toEqual(['p10']);
    expect(refs(await dashboard({ status: 'expiring' }))).toEqual([]);
    expect(refs(await dashboard({ visitType: 'houseCall', status: 'active' }))).toEqual([]);
  });

  it('V5: due reconfirmation lists active home visits a month after registration or the last confirmation', async () => {
    expect(refs(await dashboard({ due: '1' }))).toEqual([]);
    t.clock.advance(31 * 24 * HOUR_MS);
    expect(refs(await dashboard({ due: '1' }))).toEqual(['p01', 'p11', 'p14', 'p17']);
    const confirmed = await call('/api/staff/reconfirmations', jsonRequest('POST', { consentId: consents.p14, answer: 'continue' }));
    expect(confirmed.status, confirmed.text).toBe(201);
    expect(refs(await dashboard({ due: '1' }))).toEqual(['p01', 'p11', 'p17']);
  });

  it('pages of 50: page 2 is empty here and unknown filter values are ignored', async () => {
    const second = await dashboard({ page: '2' });
    expect(second.body.rows).toEqual([]);
    expect(second.body.page).toBe(2);
    expect(refs(await dashboard({ visitType: 'nonsense', status: 'whatever' })).length).toBe(6);
  });
});

describe('search: kana, insurer number, reference number (R9)', () => {
  it('kana: half-width, hiragana and small kana all find the person (prefix)', async () => {
    expect(refs(await dashboard({ searchBy: 'kana', q: 'ｶﾄｳ' }))).toEqual(['p14']);
    expect(refs(await dashboard({ searchBy: 'kana', q: 'かとう きょうこ' }))).toEqual(['p14']);
    expect(refs(await dashboard({ searchBy: 'kana', q: 'カトウキョウコ' }))).toEqual(['p14']);
    expect(refs(await dashboard({ searchBy: 'kana', q: 'ナカムラ' }))).toEqual(['p10']);
    expect(refs(await dashboard({ searchBy: 'kana', q: 'ワタナベ' }))).toEqual([]);
  });

  it('insurer number (full-width digits too); an impossible number is reported, not searched', async () => {
    expect(refs(await dashboard({ searchBy: 'insurerNumber', q: '32131013' }))).toEqual(['p14']);
    expect(refs(await dashboard({ searchBy: 'insurerNumber', q: '３２１３１０１３' }))).toEqual(['p14']);
    const bad = await dashboard({ searchBy: 'insurerNumber', q: '12' });
    expect(bad.body.invalidSearch).toBe(true);
    expect(bad.body.rows).toEqual([]);
  });

  it('R9: a reference number is attached, searched, kept across an insurer change, unique here, and audited', async () => {
    const set = await call<{ person: { referenceNumber: string } }>('/api/staff/persons/p14/reference-number', jsonRequest('PUT', { referenceNumber: 'Ｋ-０４１７' }));
    expect(set.status, set.text).toBe(200);
    expect(set.body.person.referenceNumber).toBe('K-0417');
    expect(refs(await dashboard({ searchBy: 'referenceNumber', q: 'K-0417' }))).toEqual(['p14']);
    expect((await auditOf('person.reference_number_set')).at(-1)).toMatchObject({ person_ref: 'p14', outcome: 'ok', detail: 'set' });

    // The insurer changes (a new record arrives for the person): the number stays with the person.
    const record = (await t.national.eligibility.currentEligibility('p14', t.clock.now()));
    await notePersonRecord(t.db, t.demo.institution.id, 'p14', { ...record, insurerNumber: '01110014' }, t.clock.now().toISOString());
    expect(refs(await dashboard({ searchBy: 'referenceNumber', q: 'K-0417' }))).toEqual(['p14']);
    expect(refs(await dashboard({ searchBy: 'insurerNumber', q: '01110014' }))).toEqual(['p14']);
    expect(refs(await dashboard({ searchBy: 'insurerNumber', q: '32131013' }))).toEqual([]);

    const taken = await call('/api/staff/persons/p01/reference-number', jsonRequest('PUT', { referenceNumber: 'K-0417' }));
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('reference_number_taken');
    expect(taken.text).not.toContain('K-0417');
    const invalid = await call('/api/staff/persons/p01/reference-number', jsonRequest('PUT', { referenceNumber: 'no spaces allowed' }));
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.fields).toHaveProperty('referenceNumber');
  });
});

describe('person records by permission', () => {
  it('issue 12 #16: a doctor may read a person but not set the reference number or the clinic record; a clerk may', async () => {
    const before = await page('p11', 'doctor');
    expect(before.status, before.text).toBe(200);
    const clinic = { name: '試験 花子', nameKana: 'シケン ハナコ', sex: 'female', dateOfBirth: '1950-01-02', address: '' };
    const ref = await call('/api/staff/persons/p11/reference-number', jsonRequest('PUT', { referenceNumber: 'D-1' }), 'doctor');
    expect(ref.status).toBe(403);
    expect(ref.body.error.code).toBe('forbidden');
    const record = await call('/api/staff/persons/p11/clinic-record', jsonRequest('PUT', clinic), 'doctor');
    expect(record.status).toBe(403);
    const after = await page('p11', 'doctor');
    expect(after.body.person.referenceNumber).toBe(before.body.person.referenceNumber);
    expect(after.body.clinicRecord).toEqual(before.body.clinicRecord);
    // The clerk (and the administrator) keep the desk work.
    expect((await call('/api/staff/persons/p11/reference-number', jsonRequest('PUT', { referenceNumber: 'D-1' }), 'clerk')).status).toBe(200);
    expect((await call('/api/staff/persons/p11/clinic-record', jsonRequest('PUT', clinic), 'admin')).status).toBe(200);
    expect((await page('p11', 'doctor')).body.person.referenceNumber).toBe('D-1');
  });
});

describe('person page (E2–E6), status only (P3)', () => {
  it('E2/E4: latest eligibility with next steps, consents with their audit trail, the 2割 × 現役並み contradiction', async () => {
    // The house call has expired; a continuing home-visit consent discloses the cost-limit data again.
    await register('card-10');
    const reply = await page('p10');
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.person).toMatchObject({ personRef: 'p10', name: '中村　正男' });
    expect(reply.body.eligibility).toMatchObject({ status: 'valid', nextSteps: ['proceed'], source: 'registration' });
    expect(reply.body.copay).toMatchObject({ contradiction: 'lowRatioWithActiveIncome', copayRatio: 20 });
    expect(reply.body.consents.map((c) => [c.consent.visitType, c.status])).toEqual([['homeVisit', 'active'], ['houseCall', 'expired']]);
    for (const c of reply.body.consents) expect(c.audit.map((a) => a.action)).toContain('consent.registered');
    expect(reply.body.qualificationChoice).toBeNull();
    expect((await auditOf('person.viewed')).at(-1)).toMatchObject({ person_ref: 'p10', actor_type: 'staff' });
  });

  it('E4: 3割 with 一般 is the other contradiction (revoked consents still show the page)', async () => {
    const reply = await page('p16');
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.consents[0]!.status).toBe('revoked');
    // After revocation no scope is consented: cost-limit data is not shown, so E4 cannot be judged.
    expect(reply.body.copay).toBeNull();
  });

  it('E5: which of the same-day qualifications is shown and why', async () => {
    const reply = await page('p11');
    const choice = reply.body.qualificationChoice!;
    expect(choice.reason).toBe('farthestEnd');
    expect(choice.sharingDate).toBe(4);
    expect(choice.candidates[choice.chosenIndex]!.insurerName).toBe('さくら精機健康保険組合');
    expect(reply.body.eligibility!.record.insurerName).toBe('さくら精機健康保険組合');
  });

  it('E6: the medical-aid flag asks for the welfare office; the ticket\'s disease names are not shown', async () => {
    const reply = await page('p17');
    expect(reply.body.medicalAid).toBe('contactWelfareOffice');
    expect(reply.body.eligibility!.record.medicalAidTicket!.diseaseNames).toEqual([]);
    expect(reply.text).not.toContain('高血圧症');
  });

  it('P3: no role gets medical content (specific disease) on the person page', async () => {
    for (const role of ['clerk', 'admin', 'doctor'] as const) {
      const reply = await page('p01', role);
      expect(reply.status).toBe(200);
      expect(reply.body.eligibility!.record.specificDisease).toBeNull();
      expect(reply.text).not.toContain(P01_DISEASE);
    }
  });

  it('another institution\'s person, an unknown person and a malformed reference are not found', async () => {
    expect((await page('p13')).status).toBe(404);
    expect((await page('p02')).status).toBe(404);
    expect((await page('p01', 'other')).status).toBe(404);
    expect((await page('..%2Fx')).status).toBe(404);
    expect((await call('/api/staff/persons/p13/reference-number', jsonRequest('PUT', { referenceNumber: 'X-1' }))).status).toBe(404);
    expect((await call('/api/staff/persons/p13/other-person', jsonRequest('POST', { step: 'callCentre' }))).status).toBe(404);
    expect(refs(await dashboard({}, 'other'))).toEqual(['p13']);
  });
});

describe('E3 identity cross-check and "someone else"', () => {
  it('E3: the clinic record is kept; kana quirks match, a different given name is flagged (never blocked)', async () => {
    const same = { name: '加藤 恭子', nameKana: 'かとう きょうこ', sex: 'female', dateOfBirth: '1964-04-17', address: '東京都八王子市明神町二丁目６番１号' };
    const saved = await call('/api/staff/persons/p14/clinic-record', jsonRequest('PUT', same));
    expect(saved.status, saved.text).toBe(200);
    let reply = await page('p14');
    expect(reply.body.clinicRecord).toEqual(same);
    expect(reply.body.identity).toMatchObject({ flagged: false, fields: { nameKana: 'match', givenNameKana: 'match', address: 'match' } });
    await call('/api/staff/persons/p14/clinic-record', jsonRequest('PUT', { ...same, nameKana: 'カトウ ケイコ' }));
    reply = await page('p14');
    expect(reply.body.identity).toMatchObject({ flagged: true, fields: { givenNameKana: 'mismatch' } });
    expect((await auditOf('person.clinic_record_saved')).at(-1)).toMatchObject({ person_ref: 'p14' });
    const bad = await call('/api/staff/persons/p14/clinic-record', jsonRequest('PUT', { ...same, dateOfBirth: '1964-13-40' }));
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toHaveProperty('dateOfBirth');
  });

  it('E9: when staff doubt the person they may ask for a photo ID; recording it is audited and changes nothing else', async () => {
    const before = await page('p14');
    const checked = await call<{ identityStatus: string | null }>('/api/staff/persons/p14/other-person', jsonRequest('POST', { step: 'photoIdChecked' }));
    expect(checked.status, checked.text).toBe(200);
    expect(checked.body.identityStatus).toBe(before.body.identityStatus);
    expect((await auditOf('person.photo_id_checked')).at(-1)).toMatchObject({ person_ref: 'p14', outcome: 'ok', actor_type: 'staff' });
    const after = await page('p14');
    expect(after.body.identityStatus).toBe(before.body.identityStatus);
    expect(after.body.eligibility).toEqual(before.body.eligibility);
  });

  it('E3: "someone else" records the call to the centre, then deletes the provided information; both audited', async () => {
    const called = await call<{ identityStatus: string }>('/api/staff/persons/p14/other-person', jsonRequest('POST', { step: 'callCentre' }));
    expect(called.status, called.text).toBe(200);
    expect(called.body.identityStatus).toBe('otherPerson');
    expect((await auditOf('person.other_person_reported')).at(-1)).toMatchObject({ person_ref: 'p14', outcome: 'ok', actor_type: 'staff' });
    expect((await page('p14')).body.identityStatus).toBe('otherPerson');

    const deleted = await call('/api/staff/persons/p14/other-person', jsonRequest('POST', { step: 'deleteProvidedInformation' }));
    expect(deleted.status, deleted.text).toBe(200);
    expect((await auditOf('person.provided_information_deleted')).at(-1)).toMatchObject({ person_ref: 'p14', outcome: 'ok' });
    const after = await page('p14');
    expect(after.body.identityStatus).toBe('informationDeleted');
    expect(after.body.eligibility).toBeNull();
    expect(after.body.person.name).toBe('');
    expect(after.text).not.toContain('加藤　恭子');
    expect(await t.db.selectFrom('eligibility_check').select('id').where('person_ref', '=', 'p14').where('institution_id', '=', t.demo.institution.id).execute()).toEqual([]);
    // The reference number is the clinic's own: it stays.
    expect(after.body.person.referenceNumber).toBe('K-0417');
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });
});
