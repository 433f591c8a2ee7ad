import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import { REQUERY_DAILY_LIMIT } from '../../src/domain/requery/requery.ts';
import { agreeToAll, agreeToNone, type ConsentChoices } from '../../src/domain/consent/consent.ts';
import type { HandoffChallenge } from '../../src/domain/registration/handoff.ts';
import type { StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import type {
  BatchQueryResponse,
  BatchResultsResponse,
  ConsentEligibilityResponse,
  ConsentListsResponse,
  ConsentResponse,
  PersonSearchResponse,
  ReconfirmationResponse,
  RequeryHistoryResponse,
  RequeryMatchDto,
  RequeryResponse,
} from '../../src/domain/consent/staff-lifecycle-api.ts';
import { verifyAuditChain } from '../../src/server/audit/audit.service.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { demoPersons } from '../../src/server/national/embedded/demo-persons.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { createTestApp, jsonRequest, loginWithTotp, TEST_PASSWORD, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/**
 * The staff side of the consent lifecycle through its HTTP API: search and revocation at the
 * clinic (X1, X2), expiry enforced on the server (V2, V3), monthly reconfirmation (V5), re-query
 * (Q1–Q5, X4) and the batch query (Q6). Consents are registered through the real card flow.
 */

const DEVICE = '5f0c2a9e-7b3d-4e8a-9c6f-0d2f4b6a8e10';
const STAFF_DEVICE = '0b6d3c2a-1e4f-4a5b-8c7d-9e0f1a2b3c4d';
const HOUR_MS = 60 * 60 * 1000;

// The demo persons' insurance numbers (src/server/national/embedded/demo-persons.ts).
const P01 = { insurerNumber: '01130012', symbol: '31150617', number: '1042', branch: '00', dateOfBirth: '1986-06-14' };
/** The twins p07/p08: same numbers and date of birth, no branch (Q5). */
const TWINS = { insurerNumber: '06132583', symbol: '52', number: '3187', dateOfBirth: '2011-08-19' };
const P12 = { insurerNumber: '01110014', symbol: '22070519', number: '88', branch: '00', dateOfBirth: '1958-12-01' };
const P13 = { insurerNumber: '131201', symbol: '練3', number: '215536', branch: '01', dateOfBirth: '1991-07-30' };
const P14 = { insurerNumber: '32131013', symbol: '12', number: '204518', branch: '00', dateOfBirth: '1964-04-17' };
/** p01's specific disease: never in a search, a batch query or an unconsented answer. */
const P01_DISEASE = '人工腎臓を実施している慢性腎不全';
const CSV_HEADER = '保険者番号,記号,番号,枝番,生年月日';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Japan wall-clock time → the test clock. */
function setJst(wall: string): void {
  const step = Date.parse(`${wall}+09:00`) - t.clock.now().getTime();
  // Time only moves forward in this file: consents and results keep their real order.
  if (step < 0) throw new Error(`the test clock would go back to ${wall}`);
  t.clock.advance(step);
}

interface Reply<T> {
  status: number;
  text: string;
  body: T & ApiErrorBody;
}

/** Who calls: the demo clinic's administrator, a clerk of another clinic, or nobody logged in. */
type Who = 'demo' | 'other' | 'anonymous';
const PASSWORDS: Record<Exclude<Who, 'anonymous'>, [string, string]> = {
  demo: ['demo-admin', TEST_PASSWORD],
  other: ['other-clerk', 'other-password-1'],
};
const sessions = new Map<Who, { cookie: string; at: number }>();

/** A session cookie valid on the test clock: the clock jumps days ahead, sessions lock after 5 idle minutes (issue 12 #10). */
async function cookieOf(who: Who): Promise<string> {
  if (who === 'anonymous') return '';
  const now = t.clock.now().getTime();
  const held = sessions.get(who);
  if (held && now - held.at < 3 * 60 * 1000) {
    held.at = now;
    return held.cookie;
  }
  const [loginId, password] = PASSWORDS[who];
  const cookie = await loginWithTotp(t, loginId, password, TEST_TOTP_SECRET);
  sessions.set(who, { cookie, at: now });
  return cookie;
}

/** Every staff response this file received, for the "no echo" scan. */
const staffBodies: string[] = [];

async function call<T>(path: string, init: RequestInit = {}, who: Who = 'demo'): Promise<Reply<T>> {
  const headers = new Headers(init.headers);
  headers.set('cookie', await cookieOf(who));
  headers.set('x-device-id', STAFF_DEVICE);
  const res = await t.app.request(path, { ...init, headers });
  const text = await res.text();
  staffBodies.push(text);
  return { status: res.status, text, body: (text ? JSON.parse(text) : null) as T & ApiErrorBody };
}

const postJson = <T>(path: string, body: unknown, who: Who = 'demo') => call<T>(path, jsonRequest('POST', body), who);
const postCsv = <T>(path: string, body: string | Uint8Array<ArrayBuffer>, contentType = 'text/csv', who: Who = 'demo') =>
  call<T>(path, { method: 'POST', headers: { 'content-type': contentType }, body }, who);

function expectError(reply: Reply<unknown>, status: number, code: string) {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.body.error.code).toBe(code);
  expect(reply.body.error.message.length).toBeGreaterThan(0);
  return reply.body.error;
}

// --- registration through the real card flow ---------------------------------------------------

function sign(cardId: string, challenge: Pick<HandoffChallenge, 'challengeId' | 'nonce'>) {
  return signChallenge(t.db, t.cardSim, { cardId, pin: DEMO_PIN, ...challenge, now: t.clock.now() });
}

interface RegisterOptions {
  visitType?: 'homeVisit' | 'houseCall' | 'online';
  choices?: ConsentChoices;
  consultationDate?: string;
  linkToken?: string;
}

/** start → the simulated card signs → POST /api/handoff; returns the new consent's id. */
async function register(cardId: string, options: RegisterOptions = {}): Promise<string> {
  const body = {
    linkToken: options.linkToken ?? t.demo.institution.link_token,
    visitType: options.visitType ?? 'homeVisit',
    arrival: 'link',
    choices: options.choices ?? agreeToAll(),
    prescriptionForm: 'paper',
    handoffPath: 'crossDevice',
    ...(options.consultationDate ? { consultationDate: options.consultationDate } : {}),
  };
  const started = await t.app.request('/api/public/registrations', jsonRequest('POST', body, { 'x-device-id': DEVICE }));
  expect(started.status).toBe(201);
  const reg = (await started.json()) as StartRegistrationResponse;
  const handoff = await t.app.request('/api/handoff', jsonRequest('POST', await sign(cardId, reg.challenge)));
  expect(handoff.status, await handoff.clone().text()).toBe(200);
  const row = await t.db.selectFrom('registration').select('consent_id').where('id', '=', reg.registrationId).executeTakeFirstOrThrow();
  return row.consent_id!;
}

const search = (query: Record<string, string>, who: Who = 'demo') => postJson<PersonSearchResponse>('/api/staff/consents/search', query, who);
const revoke = (id: string, reason = 'careEnded', who: Who = 'demo') => postJson<ConsentResponse>(`/api/staff/consents/${id}/revoke`, { reason }, who);
const retrieve = (id: string, who: Who = 'demo') => call<ConsentEligibilityResponse>(`/api/staff/consents/${id}/eligibility`, {}, who);
const lists = () => call<ConsentListsResponse>('/api/staff/consents/lists');
const reconfirm = (body: Record<string, unknown>) => postJson<ReconfirmationResponse>('/api/staff/reconfirmations', body);
const requery = (rows: unknown[], client = 'screen') => postJson<RequeryResponse>('/api/staff/requery', { client, rows });
const history = (personRef: string) => call<RequeryHistoryResponse>(`/api/staff/requery/persons/${personRef}`);
const batch = (rows: unknown[]) => postJson<BatchQueryResponse>('/api/staff/requery/batch', { rows });

/** A demo person's numbers as the registry holds them today (some dates of birth follow the clock). */
function queryOf(personId: string): Record<string, string> {
  const person = demoPersons(t.clock.now()).find((p) => p.personId === personId)!;
  const q = person.qualifications[0]!;
  return { insurerNumber: q.insurerNumber, symbol: q.symbol, number: q.number, branch: q.branch, dateOfBirth: person.dateOfBirth! };
}

async function auditOf(action: string) {
  return t.db.selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('seq').execute();
}

function onlyMatch(reply: Reply<RequeryResponse>, row = 0): RequeryMatchDto {
  expect(reply.status, reply.text).toBe(200);
  const r = reply.body.rows[row]!;
  expect(r.outcome).toBe('matched');
  expect(r.matches).toHaveLength(1);
  return r.matches[0]!;
}

describe('staff session (every route)', () => {
  it('no staff route answers without a login', async () => {
    const id = randomUUID();
    for (const [path, init] of [
      ['/api/staff/consents/search', jsonRequest('POST', P01)],
      ['/api/staff/consents/lists', {}],
      [`/api/staff/consents/${id}/revoke`, jsonRequest('POST', { reason: 'careEnded' })],
      [`/api/staff/consents/${id}/eligibility`, {}],
      ['/api/staff/requery', jsonRequest('POST', { client: 'screen', rows: [P01] })],
      ['/api/staff/requery/csv?client=screen', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: CSV_HEADER }],
      ['/api/staff/requery/batch', jsonRequest('POST', { rows: [P01] })],
      ['/api/staff/requery/batch/csv', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: CSV_HEADER }],
      ['/api/staff/requery/persons/p01', {}],
      ['/api/staff/requery/template.csv', {}],
      ['/api/staff/reconfirmations', jsonRequest('POST', { consentId: id, answer: 'continue' })],
    ] as const) {
      expectError(await call(path, init, 'anonymous'), 401, 'unauthenticated');
    }
    // The login itself stays reachable.
    expect((await t.app.request('/api/staff/login', jsonRequest('POST', { loginId: 'demo-admin', password: TEST_PASSWORD }))).status).toBe(200);
  });
});

describe('search and revocation at the clinic (X1, X2)', () => {

  it('X1: finds a person with a consent here, shows the latest eligibility (no specific disease, S4) and the consent status', async () => {
    setJst('2026-11-22T10:00:00');
    const consentId = await register('card-01');
    const reply = await search(P01);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.matches).toHaveLength(1);
    const match = reply.body.matches[0]!;
    expect(match.personRef).toBe('p01');
    expect(match.eligibility.record.name).toBe('山田　花子');
    expect(match.eligibility.record.status).toBe('valid');
    expect(match.eligibility.record.specificDisease).toBeNull();
    expect(match.eligibility.record.costLimit).toBeNull();
    expect(reply.text).not.toContain(P01_DISEASE);
    expect(match.consents[0]).toMatchObject({ id: consentId, visitType: 'homeVisit', state: 'active', reconfirmationDueOn: '2026-12-22' });
  });

  it('X1: full-width digits and a missing symbol still find the person (NFKC)', async () => {
    setJst('2026-11-22T10:10:00');
    await register('card-01');
    const reply = await search({ insurerNumber: '０１１３００１２', number: '１０４２', branch: '００', dateOfBirth: '1986/6/14' });
    expect(reply.body.matches.map((m) => m.personRef)).toEqual(['p01']);
  });

  it('X1: a person who never consented here is not found, though the registry knows them', async () => {
    setJst('2026-11-22T10:20:00');
    const reply = await search(P14);
    expect(reply.status).toBe(200);
    expect(reply.body.matches).toEqual([]);
    expect((await auditOf('person.searched')).at(-1)).toMatchObject({ outcome: 'notFound', actor_type: 'staff', device_id: STAFF_DEVICE });
  });

  it('Q5/X1: twins without a branch number: both are listed to choose from; revoking one leaves the other', async () => {
    setJst('2026-11-22T10:30:00');
    const yota = await register('card-07');
    const hina = await register('card-08');
    const reply = await search(TWINS);
    expect(reply.body.matches.map((m) => [m.personRef, m.eligibility.record.name])).toEqual([
      ['p07', '高橋　陽太'],
      ['p08', '高橋　陽菜'],
    ]);
    const revoked = await revoke(hina, 'patientAsked');
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body.consent).toMatchObject({ id: hina, state: 'revoked', revokeReason: 'patientAsked' });
    const after = await search(TWINS);
    expect(after.body.matches.find((m) => m.personRef === 'p07')!.consents[0]).toMatchObject({ id: yota, state: 'active' });
    expect(after.body.matches.find((m) => m.personRef === 'p08')!.consents[0]).toMatchObject({ id: hina, state: 'revoked' });
  });

  it('X1/X5: revocation records who revoked, why, from which device, in the audit chain', async () => {
    setJst('2026-11-22T10:40:00');
    const consentId = await register('card-12');
    expect((await revoke(consentId, 'careEnded')).status).toBe(200);
    const row = await t.db.selectFrom('consent').selectAll().where('id', '=', consentId).executeTakeFirstOrThrow();
    const staffId = (await t.db.selectFrom('staff_account').select('id').where('login_id', '=', 'demo-admin').executeTakeFirstOrThrow()).id;
    expect(row).toMatchObject({ status: 'revoked', revoke_reason: 'careEnded', revoked_by: `staff:${staffId}` });
    expect((await auditOf('consent.revoked')).at(-1)).toMatchObject({
      actor_type: 'staff',
      actor_id: staffId,
      person_ref: 'p12',
      subject_id: consentId,
      device_id: STAFF_DEVICE,
      outcome: 'ok',
      detail: 'homeVisit:careEnded',
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it('X1: revoking a revoked consent is refused with its own code, and the refusal is audited', async () => {
    setJst('2026-11-22T10:50:00');
    const consentId = await register('card-13');
    expect((await revoke(consentId)).status).toBe(200);
    expectError(await revoke(consentId), 409, 'consent_already_revoked');
    expect((await auditOf('consent.revoked')).at(-1)).toMatchObject({ subject_id: consentId, outcome: 'refused', detail: 'consent_already_revoked' });
  });

  it('V2: revoking a house call past its 24 hours is refused as expired', async () => {
    setJst('2026-11-22T11:00:00');
    const consentId = await register('card-09', { visitType: 'houseCall' });
    t.clock.advance(25 * HOUR_MS);
    expectError(await revoke(consentId, 'houseCallCompleted'), 410, 'consent_expired');
  });

  it('X2: only the staff reasons are accepted; an unknown consent is not found', async () => {
    setJst('2026-11-23T13:00:00');
    const consentId = await register('card-14');
    expectError(await revoke(consentId, 'superseded'), 422, 'validation_failed');
    expectError(await revoke(randomUUID()), 404, 'consent_not_found');
    expectError(await revoke('not-an-id'), 404, 'consent_not_found');
  });

  it('X2: the reason must fit the visit type (往診の情報取得後 never for 訪問診療等); a refusal changes nothing and is audited', async () => {
    setJst('2026-11-23T13:05:00');
    const homeVisit = await register('card-14');
    const houseCall = await register('card-14', { visitType: 'houseCall' });
    const online = await register('card-14', { visitType: 'online', consultationDate: '2026-11-24' });
    expectError(await revoke(homeVisit, 'houseCallCompleted'), 422, 'revoke_reason_not_for_visit_type');
    expectError(await revoke(houseCall, 'careEnded'), 422, 'revoke_reason_not_for_visit_type');
    expectError(await revoke(online, 'careEnded'), 422, 'revoke_reason_not_for_visit_type');
    expectError(await revoke(online, 'houseCallCompleted'), 422, 'revoke_reason_not_for_visit_type');
    const rows = await t.db.selectFrom('consent').select(['id', 'status']).where('id', 'in', [homeVisit, houseCall, online]).execute();
    expect(rows.map((r) => r.status)).toEqual(['active', 'active', 'active']);
    expect((await auditOf('consent.revoked')).at(-1)).toMatchObject({ subject_id: online, outcome: 'refused', detail: 'revoke_reason_not_for_visit_type' });
    // The reasons that fit go through; the patient's request fits every visit type.
    expect((await revoke(homeVisit, 'careEnded')).status).toBe(200);
    expect((await revoke(houseCall, 'houseCallCompleted')).status).toBe(200);
    expect((await revoke(online, 'patientAsked')).status).toBe(200);
  });

  it('search fields are checked; the errors name the rule, never the value typed', async () => {
    setJst('2026-11-23T13:10:00');
    const reply = await search({ insurerNumber: '12AB9', number: '', dateOfBirth: '1986-02-30' });
    const error = expectError(reply, 422, 'validation_failed');
    expect(Object.keys(error.fields!).sort()).toEqual(['dateOfBirth', 'insurerNumber', 'number']);
    expect(reply.text).not.toContain('12AB9');
    expect(reply.text).not.toContain('1986-02-30');
    // Unknown fields (a My Number, say) are refused (P1).
    expectError(await search({ ...P01, myNumber: '123456789012' }), 422, 'validation_failed');
  });
});

describe('another institution (scoping)', () => {
  let otherLink: string;

  beforeAll(async () => {
    const institutionId = randomUUID();
    otherLink = 'other-institution-link-0001';
    await t.db
      .insertInto('institution')
      .values({ ...t.demo.institution, id: institutionId, code: '1310000009', name: '別の診療所', link_token: otherLink })
      .execute();
    await t.db
      .insertInto('staff_account')
      .values({
        id: randomUUID(),
        institution_id: institutionId,
        login_id: 'other-clerk',
        display_name: '別の受付',
        role: 'clerk',
        password_hash: await hashPassword('other-password-1'),
        created_at: new Date().toISOString(),
        totp_secret: TEST_TOTP_SECRET,
      })
      .execute();
  });

  it('X1: a person registered only at another institution is not found here; their consent cannot be touched by id', async () => {
    setJst('2026-11-24T10:00:00');
    const elsewhere = await register('card-10', { linkToken: otherLink });
    expect((await search(queryOf('p10'), 'other')).body.matches.map((m) => m.personRef)).toEqual(['p10']);
    expect((await search(queryOf('p10'))).body.matches).toEqual([]);
    expectError(await revoke(elsewhere), 404, 'consent_not_found');
    expectError(await retrieve(elsewhere), 404, 'consent_not_found');
    expectError(await reconfirm({ consentId: elsewhere, answer: 'continue' }), 404, 'consent_not_found');
    expectError(await history('p10'), 404, 'not_found');
    const row = await t.db.selectFrom('consent').select('status').where('id', '=', elsewhere).executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
  });

  it('X1: the same numbers find the person at their own institution only', async () => {
    setJst('2026-11-24T11:00:00');
    await register('card-03', { linkToken: otherLink });
    const p03 = queryOf('p03');
    expect((await search(p03, 'other')).body.matches.map((m) => m.personRef)).toEqual(['p03']);
    expect((await search(p03)).body.matches).toEqual([]);
    // Nor can this clinic re-query them: unknown here is "not found".
    const reply = await requery([p03]);
    expect(reply.body.rows[0]).toMatchObject({ outcome: 'notFound', matches: [] });
  });

  it('the other clinic cannot revoke this clinic\'s consent', async () => {
    setJst('2026-11-24T12:00:00');
    const mine = await register('card-13');
    expectError(await revoke(mine, 'careEnded', 'other'), 404, 'consent_not_found');
    expect((await search(P13)).body.matches[0]!.consents[0]).toMatchObject({ id: mine, state: 'active' });
  });
});

describe('expiry enforced on the server (V2, V3, R8)', () => {
  it('V2: a house call is retrievable within 24 hours; 25 hours after registration it is refused (410)', async () => {
    setJst('2026-11-25T10:00:00');
    const consentId = await register('card-09', { visitType: 'houseCall' });
    t.clock.advance(HOUR_MS);
    const ok = await retrieve(consentId);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.record.name).toBe('伊藤　さくら');
    expect(ok.body.consent.state).toBe('active');
    t.clock.advance(24 * HOUR_MS);
    expectError(await retrieve(consentId), 410, 'consent_expired');
    expect((await auditOf('eligibility.viewed')).at(-1)).toMatchObject({ subject_id: consentId, outcome: 'refused', detail: 'consent_expired' });
  });

  it('V3: an online consent is retrievable through its consultation date (JST) and refused from 00:00 the next day', async () => {
    setJst('2026-11-27T10:00:00');
    const consentId = await register('card-06', { visitType: 'online', consultationDate: '2026-11-27' });
    setJst('2026-11-27T23:59:00');
    expect((await retrieve(consentId)).status).toBe(200);
    setJst('2026-11-28T00:00:00');
    expectError(await retrieve(consentId), 410, 'consent_expired');
  });

  it('R8: a revoked consent cannot be retrieved (its own code)', async () => {
    setJst('2026-11-28T12:00:00');
    const consentId = await register('card-09', { visitType: 'houseCall' });
    expect((await revoke(consentId, 'houseCallCompleted')).status).toBe(200);
    expectError(await retrieve(consentId), 409, 'consent_revoked');
  });

  it('R8: the record follows the consent: no cost-limit or specific-disease data when not consented', async () => {
    setJst('2026-11-28T13:00:00');
    const consentId = await register('card-01', { visitType: 'houseCall', choices: { ...agreeToNone(), surgery: true } });
    const reply = await retrieve(consentId);
    expect(reply.body.record.costLimit).toBeNull();
    expect(reply.body.record.specificDisease).toBeNull();
    expect(reply.text).not.toContain(P01_DISEASE);
  });
});

describe('staff lists (X2, V2, V3, V5)', () => {
  it('house calls still active ("revoke now"), consents ending within 24 hours, reconfirmations due', async () => {
    setJst('2026-12-01T10:00:00');
    const houseCall = await register('card-02', { visitType: 'houseCall' });
    const online = await register('card-03', { visitType: 'online', consultationDate: '2026-12-01' });
    const later = await register('card-05', { visitType: 'online', consultationDate: '2026-12-05' });
    const home = await register('card-11');
    let reply = await lists();
    expect(reply.status, reply.text).toBe(200);
    const ids = (items: ConsentListsResponse['houseCallActive']) => items.map((i) => i.consent.id);
    expect(ids(reply.body.houseCallActive)).toContain(houseCall);
    expect(ids(reply.body.houseCallActive)).not.toContain(online);
    expect(ids(reply.body.expiringSoon)).toEqual(expect.arrayContaining([houseCall, online]));
    expect(ids(reply.body.expiringSoon)).not.toContain(later);
    expect(ids(reply.body.expiringSoon)).not.toContain(home);
    expect(ids(reply.body.reconfirmationDue)).not.toContain(home);
    const item = reply.body.houseCallActive.find((i) => i.consent.id === houseCall)!;
    expect(item.person).toMatchObject({ personRef: 'p02', name: '佐藤　健一' });

    // "Revoke now": once revoked it leaves the list.
    expect((await revoke(houseCall, 'houseCallCompleted')).status).toBe(200);
    reply = await lists();
    expect(ids(reply.body.houseCallActive)).not.toContain(houseCall);

    // V5: a month later (same day next month, JST) the home visit is due.
    setJst('2026-12-31T23:59:00');
    expect(ids((await lists()).body.reconfirmationDue)).not.toContain(home);
    setJst('2027-01-01T00:00:00');
    reply = await lists();
    expect(ids(reply.body.reconfirmationDue)).toContain(home);
    expect(reply.body.reconfirmationDue.find((i) => i.consent.id === home)!.consent.reconfirmationDueOn).toBe('2027-01-01');
    // Expired ones are in no list.
    expect(ids(reply.body.expiringSoon)).not.toContain(online);
  });
});

describe('monthly reconfirmation (V5)', () => {
  it('V5: "continue" records who and when and moves the due date a month on', async () => {
    setJst('2027-01-10T10:00:00');
    const consentId = await register('card-11');
    setJst('2027-02-10T09:00:00');
    const reply = await reconfirm({ consentId, answer: 'continue' });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.consent).toMatchObject({ state: 'active', reconfirmationDueOn: '2027-03-10', reconfirmationDue: false, lastConfirmedAt: t.clock.now().toISOString() });
    const stored = await t.db.selectFrom('reconfirmation').selectAll().where('consent_id', '=', consentId).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ answer: 'continue', confirmed_at: t.clock.now().toISOString() });
    expect((await auditOf('consent.reconfirmed')).at(-1)).toMatchObject({ actor_type: 'staff', person_ref: 'p11', outcome: 'ok', detail: 'continue:continue' });
  });

  it('V5: "stop viewing" narrows the scopes; the retrieved record follows (no cost limit once stopped)', async () => {
    setJst('2027-02-11T10:00:00');
    const consentId = await register('card-01');
    expect((await retrieve(consentId)).body.record.costLimit).not.toBeNull();
    const reply = await reconfirm({ consentId, answer: 'stopViewing', scopes: ['surgery', 'checkup'] });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.consent.scopes).toEqual(['surgery', 'checkup']);
    expect(reply.body.reconfirmation.scopesAfter).toEqual(['surgery', 'checkup']);
    const record = (await retrieve(consentId)).body.record;
    expect(record.costLimit).toBeNull();
    expect(record.specificDisease).toBeNull();
  });

  it('V5: "stop viewing" with nothing left revokes; "revoke" revokes; both with reason reconfirmation', async () => {
    setJst('2027-02-12T10:00:00');
    const a = await register('card-12');
    const nothingLeft = await reconfirm({ consentId: a, answer: 'stopViewing', scopes: [] });
    expect(nothingLeft.body.consent).toMatchObject({ state: 'revoked', revokeReason: 'reconfirmation' });
    const b = await register('card-14');
    const revoked = await reconfirm({ consentId: b, answer: 'revoke' });
    expect(revoked.body.consent).toMatchObject({ state: 'revoked', revokeReason: 'reconfirmation' });
  });

  it('V5: refused for a revoked consent, an expired house call, an active house call, and scopes that widen or split the bundle', async () => {
    setJst('2027-02-13T10:00:00');
    const revokedOne = await register('card-13');
    await revoke(revokedOne);
    expectError(await reconfirm({ consentId: revokedOne, answer: 'continue' }), 409, 'consent_revoked');
    const houseCall = await register('card-09', { visitType: 'houseCall' });
    expectError(await reconfirm({ consentId: houseCall, answer: 'continue' }), 409, 'consent_not_home_visit');
    t.clock.advance(25 * HOUR_MS);
    expectError(await reconfirm({ consentId: houseCall, answer: 'continue' }), 410, 'consent_expired');
    const narrow = await register('card-06', { choices: { ...agreeToNone(), surgery: true } });
    expectError(await reconfirm({ consentId: narrow, answer: 'stopViewing', scopes: ['costLimit'] }), 422, 'validation_failed');
    const full = await register('card-02');
    expectError(await reconfirm({ consentId: full, answer: 'stopViewing', scopes: ['medication'] }), 422, 'validation_failed');
    expectError(await reconfirm({ consentId: full, answer: 'continue', scopes: ['surgery'] }), 422, 'validation_failed');
  });
});

describe('re-query (Q1–Q5, X4)', () => {
  it('Q1: the latest eligibility with cost-limit and specific-disease data when the consent includes them', async () => {
    setJst('2027-02-15T10:00:00');
    await register('card-01');
    const match = onlyMatch(await requery([P01]));
    expect(match).toMatchObject({ personRef: 'p01', outcome: 'ok', name: '山田　花子' });
    if (match.outcome !== 'ok') throw new Error('expected ok');
    expect(match.record.costLimit?.applicationCategory).toBe('ウ');
    expect(match.record.specificDisease?.diseaseCategory).toBe(P01_DISEASE);
    expect(await t.db.selectFrom('requery_result').selectAll().where('person_ref', '=', 'p01').where('jst_date', '=', '2027-02-15').execute()).toHaveLength(1);
  });

  it('Q1: without those scopes the answer leaves them out', async () => {
    setJst('2027-02-16T10:00:00');
    await register('card-01', { choices: { ...agreeToNone(), surgery: true } });
    const match = onlyMatch(await requery([P01]));
    if (match.outcome !== 'ok') throw new Error('expected ok');
    expect(match.record.costLimit).toBeNull();
    expect(match.record.specificDisease).toBeNull();
  });

  it('Q2: once the day\'s REQUERY_DAILY_LIMIT queries are used, the next is answered per row; from 00:00 JST the next day it works again', async () => {
    setJst('2027-02-17T00:05:00');
    await register('card-12');
    for (let i = 0; i < REQUERY_DAILY_LIMIT; i++) expect(onlyMatch(await requery([P12])).outcome).toBe('ok');
    setJst('2027-02-17T23:59:59');
    const refused = await requery([P12, P01]);
    expect(refused.status).toBe(200);
    expect(refused.body.rows[0]!.matches[0]).toMatchObject({ outcome: 'alreadyQueriedToday', queriedAt: new Date('2027-02-17T00:05:00+09:00').toISOString() });
    expect(refused.body.rows[1]!.matches[0]!.outcome).toBe('ok');
    setJst('2027-02-18T00:00:00');
    expect(onlyMatch(await requery([P12])).outcome).toBe('ok');
  });

  it('X4: after revocation the re-query is refused with the reason; a new card authentication allows it again', async () => {
    setJst('2027-02-19T10:00:00');
    const consentId = await register('card-13');
    await revoke(consentId, 'patientAsked');
    const refused = onlyMatch(await requery([P13]));
    expect(refused).toMatchObject({ outcome: 'revoked', revokeReason: 'patientAsked', personRef: 'p13' });
    expect((await auditOf('requery')).at(-1)).toMatchObject({ person_ref: 'p13', outcome: 'refused', detail: 'revoked:screen' });
    expect(await t.db.selectFrom('requery_result').selectAll().where('person_ref', '=', 'p13').execute()).toEqual([]);
    // A house-call consent does not reopen the continuing re-query.
    await register('card-13', { visitType: 'houseCall' });
    expect(onlyMatch(await requery([P13])).outcome).toBe('revoked');
    // A new home-visit registration (card authentication at a visit) does.
    await register('card-13');
    expect(onlyMatch(await requery([P13])).outcome).toBe('ok');
  });

  it('Q1: a person known here only through a house call has no continuing consent to re-query', async () => {
    setJst('2027-02-20T10:00:00');
    await register('card-09', { visitType: 'houseCall' });
    expect(onlyMatch(await requery([queryOf('p09')])).outcome).toBe('noActiveConsent');
  });

  it('Q5: twins without a branch: one row, two answers', async () => {
    setJst('2027-02-21T10:00:00');
    await register('card-07');
    await register('card-08');
    const reply = await requery([TWINS]);
    expect(reply.body.rows[0]!.outcome).toBe('matched');
    expect(reply.body.rows[0]!.matches.map((m) => [m.personRef, m.outcome])).toEqual([
      ['p07', 'ok'],
      ['p08', 'ok'],
    ]);
  });

  it('per row: not found, invalid (field names only), and nothing submitted is echoed back', async () => {
    setJst('2027-02-22T10:00:00');
    const reply = await requery([
      { insurerNumber: '99999999', number: 'ZX-31337', dateOfBirth: '1999-09-09' },
      { insurerNumber: 'ABCDEFG', number: 'QQ-4242', dateOfBirth: '1999-13-40' },
      // Registered at the other clinic only: a stranger here.
      queryOf('p10'),
      { ...P01, myNumber: '123456789012' },
      'not a row',
    ]);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.rows.map((r) => r.outcome)).toEqual(['notFound', 'invalid', 'notFound', 'invalid', 'invalid']);
    expect(reply.body.rows[1]!.invalidFields).toEqual(['insurerNumber', 'dateOfBirth']);
    expect(reply.body.rows[3]!.invalidFields).toEqual(['(row)']);
    for (const submitted of ['99999999', 'ZX-31337', '1999-09-09', 'ABCDEFG', 'QQ-4242', '1999-13-40', '123456789012', 'myNumber', 'not a row', queryOf('p10').insurerNumber]) {
      expect(reply.text).not.toContain(submitted);
    }
  });

  it('Q3: 1000 rows from the screen are answered row by row (Q2 within the request); 1001 are refused whole', async () => {
    setJst('2027-02-23T10:00:00');
    await register('card-01');
    const reply = await requery(Array.from({ length: 1000 }, () => P01));
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.rows).toHaveLength(1000);
    const outcomes = reply.body.rows.map((r) => r.matches[0]!.outcome);
    expect(outcomes.slice(0, REQUERY_DAILY_LIMIT).every((o) => o === 'ok')).toBe(true);
    expect(outcomes.slice(REQUERY_DAILY_LIMIT).every((o) => o === 'alreadyQueriedToday')).toBe(true);
    expectError(await requery(Array.from({ length: 1001 }, () => P01)), 422, 'rows_out_of_range');
    expectError(await requery([]), 422, 'rows_out_of_range');
    expectError(await requery(Array.from({ length: 1001 }, () => P01), 'api'), 422, 'rows_out_of_range');
  });

  it('Q3: a receipt computer may send 500 rows, not 501', async () => {
    setJst('2027-02-24T10:00:00');
    expect((await requery(Array.from({ length: 500 }, () => P14), 'receiptComputer')).status).toBe(200);
    const refused = expectError(await requery(Array.from({ length: 501 }, () => P14), 'receiptComputer'), 422, 'rows_out_of_range');
    expect(refused.message).toContain('500');
    expect(refused.message).not.toContain('501');
    expectError(await requery([P14], 'fax'), 422, 'validation_failed');
  });

  it('Q2: simultaneous re-queries of one person never take more than the day\'s REQUERY_DAILY_LIMIT', async () => {
    setJst('2027-02-25T10:00:00');
    await register('card-12');
    // One session for all of them (parallel sign-ins would reuse one TOTP code and be refused).
    await cookieOf('demo');
    const replies = await Promise.all(Array.from({ length: REQUERY_DAILY_LIMIT + 2 }, () => requery([P12])));
    const outcomes = replies.map((reply) => onlyMatch(reply).outcome);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(REQUERY_DAILY_LIMIT);
    expect(outcomes.filter((o) => o === 'alreadyQueriedToday')).toHaveLength(2);
    const stored = await t.db.selectFrom('requery_result').select('slot').where('person_ref', '=', 'p12').where('jst_date', '=', '2027-02-25').execute();
    expect(stored.map((r) => r.slot).sort()).toEqual(Array.from({ length: REQUERY_DAILY_LIMIT }, (_, slot) => slot));
  });

  it('Q4: the person\'s list shows the last 3 results, none 14 days old or older; after revocation none (X4)', async () => {
    setJst('2027-03-01T10:00:00');
    const consentId = await register('card-14');
    for (const day of ['2027-03-01', '2027-03-02', '2027-03-03', '2027-03-04']) {
      setJst(`${day}T10:00:00`);
      expect(onlyMatch(await requery([P14])).outcome).toBe('ok');
    }
    let reply = await history('p14');
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.gate).toBe('allowed');
    expect(reply.body.results.map((r) => r.queriedAt.slice(0, 10))).toEqual(['2027-03-04', '2027-03-03', '2027-03-02']);
    // 2027-03-02 is 14 days old from 2027-03-16 00:00 JST.
    setJst('2027-03-15T23:59:59');
    expect((await history('p14')).body.results).toHaveLength(3);
    setJst('2027-03-16T00:00:00');
    expect((await history('p14')).body.results.map((r) => r.queriedAt.slice(0, 10))).toEqual(['2027-03-04', '2027-03-03']);
    await revoke(consentId);
    reply = await history('p14');
    expect(reply.body).toMatchObject({ gate: 'revoked', results: [] });
  });

  describe('CSV upload', () => {
    const rows = (n: number, row = '01130012,31150617,1042,00,1986-06-14') => `${CSV_HEADER}\r\n${`${row}\r\n`.repeat(n)}`;

    it('Q3: UTF-8 with BOM, CRLF and empty lines; per-row results carry the file line', async () => {
      setJst('2027-04-01T10:00:00');
      await register('card-01');
      const text = `\uFEFF${CSV_HEADER}\r\n\r\n01130012,31150617,1042,00,1986-06-14\r\n,,,,\r\n０６１３２５８３,52,3187,,2011/8/19\r\nbad,,,,\r\n`;
      const reply = await postCsv<RequeryResponse>('/api/staff/requery/csv?client=screen', text);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.rows.map((r) => [r.row, r.line, r.outcome])).toEqual([
        [1, 3, 'matched'],
        [2, 5, 'matched'],
        [3, 6, 'invalid'],
      ]);
      expect(reply.body.rows[2]!.invalidFields).toEqual(['insurerNumber', 'number', 'dateOfBirth']);
    });

    it('Q3: LF line ends and quoted fields', async () => {
      setJst('2027-04-02T10:00:00');
      const reply = await postCsv<RequeryResponse>('/api/staff/requery/csv?client=api', `${CSV_HEADER}\n"01130012","31150617","1042","00","1986-06-14"\n`);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.rows[0]!.outcome).toBe('matched');
    });

    it('D4/Q3: dates of birth in 和暦 (S61.6.14, 昭和61年6月14日, full-width) are read; a bad row names every bad field', async () => {
      setJst('2027-04-02T11:00:00');
      await register('card-01');
      const text = `${CSV_HEADER}\r\n01130012,31150617,1042,00,S61.6.14\r\n01130012,31150617,1042,00,昭和６１年６月１４日\r\n1,31150617,,123,H31.5.1\r\n`;
      const reply = await postCsv<RequeryResponse>('/api/staff/requery/csv?client=screen', text);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.rows.map((r) => r.outcome)).toEqual(['matched', 'matched', 'invalid']);
      expect(reply.body.rows[2]!.invalidFields).toEqual(['insurerNumber', 'number', 'branch', 'dateOfBirth']);
      expect(reply.text).not.toContain('H31.5.1');
    });

    it('wrong or missing columns, an unclosed quote, and a header alone are refused whole', async () => {
      expectError(await postCsv('/api/staff/requery/csv?client=screen', '保険者番号,番号,生年月日\r\n01130012,1042,1986-06-14\r\n'), 422, 'csv_columns_invalid');
      expectError(await postCsv('/api/staff/requery/csv?client=screen', ''), 422, 'csv_columns_invalid');
      expectError(await postCsv('/api/staff/requery/csv?client=screen', `${CSV_HEADER}\r\n"01130012,1,1,,1986-06-14\r\n`), 422, 'csv_malformed');
      expectError(await postCsv('/api/staff/requery/csv?client=screen', `${CSV_HEADER}\r\n`), 422, 'rows_out_of_range');
    });

    it('Shift_JIS is refused with a code asking for UTF-8, unless the charset says Shift_JIS', async () => {
      setJst('2027-04-03T10:00:00');
      // 「保険者番号,記号,番号,枝番,生年月日」 in Shift_JIS, then a row.
      const sjisHeader = [0x95, 0xdb, 0x8c, 0xaf, 0x8e, 0xd2, 0x94, 0xd4, 0x8d, 0x86, 0x2c, 0x8b, 0x4c, 0x8d, 0x86, 0x2c, 0x94, 0xd4, 0x8d, 0x86, 0x2c, 0x8e, 0x7d, 0x94, 0xd4, 0x2c, 0x90, 0xb6, 0x94, 0x4e, 0x8c, 0x8e, 0x93, 0xfa];
      const bytes = Uint8Array.from([...sjisHeader, ...new TextEncoder().encode('\r\n01130012,31150617,1042,00,1986-06-14\r\n')]);
      expect(new TextDecoder('shift_jis').decode(bytes).startsWith(CSV_HEADER)).toBe(true);
      const refused = expectError(await postCsv('/api/staff/requery/csv?client=screen', bytes), 422, 'csv_not_utf8');
      expect(refused.message).toContain('UTF-8');
      const read = await postCsv<RequeryResponse>('/api/staff/requery/csv?client=receiptComputer', bytes, 'text/csv; charset=Shift_JIS');
      expect(read.status, read.text).toBe(200);
      expect(read.body.rows).toHaveLength(1);
    });

    it('Q3: 1000 rows are read, 1001 refused; 500/501 for a receipt computer; the client must be named', async () => {
      setJst('2027-04-04T10:00:00');
      expect((await postCsv('/api/staff/requery/csv?client=screen', rows(1000))).status).toBe(200);
      expectError(await postCsv('/api/staff/requery/csv?client=screen', rows(1001)), 422, 'rows_out_of_range');
      expect((await postCsv('/api/staff/requery/csv?client=receiptComputer', rows(500))).status).toBe(200);
      expectError(await postCsv('/api/staff/requery/csv?client=receiptComputer', rows(501)), 422, 'rows_out_of_range');
      expectError(await postCsv('/api/staff/requery/csv', rows(1)), 422, 'validation_failed');
      expectError(await postCsv('/api/staff/requery/csv?client=screen', rows(1), 'text/plain'), 415, 'unsupported_media_type');
    });

    it('the template is the header row with a BOM', async () => {
      const res = await t.app.request('/api/staff/requery/template.csv', { headers: { cookie: await cookieOf('demo') } });
      expect(res.headers.get('content-type')).toContain('text/csv');
      expect(new Uint8Array(await res.arrayBuffer()).slice(0, 3)).toEqual(Uint8Array.from([0xef, 0xbb, 0xbf]));
      expect(await (await t.app.request('/api/staff/requery/template.csv?kind=batch', { headers: { cookie: await cookieOf('demo') } })).text()).toBe(
        `${CSV_HEADER},限度額適用認定証区分,限度額適用区分\r\n`,
      );
    });
  });
});

describe('batch query before visits (Q6–Q9)', () => {
  const row = (costLimit: { category: string; applicationCategory: string } | null) => ({ ...P01, costLimit });

  it('Q6: status and cost-limit flags only, never specific disease; 5001 refused; once a day (409); the next JST day again', async () => {
    setJst('2027-05-01T08:00:00');
    await register('card-01');
    await register('card-02', { choices: { ...agreeToNone(), surgery: true } });
    const p02 = { insurerNumber: '06131122', symbol: '205', number: '11873', branch: '00', dateOfBirth: '1969-11-02' };

    // 5001 is refused whole and does not count as today's run.
    expectError(await batch(Array.from({ length: 5001 }, () => row(null))), 422, 'rows_out_of_range');
    expectError(await batch([]), 422, 'rows_out_of_range');

    const persons = [
      row({ category: '限度額適用認定証', applicationCategory: 'ウ' }),
      row({ category: '限度額適用認定証', applicationCategory: 'エ' }),
      row(null),
      { ...p02, costLimit: { category: '限度額適用認定証', applicationCategory: 'ウ' } },
      { insurerNumber: 'x', number: '', dateOfBirth: '' },
    ];
    const fill = Array.from({ length: 5000 - persons.length }, () => row({ category: '限度額適用認定証', applicationCategory: 'ウ' }));
    const body = JSON.stringify({ rows: [...persons, ...fill] });
    expect(body.length).toBeLessThan(1024 * 1024);
    const reply = await batch([...persons, ...fill]);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.rows).toHaveLength(5000);
    const first = reply.body.rows.slice(0, 5).map((r) => r.matches[0] ?? r.outcome);
    expect(first[0]).toMatchObject({ outcome: 'ok', status: 'valid', costLimit: { changed: false } });
    expect(first[1]).toMatchObject({ outcome: 'ok', costLimit: { changed: true, categoryChanged: false, applicationCategoryChanged: true } });
    // Q8: no 区分/適用区分 sent, so no flag can be computed.
    expect(first[2]).toMatchObject({ outcome: 'ok', costLimit: null });
    // Q7/Q8: p02 consented to no cost-limit data; the flag compares what the clinic holds all the same (none registered now: changed).
    expect(first[3]).toMatchObject({ outcome: 'ok', status: 'lost', costLimit: { changed: true, categoryChanged: true, applicationCategoryChanged: true } });
    expect(first[4]).toBe('invalid');
    expect(reply.text).not.toContain(P01_DISEASE);
    expect(reply.text).not.toContain('specificDisease');
    expect(reply.text).not.toContain('限度額適用認定証');

    setJst('2027-05-01T23:59:59');
    expectError(await batch([row(null)]), 409, 'batch_query_already_run');
    expectError(await postCsv('/api/staff/requery/batch/csv', `${CSV_HEADER},限度額適用認定証区分,限度額適用区分\r\n01130012,31150617,1042,00,1986-06-14,,\r\n`), 409, 'batch_query_already_run');
    expect((await auditOf('batch_query.run')).at(-1)).toMatchObject({ outcome: 'refused', detail: 'batch_query_already_run' });
    setJst('2027-05-02T00:00:00');
    const csv = await postCsv<BatchQueryResponse>(
      '/api/staff/requery/batch/csv',
      `${CSV_HEADER},限度額適用認定証区分,限度額適用区分\r\n01130012,31150617,1042,00,1986-06-14,限度額適用認定証,ウ\r\n`,
    );
    expect(csv.status, csv.text).toBe(200);
    expect(csv.body.rows[0]!.matches[0]).toMatchObject({ outcome: 'ok', costLimit: { changed: false } });
  });

  it('Q7: booked patients are answered without a home-visit consent (revoked, house call only, or none here); per-person audit; the day\'s allowance holds', async () => {
    setJst('2027-05-03T10:00:00');
    const consentId = await register('card-12');
    await revoke(consentId);
    await register('card-13', { visitType: 'houseCall' });
    const p15 = queryOf('p15');
    const reply = await batch([{ ...P12, costLimit: null }, { ...P13, costLimit: null }, { ...p15, costLimit: null }]);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.rows.map((r) => [r.outcome, r.matches[0]?.personRef, r.matches[0]?.outcome])).toEqual([
      ['matched', 'p12', 'ok'],
      ['matched', 'p13', 'ok'],
      ['matched', 'p15', 'ok'],
    ]);
    expect(reply.body.rows[0]!.matches[0]).toMatchObject({ name: '●田　和夫', status: expect.any(String) });
    const events = (await auditOf('batch_query')).slice(-3);
    expect(events.map((e) => [e.person_ref, e.outcome])).toEqual([
      ['p12', 'ok'],
      ['p13', 'ok'],
      ['p15', 'ok'],
    ]);
    expect((await auditOf('batch_query.run')).at(-1)).toMatchObject({ outcome: 'ok', detail: 'batch:rows=3;ok=3' });
    // Still once a day per institution.
    expectError(await batch([{ ...P12, costLimit: null }]), 409, 'batch_query_already_run');
    // A person the registry does not know is still not found.
    setJst('2027-05-04T10:00:00');
    const unknown = await batch([{ ...P12, number: '99999', costLimit: null }]);
    expect(unknown.body.rows[0]).toMatchObject({ outcome: 'notFound', matches: [] });
  });

  it('Q8: a row may carry the 区分/適用区分 held (JSON and CSV); the flag is computed against it, and without it the row says it cannot be', async () => {
    setJst('2027-05-05T10:00:00');
    const header = `${CSV_HEADER},限度額適用認定証区分,限度額適用区分`;
    const csv = await postCsv<BatchQueryResponse>(
      '/api/staff/requery/batch/csv',
      [header, '01130012,31150617,1042,00,1986-06-14,限度額適用認定証,ウ', '01130012,31150617,1042,00,1986-06-14,限度額適用認定証,エ', '01130012,31150617,1042,00,1986-06-14,,', '01130012,31150617,1042,00,1986-06-14,限度額適用認定証,', ''].join('\r\n'),
    );
    expect(csv.status, csv.text).toBe(200);
    const [same, other, none, half] = csv.body.rows;
    expect(same!.matches[0]!.costLimit).toEqual({ changed: false, categoryChanged: false, applicationCategoryChanged: false });
    expect(other!.matches[0]!.costLimit).toEqual({ changed: true, categoryChanged: false, applicationCategoryChanged: true });
    expect(none!.matches[0]).toMatchObject({ outcome: 'ok', status: 'valid', costLimit: null });
    expect(half).toMatchObject({ outcome: 'invalid', invalidFields: ['costLimitApplicationCategory'] });
    setJst('2027-05-06T10:00:00');
    const json = await batch([{ ...P01 }, { ...P01, costLimit: null }, { ...P01, costLimit: { category: '限度額適用認定証', applicationCategory: 'ウ' } }]);
    expect(json.body.rows.map((r) => r.matches[0]!.costLimit)).toEqual([null, null, { changed: false, categoryChanged: false, applicationCategoryChanged: false }]);
  });

  it('Q9: the last 3 batch results, none 14 days old, can be opened again (this institution only); twins without a branch cannot be confirmed', async () => {
    const results = () => call<BatchResultsResponse>('/api/staff/requery/batch/results');
    setJst('2027-05-07T09:00:00');
    const twinsRow = await batch([{ ...TWINS, costLimit: null }, { ...P01, costLimit: null }]);
    expect(twinsRow.status, twinsRow.text).toBe(200);
    // Q9: two persons match a row without a branch: nobody is answered, not even their names.
    expect(twinsRow.body.rows[0]).toEqual({ row: 1, outcome: 'notConfirmable', matches: [] });
    expect(twinsRow.text).not.toContain('高橋');
    expect(twinsRow.body.rows[1]!.outcome).toBe('matched');
    // Today's result comes back after leaving the page, as it was answered.
    let reply = await results();
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.results[0]).toEqual(twinsRow.body);
    expect((await auditOf('batch_query.results_viewed')).at(-1)).toMatchObject({ outcome: 'ok', detail: 'results=3' });
    expect(reply.body.results.map((r) => r.ranAt.slice(0, 10))).toEqual(['2027-05-07', '2027-05-06', '2027-05-05']);
    // Another institution sees none of them.
    const elsewhere = await call<BatchResultsResponse>('/api/staff/requery/batch/results', {}, 'other');
    expect(elsewhere.status, elsewhere.text).toBe(200);
    expect(elsewhere.body.results).toEqual([]);
    // 2027-05-07 is 14 days old from 2027-05-21 00:00 JST.
    setJst('2027-05-20T23:59:59');
    expect((await results()).body.results.map((r) => r.ranAt.slice(0, 10))).toEqual(['2027-05-07']);
    setJst('2027-05-21T00:00:00');
    expect((await results()).body.results).toEqual([]);
    // The next run clears the answers that may no longer be shown.
    expect((await batch([{ ...P01, costLimit: null }])).status).toBe(200);
    const kept = await t.db.selectFrom('batch_query_run').select(['jst_date', 'result_json']).where('institution_id', '=', t.demo.institution.id).execute();
    expect(kept.filter((r) => r.result_json !== null).map((r) => r.jst_date)).toEqual(['2027-05-21']);
  });
});

describe('audit (X5)', () => {
  it('every staff action above is in one unbroken chain, with the staff member as actor', async () => {
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    const staffEvents = await t.db.selectFrom('audit_event').selectAll().where('actor_type', '=', 'staff').execute();
    const actions = new Set(staffEvents.map((e) => e.action));
    for (const action of ['person.searched', 'eligibility.viewed', 'consent.revoked', 'consent.reconfirmed', 'consent.lists_viewed', 'requery', 'requery.request', 'requery.history_viewed', 'batch_query', 'batch_query.run', 'batch_query.results_viewed']) {
      expect(actions, action).toContain(action);
    }
    // Login events (staff.login.*) come from the login form, which sends no device id.
    const workEvents = staffEvents.filter((e) => !e.action.startsWith('staff.login.'));
    expect(workEvents.length).toBeGreaterThan(0);
    expect(workEvents.every((e) => e.actor_id !== null && e.device_id === STAFF_DEVICE)).toBe(true);
  });

  it('no staff response carried a My Number or a submitted unknown field', () => {
    expect(staffBodies.length).toBeGreaterThan(50);
    for (const text of staffBodies) {
      expect(text).not.toContain('123456789012');
      expect(text).not.toContain('myNumber');
    }
  });
});
