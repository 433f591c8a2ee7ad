import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Bundle, CapabilityStatement, Consent, Coverage, OperationOutcome, Patient, Resource } from '@medplum/fhirtypes';
import { agreeToAll, agreeToNone } from '../../src/domain/consent/consent.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import type { StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import type { CreatedApiClientResponse } from '../../src/domain/api-client/api-client-api.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { demoPersons } from '../../src/server/national/embedded/demo-persons.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { createTestApp, jsonRequest, loginAs, loginWithTotp, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';
import { requiredBindingErrors, validateR4 } from './support/fhir-validate.ts';

/**
 * Issue 19 #1–#2: the FHIR R4 resources and the read API, over real flows — consents registered
 * through the card-app simulator, a staff re-query (an eligibility result), a staff revocation, the
 * clinic's 照会番号 set on the person page, and the audit trail they wrote. Every resource the API
 * emits (Bundles, their entries, reads, the CapabilityStatement, OperationOutcomes) is validated
 * against the R4 definitions (support/fhir-validate.ts), and the JP Core identifier systems are
 * asserted. Abuse: another institution's client and ids, a client without the scope, a revoked
 * client, no credential, malformed searches.
 */

const DEVICE = '3c1e9f4a-6b2d-4c8e-9a1f-2d3e4f5a6b7c';
const MIC = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const INSURER = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber';
const MEMBER_ID = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
const FHIR_JSON = /^application\/fhir\+json/;

let t: TestApp;
let admin: string;
/** Secrets of API clients: every scope; consent.read only; one revoked later; another institution's. */
const secrets = { all: '', consentOnly: '', revoked: '', foreign: '' };
const consentIds: Record<string, string> = {};
/** Every resource the API answered with, validated again at the end (nothing skipped). */
const emitted: Resource[] = [];

function sign(cardId: string, challenge: StartRegistrationResponse['challenge']) {
  return signChallenge(t.db, t.cardSim, { cardId, pin: DEMO_PIN, ...challenge, now: t.clock.now() });
}

async function register(cardId: string, body: Record<string, unknown>): Promise<string> {
  const started = await t.app.request(
    '/api/public/registrations',
    jsonRequest('POST', { linkToken: t.demo.institution.link_token, arrival: 'link', prescriptionForm: 'paper', handoffPath: 'crossDevice', ...body }, { 'x-device-id': DEVICE }),
  );
  expect(started.status, await started.clone().text()).toBe(201);
  const reg = (await started.json()) as StartRegistrationResponse;
  const handoff = await t.app.request('/api/handoff', jsonRequest('POST', await sign(cardId, reg.challenge)));
  expect(handoff.status, await handoff.clone().text()).toBe(200);
  const row = await t.db.selectFrom('registration').select('consent_id').where('id', '=', reg.registrationId).executeTakeFirstOrThrow();
  return row.consent_id!;
}

async function staff(path: string, init: RequestInit = {}, cookie = admin): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('cookie', cookie);
  headers.set('x-device-id', DEVICE);
  headers.set('origin', 'https://zaitaku.example');
  headers.set('sec-fetch-site', 'same-origin');
  return t.app.request(path, { ...init, headers });
}

async function createClient(scopes: string[], cookie = admin): Promise<CreatedApiClientResponse> {
  const res = await staff('/api/staff/api-clients', jsonRequest('POST', { name: `EHR ${scopes.join(' ')}`, scopes }), cookie);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as CreatedApiClientResponse;
}

interface FhirReply<T> {
  status: number;
  contentType: string;
  body: T;
  headers: Headers;
}

async function fhir<T = Resource>(path: string, secret: string | null = secrets.all, init: RequestInit = {}): Promise<FhirReply<T>> {
  const headers = new Headers(init.headers);
  if (secret !== null) headers.set('authorization', `Bearer ${secret}`);
  headers.set('accept', 'application/fhir+json');
  const res = await t.app.request(path, { ...init, headers });
  const text = await res.text();
  const body = JSON.parse(text) as T;
  emitted.push(body as Resource);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, headers: res.headers };
}

/** A 2xx FHIR answer, validated. */
async function ok<T extends Resource>(path: string, secret: string | null = secrets.all): Promise<T> {
  const reply = await fhir<T>(path, secret);
  expect(reply.status, JSON.stringify(reply.body).slice(0, 500)).toBe(200);
  expect(reply.contentType).toMatch(FHIR_JSON);
  expect(reply.headers.get('cache-control')).toBe('no-store');
  validateR4(reply.body);
  return reply.body;
}

/** A refusal: its status, as a valid OperationOutcome with the FHIR content type. */
async function refused(path: string, status: number, issueCode: string, secret: string | null = secrets.all, init: RequestInit = {}): Promise<OperationOutcome> {
  const reply = await fhir<OperationOutcome>(path, secret, init);
  expect(reply.status, JSON.stringify(reply.body).slice(0, 300)).toBe(status);
  expect(reply.contentType).toMatch(FHIR_JSON);
  expect(reply.body.resourceType).toBe('OperationOutcome');
  expect(reply.body.issue[0]?.code).toBe(issueCode);
  validateR4(reply.body);
  return reply.body;
}

const entries = <T extends Resource>(bundle: Bundle): T[] => (bundle.entry ?? []).map((e) => e.resource as T);

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t, 'admin');
  secrets.all = (await createClient(['consent.read', 'coverage.read', 'patient.read', 'audit.read'])).secret;
  secrets.consentOnly = (await createClient(['consent.read'])).secret;
  const doomed = await createClient(['consent.read', 'coverage.read']);
  secrets.revoked = doomed.secret;

  // Another clinic, its administrator, and its own API client with every scope.
  const otherId = randomUUID();
  await t.db.insertInto('institution').values({ ...t.demo.institution, id: otherId, code: '1310000009', name: '別の診療所', link_token: 'fhir-other-link' }).execute();
  await t.db
    .insertInto('staff_account')
    .values({ id: randomUUID(), institution_id: otherId, login_id: 'fhir-other-admin', display_name: '別の管理者', role: 'admin', password_hash: await hashPassword('other-password-1'), totp_secret: TEST_TOTP_SECRET, created_at: t.clock.now().toISOString() })
    .execute();
  const otherAdmin = await loginWithTotp(t, 'fhir-other-admin', 'other-password-1', TEST_TOTP_SECRET);
  secrets.foreign = (await createClient(['consent.read', 'coverage.read', 'patient.read', 'audit.read'], otherAdmin)).secret;

  // Real flows: a home visit with everything consented (社保, p01); a house call consenting to
  // nothing but the medication choice (p02, qualification lost); an online consultation (国保 with
  // a kanji 記号, p13); a medical-aid person (p05) and a late-elderly person with a copay ratio (p06).
  consentIds.p01 = await register('card-01', { visitType: 'homeVisit', choices: agreeToAll() });
  consentIds.p02 = await register('card-02', { visitType: 'houseCall', choices: { ...agreeToNone(), medication: true } });
  consentIds.p13 = await register('card-13', { visitType: 'online', choices: agreeToAll(), consultationDate: '2026-11-24' });
  consentIds.p05 = await register('card-05', { visitType: 'homeVisit', choices: agreeToAll() });
  consentIds.p06 = await register('card-06', { visitType: 'homeVisit', choices: agreeToAll() });

  // The clinic's 照会番号 for p01 (R9), a staff re-query of p01 (an eligibility result of its own),
  // and p02's house call revoked at the clinic once retrieved (X2).
  t.clock.advance(60_000);
  expect((await staff('/api/staff/persons/p01/reference-number', jsonRequest('PUT', { referenceNumber: 'K-1024' }))).status).toBe(200);
  const p01 = demoPersons(t.clock.now()).find((p) => p.personId === 'p01')!;
  const q = p01.qualifications[0]!;
  const requery = await staff('/api/staff/requery', jsonRequest('POST', { client: 'screen', rows: [{ insurerNumber: q.insurerNumber, symbol: q.symbol, number: q.number, branch: q.branch, dateOfBirth: p01.dateOfBirth }] }));
  expect(requery.status, await requery.clone().text()).toBe(200);
  t.clock.advance(60_000);
  const revoked = await staff(`/api/staff/consents/${consentIds.p02}/revoke`, jsonRequest('POST', { reason: 'houseCallCompleted' }));
  expect(revoked.status, await revoked.clone().text()).toBe(200);
  t.clock.advance(60_000);
  const gone = await staff(`/api/staff/api-clients/${doomed.client.id}/revoke`, jsonRequest('POST', {}));
  expect(gone.status, await gone.clone().text()).toBe(200);
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('CapabilityStatement (GET /fhir/r4/metadata)', () => {
  it('answers without a credential, R4 4.0.1, JSON, exactly the four types with read and search-type and their parameters', async () => {
    const cs = await ok<CapabilityStatement>('/fhir/r4/metadata', null);
    expect(cs.fhirVersion).toBe('4.0.1');
    expect(cs.format).toEqual(['json']);
    const resources = cs.rest?.[0]?.resource ?? [];
    expect(resources.map((r) => r.type).sort()).toEqual(['AuditEvent', 'Consent', 'Coverage', 'Patient']);
    const params = Object.fromEntries(resources.map((r) => [r.type, (r.searchParam ?? []).map((p) => p.name).sort()]));
    expect(params).toEqual({
      Consent: ['_lastUpdated', 'identifier', 'patient'],
      Coverage: ['_lastUpdated', 'beneficiary', 'identifier', 'patient'],
      Patient: ['_lastUpdated', 'identifier'],
      AuditEvent: ['_lastUpdated', 'patient'],
    });
    for (const r of resources) expect(r.interaction?.map((i) => i.code)).toEqual(['read', 'search-type']);
  });
});

describe('Consent', () => {
  it('maps every registered consent: JP Core institution code, visit type, scopes as provisions, validity period, status', async () => {
    const bundle = await ok<Bundle>('/fhir/r4/Consent');
    expect(bundle.type).toBe('searchset');
    expect(bundle.total).toBe(5);
    const consents = entries<Consent>(bundle);
    for (const e of bundle.entry ?? []) expect(e.fullUrl).toBe(`https://zaitaku.example/fhir/r4/Consent/${e.resource!.id!}`);
    const byId = new Map(consents.map((c) => [c.id, c]));
    const home = byId.get(consentIds.p01!)!;
    expect(home.status).toBe('active');
    expect(home.patient?.reference).toBe('Patient/p01');
    expect(home.organization?.[0]?.identifier).toEqual({ system: MIC, value: t.demo.institution.code });
    expect(home.category.flatMap((c) => c.coding ?? []).map((c) => c.code)).toContain('homeVisit');
    expect(home.provision?.period?.end).toBeUndefined();
    expect(home.provision?.provision?.every((p) => p.type === 'permit')).toBe(true);
    expect(home.identifier?.[0]).toEqual({ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${consentIds.p01!}` });

    // The house call: only the medication choice; revoked at the clinic, with when and why.
    const houseCall = byId.get(consentIds.p02!)!;
    expect(houseCall.status).toBe('inactive');
    const provisions = Object.fromEntries((houseCall.provision?.provision ?? []).map((p) => [p.code?.[0]?.coding?.[0]?.code, p.type]));
    expect(provisions).toMatchObject({ medication: 'permit', surgery: 'deny', checkup: 'deny', costLimit: 'deny', specificDisease: 'deny' });
    const row = await t.db.selectFrom('consent').selectAll().where('id', '=', consentIds.p02!).executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
    expect(houseCall.provision?.period).toEqual({ start: row.registered_at, end: row.revoked_at });
    const revocation = houseCall.extension?.[0]?.extension ?? [];
    expect(revocation).toEqual([
      { url: 'revokedAt', valueDateTime: row.revoked_at },
      { url: 'reason', valueCode: 'houseCallCompleted' },
    ]);
    // The online consultation's window ends with its consultation date (Japan time).
    expect(byId.get(consentIds.p13!)!.provision?.period?.end).toBe('2026-11-24T15:00:00.000Z');
  });

  it('an expired window reads inactive (V2: a house call after 24 hours)', async () => {
    const fresh = await register('card-14', { visitType: 'houseCall', choices: agreeToAll() });
    expect((await ok<Consent>(`/fhir/r4/Consent/${fresh}`)).status).toBe('active');
    t.clock.advance(24 * 60 * 60 * 1000 + 1);
    const later = await ok<Consent>(`/fhir/r4/Consent/${fresh}`);
    expect(later.status).toBe('inactive');
    expect(later.extension).toBeUndefined();
    consentIds.p14 = fresh;
  });

  it('reads by id, searches by identifier and patient, pages with _count and a next link', async () => {
    expect((await ok<Consent>(`/fhir/r4/Consent/${consentIds.p13!}`)).id).toBe(consentIds.p13);
    const byIdentifier = await ok<Bundle>(`/fhir/r4/Consent?identifier=${encodeURIComponent(`urn:ietf:rfc:3986|urn:uuid:${consentIds.p01!}`)}`);
    expect(entries(byIdentifier).map((c) => c.id)).toEqual([consentIds.p01]);
    expect((await ok<Bundle>(`/fhir/r4/Consent?identifier=${encodeURIComponent(`urn:uuid:${consentIds.p01!}`)}`)).total).toBe(1);
    expect((await ok<Bundle>(`/fhir/r4/Consent?identifier=${encodeURIComponent(`http://other.example|urn:uuid:${consentIds.p01!}`)}`)).total).toBe(0);
    const ofP13 = await ok<Bundle>('/fhir/r4/Consent?patient=Patient/p13');
    expect(entries(ofP13).map((c) => c.id)).toEqual([consentIds.p13]);

    const seen: string[] = [];
    let next: string | undefined = '/fhir/r4/Consent?_count=2';
    let pages = 0;
    while (next) {
      const page: Bundle = await ok<Bundle>(next.replace('https://zaitaku.example', ''));
      expect(page.total).toBe(6);
      expect((page.entry ?? []).length).toBeLessThanOrEqual(2);
      seen.push(...entries(page).map((c) => c.id!));
      next = page.link?.find((l) => l.relation === 'next')?.url;
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(6);
    // _count=0: the total only.
    const countOnly = await ok<Bundle>('/fhir/r4/Consent?_count=0');
    expect(countOnly.total).toBe(6);
    expect(countOnly.entry ?? []).toEqual([]);
  });

  it('_lastUpdated with ge/gt/le/lt (and a plain Japan calendar day) bounds the list', async () => {
    const revokedRow = await t.db.selectFrom('consent').select('updated_at').where('id', '=', consentIds.p02!).executeTakeFirstOrThrow();
    const at = revokedRow.updated_at;
    const ids = async (q: string) => entries(await ok<Bundle>(`/fhir/r4/Consent?${q}`)).map((c) => c.id);
    expect(await ids(`_lastUpdated=ge${encodeURIComponent(at)}`)).toContain(consentIds.p02);
    expect(await ids(`_lastUpdated=gt${encodeURIComponent(at)}`)).not.toContain(consentIds.p02);
    expect(await ids(`_lastUpdated=le${encodeURIComponent(at)}`)).toContain(consentIds.p02);
    expect(await ids(`_lastUpdated=lt${encodeURIComponent(at)}`)).not.toContain(consentIds.p02);
    expect(await ids(`_lastUpdated=${encodeURIComponent(at)}`)).toEqual([consentIds.p02]);
    // Two bounds together: only what lies between.
    const registeredRows = await t.db.selectFrom('consent').select(['id', 'updated_at']).orderBy('updated_at').execute();
    const first = registeredRows[0]!;
    const sameInstant = registeredRows.filter((r) => r.updated_at === first.updated_at).map((r) => r.id);
    expect(sameInstant.length).toBeLessThan(registeredRows.length);
    expect((await ids(`_lastUpdated=ge${encodeURIComponent(first.updated_at)}&_lastUpdated=le${encodeURIComponent(first.updated_at)}`)).sort()).toEqual(sameInstant.sort());
    // The test clock starts 2026-11-22 10:00 in Japan: that Japan day holds the first registrations, the next holds none of the first five.
    expect((await ids('_lastUpdated=2026-11-22')).length).toBeGreaterThanOrEqual(5);
    expect(await ids('_lastUpdated=lt2026-11-22')).toEqual([]);
    expect(await ids('_lastUpdated=ge2026-11-22T10:00:00%2B09:00')).toHaveLength(6);
  });
});

describe('Patient', () => {
  it('P1: only what the clinic holds (never a My Number): kanji and kana names, birth date, the card’s sex, the 照会番号 as JP Core facility id', async () => {
    const p01 = await ok<Patient>('/fhir/r4/Patient/p01');
    expect(p01.identifier).toEqual([{ use: 'usual', system: `urn:oid:1.2.392.100495.20.3.51.1${t.demo.institution.code}`, value: 'K-1024' }]);
    const person = demoPersons(t.clock.now()).find((p) => p.personId === 'p01')!;
    expect(p01.birthDate).toBe(person.dateOfBirth);
    expect(p01.gender).toBe(person.sex1);
    const ide = p01.name?.find((n) => n.extension?.[0]?.valueCode === 'IDE');
    const syl = p01.name?.find((n) => n.extension?.[0]?.valueCode === 'SYL');
    expect(ide?.text).toBe(person.name);
    // Half-width kana from the record, full-width in the resource.
    expect(syl?.text).toBe(person.nameKana.normalize('NFKC'));
    expect(JSON.stringify(p01)).not.toContain(person.address);
    // p13: the card omits the sex (性別1 blank) and the kana is blank: neither is sent.
    const p13 = await ok<Patient>('/fhir/r4/Patient/p13');
    expect(p13.gender).toBeUndefined();
    expect(p13.name?.map((n) => n.extension?.[0]?.valueCode)).toEqual(['IDE']);
    expect(p13.name?.[0]).toMatchObject({ family: '小林', given: ['美和'] });
  });

  it('searches by the facility identifier and lists every person with a consent here', async () => {
    const system = `urn:oid:1.2.392.100495.20.3.51.1${t.demo.institution.code}`;
    const found = await ok<Bundle>(`/fhir/r4/Patient?identifier=${encodeURIComponent(`${system}|K-1024`)}`);
    expect(entries(found).map((p) => p.id)).toEqual(['p01']);
    expect((await ok<Bundle>(`/fhir/r4/Patient?identifier=K-1024`)).total).toBe(1);
    expect((await ok<Bundle>(`/fhir/r4/Patient?identifier=${encodeURIComponent('urn:oid:1.2.392.100495.20.3.51.11310000009|K-1024')}`)).total).toBe(0);
    const all = await ok<Bundle>('/fhir/r4/Patient?_count=100');
    expect(entries(all).map((p) => p.id).sort()).toEqual(['p01', 'p02', 'p05', 'p06', 'p13', 'p14']);
  });
});

describe('Coverage', () => {
  it('each eligibility result with a qualification: the JP Core 被保険者個人識別子, insurer, 本人・家族, period, copay', async () => {
    const bundle = await ok<Bundle>('/fhir/r4/Coverage?_count=100');
    const coverages = entries<Coverage>(bundle);
    // Six registrations and one re-query, every one with a qualification.
    expect(bundle.total).toBe(7);
    const ofP01 = coverages.filter((c) => c.beneficiary.reference === 'Patient/p01');
    expect(ofP01).toHaveLength(2);
    const person = demoPersons(t.clock.now()).find((p) => p.personId === 'p01')!;
    const q = person.qualifications[0]!;
    for (const c of ofP01) {
      expect(c.status).toBe('active');
      expect(c.identifier).toEqual([{ system: MEMBER_ID, value: `${q.insurerNumber.padStart(8, '0')}:${q.symbol}:${q.number}:${q.branch}`, assigner: { identifier: { system: INSURER, value: q.insurerNumber.padStart(8, '0') } } }]);
      expect(c.payor[0]?.identifier).toEqual({ system: INSURER, value: q.insurerNumber.padStart(8, '0') });
      expect(c.subscriberId).toBe(`${q.symbol}:${q.number}`);
      expect(c.dependent).toBe(q.branch);
      expect(c.relationship?.coding?.map((x) => x.code)).toEqual(q.relationship === 'insured' ? ['self', '1'] : ['other', '2']);
      expect(c.extension?.map((e) => e.valueString)).toEqual([q.symbol, q.number, q.branch]);
    }
    // 国保: a 6-digit insurer number padded to 8; a 記号 with a kanji is written wholly in full-width.
    const p13 = coverages.find((c) => c.beneficiary.reference === 'Patient/p13')!;
    expect(p13.identifier?.[0]?.value).toBe('00131201:練３:215536:01');
    expect(p13.payor[0]?.identifier?.value).toBe('00131201');
    // p02's qualification was lost: cancelled, ending the day before the loss.
    const p02 = coverages.find((c) => c.beneficiary.reference === 'Patient/p02')!;
    expect(p02.status).toBe('cancelled');
    expect(p02.period?.end).toBeDefined();
    // 後期高齢者: the record's copay ratio.
    const p06 = coverages.find((c) => c.beneficiary.reference === 'Patient/p06')!;
    expect(p06.costToBeneficiary?.[0]?.valueQuantity).toMatchObject({ unit: '%', system: 'http://unitsofmeasure.org', code: '%' });
    expect([10, 20, 30]).toContain(p06.costToBeneficiary?.[0]?.valueQuantity?.value);
    // 医療扶助: no insurer, no insured-person numbers.
    const p05 = coverages.find((c) => c.beneficiary.reference === 'Patient/p05')!;
    expect(p05.identifier).toBeUndefined();
    expect(p05.payor[0]?.identifier).toBeUndefined();
  });

  it('searches by the 被保険者個人識別子 (half- or full-width), by patient, and reads by id', async () => {
    const q = demoPersons(t.clock.now()).find((p) => p.personId === 'p13')!.qualifications[0]!;
    expect(q.insurerNumber).toBe('131201');
    const exact = await ok<Bundle>(`/fhir/r4/Coverage?identifier=${encodeURIComponent(`${MEMBER_ID}|00131201:練３:215536:01`)}`);
    expect(entries<Coverage>(exact).map((c) => c.beneficiary.reference)).toEqual(['Patient/p13']);
    expect((await ok<Bundle>(`/fhir/r4/Coverage?identifier=${encodeURIComponent('00131201:練3:215536:01')}`)).total).toBe(1);
    expect((await ok<Bundle>(`/fhir/r4/Coverage?identifier=${encodeURIComponent('00131201:練3:215536:02')}`)).total).toBe(0);
    const ofP01 = await ok<Bundle>('/fhir/r4/Coverage?patient=Patient/p01');
    expect(ofP01.total).toBe(2);
    expect((await ok<Bundle>('/fhir/r4/Coverage?beneficiary=p01&_count=1')).link?.find((l) => l.relation === 'next')).toBeDefined();
    const one = entries<Coverage>(ofP01)[0]!;
    expect((await ok<Coverage>(`/fhir/r4/Coverage/${one.id!}`)).id).toBe(one.id);
  });
});

describe('AuditEvent', () => {
  it('X5: the trail of the flows above: registrations, the revocation and the API clients’ own calls', async () => {
    const ofP02 = entries<AuditEvent>(await ok<Bundle>('/fhir/r4/AuditEvent?patient=Patient/p02&_count=100'));
    const actions = ofP02.map((e) => e.subtype?.[0]?.code);
    expect(actions).toContain('consent.registered');
    expect(actions).toContain('consent.revoked');
    const revocation = ofP02.find((e) => e.subtype?.[0]?.code === 'consent.revoked')!;
    expect(revocation.entity?.map((e) => e.what?.reference)).toEqual(['Patient/p02', `Consent/${consentIds.p02!}`]);
    expect(revocation.agent[0]?.who?.identifier?.system).toMatch(/staff-account$/);
    expect(revocation.source.observer.identifier).toEqual({ system: MIC, value: t.demo.institution.code });
    // The API client's calls are audited (by the API-client middleware) and readable here too.
    const all = entries<AuditEvent>(await ok<Bundle>('/fhir/r4/AuditEvent?_count=100'));
    expect(all.some((e) => e.subtype?.[0]?.code === 'apiClient.request')).toBe(true);
    const read = await ok<AuditEvent>(`/fhir/r4/AuditEvent/${revocation.id!}`);
    expect(read).toEqual(revocation);
  });
});

describe('abuse', () => {
  it("another institution's client sees none of this institution's resources: its ids are 404, its searches empty", async () => {
    for (const path of [`/fhir/r4/Consent/${consentIds.p01!}`, '/fhir/r4/Patient/p01', '/fhir/r4/AuditEvent/1']) {
      const outcome = await refused(path, 404, 'not-found', secrets.foreign);
      expect(JSON.stringify(outcome)).not.toContain(consentIds.p01);
    }
    const coverage = entries<Coverage>(await ok<Bundle>('/fhir/r4/Coverage?_count=1'))[0]!;
    await refused(`/fhir/r4/Coverage/${coverage.id!}`, 404, 'not-found', secrets.foreign);
    for (const type of ['Consent', 'Coverage', 'Patient']) {
      expect((await ok<Bundle>(`/fhir/r4/${type}`, secrets.foreign)).total).toBe(0);
    }
    // Its own trail holds only its own institution's events (its administrator, its client), never ours.
    const trail = entries<AuditEvent>(await ok<Bundle>('/fhir/r4/AuditEvent?_count=100', secrets.foreign));
    expect(trail.length).toBeGreaterThan(0);
    expect(trail.every((e) => e.source.observer.identifier?.value === '1310000009')).toBe(true);
    expect(trail.some((e) => e.subtype?.[0]?.code?.startsWith('consent.'))).toBe(false);
    expect(JSON.stringify(trail)).not.toContain('Patient/p0');
    expect((await ok<Bundle>('/fhir/r4/AuditEvent?patient=Patient/p01', secrets.foreign)).total).toBe(0);
    // The same ids with this institution's client: found (the check can fail).
    expect((await ok<Consent>(`/fhir/r4/Consent/${consentIds.p01!}`)).id).toBe(consentIds.p01);
  });

  it('a client without the scope gets 403; a revoked client, no credential or a forged one gets 401', async () => {
    expect((await ok<Bundle>('/fhir/r4/Consent', secrets.consentOnly)).total).toBeGreaterThan(0);
    for (const path of ['/fhir/r4/Coverage', '/fhir/r4/Patient/p01', '/fhir/r4/AuditEvent']) await refused(path, 403, 'forbidden', secrets.consentOnly);
    await refused('/fhir/r4/Consent', 401, 'login', secrets.revoked);
    await refused(`/fhir/r4/Consent/${consentIds.p01!}`, 401, 'login', secrets.revoked);
    const none = await fhir<OperationOutcome>('/fhir/r4/Consent', null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    await refused('/fhir/r4/Consent', 401, 'login', `${secrets.all.slice(0, -4)}AAAA`);
    // A staff session is no API credential.
    const res = await t.app.request('/fhir/r4/Consent', { headers: { cookie: admin } });
    expect(res.status).toBe(401);
  });

  it('malformed searches are 400 OperationOutcomes that do not repeat the value; writes are 405; unknown types 404', async () => {
    const marker = 'Zq9MarkerXv';
    for (const query of [
      `_lastUpdated=${marker}`,
      '_lastUpdated=ge2026-13-01',
      '_lastUpdated=2026-02-30',
      '_lastUpdated=ge2026-11-22T10:00:00',
      '_lastUpdated=ne2026-11-22',
      '_lastUpdated=ge99999',
      `_count=${marker}`,
      '_count=-1',
      '_offset=1.5',
      `identifier=`,
      `identifier=a|b|${marker}`,
      `identifier=a,${marker}`,
      `patient=Patient/${marker}%20x`,
      `patient=${marker}%00`,
      `${marker}=1`,
      '_sort=_lastUpdated',
      '_format=xml',
      `identifier=%ED%A0%80${marker}`,
      'patient=p01&patient=p02',
    ]) {
      const outcome = await refused(`/fhir/r4/Consent?${query}`, 400, 'invalid');
      expect(JSON.stringify(outcome), query).not.toContain(marker);
    }
    await refused('/fhir/r4/AuditEvent?identifier=x', 400, 'invalid');
    await refused(`/fhir/r4/Consent/${consentIds.p01!}?_lastUpdated=ge2026`, 400, 'invalid');
    await refused('/fhir/r4/Consent', 405, 'not-supported', secrets.all, { method: 'POST', body: '{}', headers: { 'content-type': 'application/fhir+json' } });
    await refused(`/fhir/r4/Consent/${consentIds.p01!}`, 405, 'not-supported', secrets.all, { method: 'DELETE' });
    await refused('/fhir/r4/Observation', 404, 'not-found');
    await refused(`/fhir/r4/Consent/${marker}%00`, 404, 'not-found');
    await refused(`/fhir/r4/Consent/${'a'.repeat(65)}`, 404, 'not-found');
    await refused('/fhir/r4/Patient/x-zz', 404, 'not-found');
    await refused('/fhir/r4/AuditEvent/0', 404, 'not-found');
  });
});

describe('simultaneous requests', () => {
  it('twenty searches and reads at once, from this and another institution, each get their own institution\'s answer', async () => {
    const own = await ok<Bundle>('/fhir/r4/Consent?_count=100');
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? fhir<Bundle>('/fhir/r4/Consent?_count=100') : fhir<Bundle>('/fhir/r4/Consent?_count=100', secrets.foreign))),
    );
    for (const [i, reply] of replies.entries()) {
      expect(reply.status).toBe(200);
      validateR4(reply.body);
      expect(reply.body.total).toBe(i % 2 === 0 ? own.total : 0);
    }
    const reads = await Promise.all(Object.values(consentIds).map((id) => fhir<Consent>(`/fhir/r4/Consent/${id}`)));
    expect(reads.map((r) => r.body.id)).toEqual(Object.values(consentIds));
  });
});

describe('every emitted resource', () => {
  it('passes the R4 validator, and the required-binding check fails on a wrong code (the check can fail)', () => {
    expect(emitted.length).toBeGreaterThan(50);
    for (const resource of emitted) validateR4(resource);
    const consent = emitted.find((r): r is Consent => r.resourceType === 'Consent')!;
    expect(requiredBindingErrors({ ...consent, status: 'revoked' as Consent['status'] })).not.toEqual([]);
    expect(() => validateR4({ ...consent, policyRule: undefined })).toThrow(/ppc-1/);
    expect(() => validateR4({ ...consent, dateTime: '2026-11-22 10:00' })).toThrow();
  });
});
