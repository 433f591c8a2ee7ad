import crypto, { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import { agreeToAll, agreeToNone, type ConsentChoices } from '../../src/domain/consent/consent.ts';
import { nextSteps, type EligibilityStatus } from '../../src/domain/registration/eligibility.ts';
import {
  CHALLENGE_TTL_MS,
  HANDOFF_REJECTIONS,
  MAX_FAILED_ANSWERS_PER_CHALLENGE,
  handoffSigningInput,
  type HandoffChallenge,
  type HandoffRejection,
  type HandoffResponse,
} from '../../src/domain/registration/handoff.ts';
import type {
  HandoffAcceptedResponse,
  InstitutionPublicDto,
  NewChallengeResponse,
  RegistrationOutcomeDto,
  StartRegistrationResponse,
} from '../../src/domain/registration/reception-api.ts';
import type { AuditEventRow } from '../../src/server/audit/audit.table.ts';
import { verifyAuditChain } from '../../src/server/audit/audit.service.ts';
import { HandoffRejectedError } from '../../src/server/handoff/handoff-errors.ts';
import type { InstitutionTable } from '../../src/server/institution/institution.table.ts';
import { createCardTrust } from '../../src/server/national/card-trust.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { demoPersons } from '../../src/server/national/embedded/demo-persons.ts';
import { createCa, issueCertificate } from '../../src/server/national/embedded/test-ca.ts';
import { createTestApp, jsonRequest, loginAsDemo, type TestApp } from './support/test-app.ts';

/**
 * The patient reception through its HTTP API (R1–R7, S1–S5, V1–V3, E2, P1, P2, X5): institution
 * link, registration, the card handoff signed for real by the embedded card simulator, and the
 * outcome the starting device may read.
 */

const PUBLIC_URL = 'https://zaitaku.example';
const RETURN_URL = 'https://telemed.example/return';
/** 10:00 JST on 2026-11-22. */
const BASE_TIME = '2026-11-22T01:00:00.000Z';
const DAY_MS = 24 * 60 * 60 * 1000;
// Device ids chosen so that they cannot contain the demo PIN.
const DEVICE = '5f0c2a9e-7b3d-4e8a-9c6f-0d2f4b6a8e10';
const OTHER_DEVICE = 'a7e9c0d2-5b6f-4a8e-bd0c-9f7e6d5c4b3a';
const ALL_SCOPES = ['surgery', 'clinical', 'medication', 'dispensing', 'checkup', 'costLimit', 'specificDisease'];

let t: TestApp;
let linkToken: string;
let seededInstitution: InstitutionTable;

beforeAll(async () => {
  t = await createTestApp();
  linkToken = t.demo.institution.link_token;
  seededInstitution = { ...t.demo.institution };
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => setClock(BASE_TIME));
afterEach(async () => {
  // Tests that change the institution's settings put them back.
  const { id, ...settings } = seededInstitution;
  await t.db.updateTable('institution').set(settings).where('id', '=', id).execute();
});

function setClock(iso: string): void {
  t.clock.advance(Date.parse(iso) - t.clock.now().getTime());
}

async function setInstitution(changes: Partial<Omit<InstitutionTable, 'id'>>): Promise<void> {
  await t.db.updateTable('institution').set(changes).where('id', '=', seededInstitution.id).execute();
}

interface Reply<T> {
  status: number;
  text: string;
  body: T;
}

/** Every response body this file received, for the P1/P2 scans. */
const seenBodies: string[] = [];

async function call<T = unknown>(path: string, init?: RequestInit): Promise<Reply<T>> {
  const res = await t.app.request(path, init);
  const text = await res.text();
  seenBodies.push(text);
  return { status: res.status, text, body: (text ? JSON.parse(text) : null) as T };
}

function expectError(reply: Reply<unknown>, status: number, code: string): ApiErrorBody['error'] {
  expect(reply.status, reply.text).toBe(status);
  const error = (reply.body as ApiErrorBody).error;
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}

type RequestOverrides = Record<string, unknown> & { choices?: ConsentChoices };

function registrationBody(overrides: RequestOverrides = {}): Record<string, unknown> {
  return {
    linkToken,
    visitType: 'homeVisit',
    arrival: 'link',
    choices: agreeToAll(),
    prescriptionForm: 'electronic',
    handoffPath: 'crossDevice',
    ...overrides,
  };
}

function postRegistration(overrides: RequestOverrides = {}, device: string | null = DEVICE) {
  const headers: Record<string, string> = device === null ? {} : { 'x-device-id': device };
  return call<StartRegistrationResponse & ApiErrorBody>('/api/public/registrations', jsonRequest('POST', registrationBody(overrides), headers));
}

async function start(overrides: RequestOverrides = {}, device = DEVICE): Promise<StartRegistrationResponse> {
  const reply = await postRegistration(overrides, device);
  expect(reply.status, reply.text).toBe(201);
  return reply.body;
}

function auth(reg: Pick<StartRegistrationResponse, 'accessToken'>) {
  return { authorization: `Bearer ${reg.accessToken}` };
}

async function outcome(reg: StartRegistrationResponse): Promise<RegistrationOutcomeDto> {
  const reply = await call<RegistrationOutcomeDto>(`/api/public/registrations/${reg.registrationId}`, { headers: auth(reg) });
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

async function renew(reg: StartRegistrationResponse, sameDevice = false) {
  return call<NewChallengeResponse & ApiErrorBody>(
    `/api/public/registrations/${reg.registrationId}/challenge`,
    jsonRequest('POST', { sameDevice }, auth(reg)),
  );
}

/** The card app's answer: the simulated card signs the challenge after the right PIN. */
function sign(cardId: string, challenge: Pick<HandoffChallenge, 'challengeId' | 'nonce'>): Promise<HandoffResponse> {
  return signChallenge(t.db, t.cardSim, {
    cardId,
    pin: DEMO_PIN,
    challengeId: challenge.challengeId,
    nonce: challenge.nonce,
    now: t.clock.now(),
  });
}

function postHandoff(response: unknown) {
  return call<HandoffAcceptedResponse & ApiErrorBody>('/api/handoff', jsonRequest('POST', response));
}

/** Registration → card → handoff, expected to succeed. */
async function register(cardId: string, overrides: RequestOverrides = {}, device = DEVICE) {
  const reg = await start(overrides, device);
  const reply = await postHandoff(await sign(cardId, reg.challenge));
  expect(reply.status, reply.text).toBe(200);
  expect(reply.body).toEqual({ status: 'completed' });
  return { reg, result: await outcome(reg) };
}

async function registrationRow(id: string) {
  return t.db.selectFrom('registration').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function consentsOf(registrationId: string) {
  return t.db.selectFrom('consent').selectAll().where('registration_id', '=', registrationId).execute();
}

async function auditRows(): Promise<AuditEventRow[]> {
  return t.db.selectFrom('audit_event').selectAll().orderBy('seq').execute();
}

async function countRows(table: 'registration' | 'consent' | 'audit_event'): Promise<number> {
  const row = await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The same base64url text with one character changed in the middle (not in the padding bits). */
function flipChar(text: string): string {
  const i = Math.floor(text.length / 2);
  return `${text.slice(0, i)}${text[i] === 'A' ? 'B' : 'A'}${text.slice(i + 1)}`;
}

describe('institution link (R1)', () => {
  it('a known token gives the institution name and its settings; no return URL means "none"', async () => {
    const reply = await call<InstitutionPublicDto>(`/api/public/institutions/${linkToken}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      name: seededInstitution.name,
      settings: { usesClinicalInfo: true, usesElectronicPrescription: true, showsPrescriptionForm: true },
      returnUrl: 'none',
      // issue 12 #7: the public key queued declarations are sealed to.
      declarationKey: { keyId: expect.any(String), publicKey: { kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) } },
    });
    // Nothing internal leaks: no id, code, token or allow-list.
    expect(reply.text).not.toContain(seededInstitution.id);
    expect(reply.text).not.toContain('telemed.example');
  });

  it('S2/S3/S5: the settings follow the institution row', async () => {
    await setInstitution({ uses_clinical_info: 0, uses_electronic_prescription: 0, shows_prescription_form: 0 });
    const reply = await call<InstitutionPublicDto>(`/api/public/institutions/${linkToken}`);
    expect(reply.body.settings).toEqual({ usesClinicalInfo: false, usesElectronicPrescription: false, showsPrescriptionForm: false });
  });

  it('R1: a return URL is reported allowed only when it lies under an allowed prefix', async () => {
    const verdict = async (returnUrl: string) =>
      (await call<InstitutionPublicDto>(`/api/public/institutions/${linkToken}?returnUrl=${encodeURIComponent(returnUrl)}`)).body.returnUrl;
    for (const allowed of [RETURN_URL, `${RETURN_URL}/visit?id=42`, `${RETURN_URL}?session=abc`]) {
      expect(await verdict(allowed), allowed).toBe('allowed');
    }
    for (const refused of [
      'https://telemed.example.evil/return',
      'http://telemed.example/return',
      'https://telemed.example/returns',
      'https://telemed.example/',
      'https://user:pw@telemed.example/return',
      'javascript:alert(1)',
      'not a url',
      '',
    ]) {
      expect(await verdict(refused), refused).toBe('refused');
    }
  });

  it('an unknown or malformed token is 404 link_invalid', async () => {
    for (const token of [
      crypto.randomBytes(16).toString('base64url'),
      'short',
      'x'.repeat(65),
      encodeURIComponent("abc'; drop table--"),
      encodeURIComponent(`${linkToken}/..`),
    ]) {
      expectError(await call(`/api/public/institutions/${token}`), 404, 'link_invalid');
    }
  });

  it('a reissued link invalidates the old token, for the page and for registrations', async () => {
    const newToken = crypto.randomBytes(16).toString('base64url');
    await setInstitution({ link_token: newToken });
    expectError(await call(`/api/public/institutions/${linkToken}`), 404, 'link_invalid');
    expectError(await postRegistration(), 404, 'link_invalid');
    expect((await call<InstitutionPublicDto>(`/api/public/institutions/${newToken}`)).status).toBe(200);
    expect((await postRegistration({ linkToken: newToken })).status).toBe(201);
  });

  it('R1: a registration with an unknown link token is 404 link_invalid and leaves nothing behind', async () => {
    const before = await countRows('registration');
    expectError(await postRegistration({ linkToken: crypto.randomBytes(16).toString('base64url') }), 404, 'link_invalid');
    expect(await countRows('registration')).toBe(before);
  });
});

describe('starting a registration: request checks', () => {
  it('X5: the device id header is required and must be a UUID, and the audit trail names that device', async () => {
    const before = await countRows('audit_event');
    expectError(await postRegistration({}, null), 400, 'validation_failed');
    expectError(await postRegistration({}, 'my-phone'), 400, 'validation_failed');
    // A refused start leaves no trail entry without a device.
    expect(await countRows('audit_event')).toBe(before);
    // "From which device": the started registration's event carries the id the device sent.
    const device = crypto.randomUUID();
    const reg = await start({}, device.toUpperCase());
    const event = (await auditRows()).find((e) => e.action === 'registration.started' && e.subject_id === reg.registrationId);
    expect(event).toMatchObject({ device_id: device, institution_id: seededInstitution.id, at: t.clock.now().toISOString() });
  });

  it('answers 201 with an access token and a first challenge that expires after 5 minutes', async () => {
    const reg = await start();
    expect(reg.registrationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reg.accessToken.length).toBeGreaterThanOrEqual(43);
    expect(reg.challenge.expiresAt).toBe(new Date(Date.parse(BASE_TIME) + CHALLENGE_TTL_MS).toISOString());
    const result = await outcome(reg);
    expect(result).toMatchObject({ status: 'awaitingCard', failure: null, eligibility: null, validUntil: null, returnUrl: null });
    expect(result.challengeExpiresAt).toBe(reg.challenge.expiresAt);
    // Only a hash of the access token is stored.
    const row = await registrationRow(reg.registrationId);
    expect(JSON.stringify(row)).not.toContain(reg.accessToken);
  });

  it('R1: arrival "app" with a return URL not on the allow-list is 422 return_url_not_allowed', async () => {
    const before = await countRows('registration');
    for (const returnUrl of ['https://evil.example/return', 'https://telemed.example.evil/return', 'http://telemed.example/return']) {
      const reply = await postRegistration({ visitType: 'online', arrival: 'app', returnUrl, consultationDate: '2026-11-22' });
      expectError(reply, 422, 'return_url_not_allowed');
      expect(reply.text).not.toContain(returnUrl);
    }
    expect(await countRows('registration')).toBe(before);
  });

  it('R1: arrival "app" without a return URL is a field error', async () => {
    const error = expectError(await postRegistration({ visitType: 'online', arrival: 'app', consultationDate: '2026-11-22' }), 422, 'validation_failed');
    expect(Object.keys(error.fields ?? {})).toContain('returnUrl');
  });

  it('R1: arrival "link" ignores a return URL', async () => {
    const reg = await start({ visitType: 'online', arrival: 'link', returnUrl: 'https://evil.example/return', consultationDate: '2026-11-22' });
    expect((await registrationRow(reg.registrationId)).return_url).toBeNull();
  });

  it('R3: an online consultation without a date is 422 with fields.consultationDate', async () => {
    const error = expectError(await postRegistration({ visitType: 'online' }), 422, 'validation_failed');
    expect(error.fields?.consultationDate).toBeTruthy();
    const empty = expectError(await postRegistration({ visitType: 'online', consultationDate: '' }), 422, 'validation_failed');
    expect(empty.fields?.consultationDate).toBeTruthy();
  });

  it('R3: an impossible date is 422 with fields.consultationDate', async () => {
    for (const consultationDate of ['2026-02-30', '2026/11/30', '30-11-2026']) {
      const error = expectError(await postRegistration({ visitType: 'online', consultationDate }), 422, 'validation_failed');
      expect(error.fields?.consultationDate, consultationDate).toBeTruthy();
    }
  });

  it('R3: a past date is 422; today (Japan time) is accepted', async () => {
    const error = expectError(await postRegistration({ visitType: 'online', consultationDate: '2026-11-21' }), 422, 'validation_failed');
    expect(error.fields?.consultationDate).toMatch(/today or later/);
    const reg = await start({ visitType: 'online', consultationDate: '2026-11-22' });
    expect((await outcome(reg)).consultationDate).toBe('2026-11-22');
  });

  it('R3: the day boundary is midnight in Japan, not in UTC', async () => {
    // 23:59:59.999 JST on the 22nd (14:59 UTC): the 22nd is still today.
    setClock('2026-11-22T14:59:59.999Z');
    expect((await postRegistration({ visitType: 'online', consultationDate: '2026-11-22' })).status).toBe(201);
    expect((await postRegistration({ visitType: 'online', consultationDate: '2026-11-21' })).status).toBe(422);
    // 00:30 JST on the 23rd is still the 22nd in UTC, but the 22nd is past in Japan.
    setClock('2026-11-22T15:30:00.000Z');
    const past = expectError(await postRegistration({ visitType: 'online', consultationDate: '2026-11-22' }), 422, 'validation_failed');
    expect(past.fields?.consultationDate).toBeTruthy();
    expect((await postRegistration({ visitType: 'online', consultationDate: '2026-11-23' })).status).toBe(201);
  });

  it('R3: home visits and house calls have no consultation date (a sent one is not stored)', async () => {
    const reg = await start({ visitType: 'houseCall', consultationDate: '2026-12-01' });
    expect((await outcome(reg)).consultationDate).toBeNull();
  });

  it('S5/R4: the prescription form is required when the institution shows the screen', async () => {
    const error = expectError(await postRegistration({ prescriptionForm: undefined }), 422, 'validation_failed');
    expect(error.fields?.prescriptionForm).toBeTruthy();
    const bad = expectError(await postRegistration({ prescriptionForm: 'fax' }), 422, 'validation_failed');
    expect(bad.fields?.prescriptionForm).toBeTruthy();
    const reg = await start({ prescriptionForm: 'paper' });
    expect((await outcome(reg)).prescriptionForm).toBe('paper');
  });

  it('S5/R4: with the screen off, no form is asked and a sent one is stored as null', async () => {
    await setInstitution({ shows_prescription_form: 0 });
    const without = await start({ prescriptionForm: undefined });
    expect((await outcome(without)).prescriptionForm).toBeNull();
    const sent = await start({ prescriptionForm: 'electronic' });
    expect((await outcome(sent)).prescriptionForm).toBeNull();
    expect((await registrationRow(sent.registrationId)).prescription_form).toBeNull();
  });

  it('S5/R4: an institution without electronic prescriptions never asks the form', async () => {
    await setInstitution({ uses_electronic_prescription: 0 });
    const reg = await start({ prescriptionForm: 'electronic' });
    expect((await outcome(reg)).prescriptionForm).toBeNull();
  });

  it('S5/R4: online from an app asks the form only when the app supports electronic prescriptions', async () => {
    const base = { visitType: 'online', arrival: 'app', returnUrl: RETURN_URL, consultationDate: '2026-11-25' };
    const unsupported = await start({ ...base, appSupportsElectronicPrescription: false, prescriptionForm: 'electronic' });
    expect((await outcome(unsupported)).prescriptionForm).toBeNull();
    const error = expectError(
      await postRegistration({ ...base, appSupportsElectronicPrescription: true, prescriptionForm: undefined }),
      422,
      'validation_failed',
    );
    expect(error.fields?.prescriptionForm).toBeTruthy();
    const supported = await start({ ...base, appSupportsElectronicPrescription: true, prescriptionForm: 'paper' });
    expect((await outcome(supported)).prescriptionForm).toBe('paper');
    // Online by URL/QR: the institution's setting alone decides.
    const byLink = expectError(
      await postRegistration({ visitType: 'online', consultationDate: '2026-11-25', prescriptionForm: undefined }),
      422,
      'validation_failed',
    );
    expect(byLink.fields?.prescriptionForm).toBeTruthy();
  });

  it('S1–S3: the choices become bundled scopes at an institution using clinical info and e-prescriptions', async () => {
    expect((await outcome(await start({ choices: agreeToAll() }))).scopes).toEqual(ALL_SCOPES);
    expect((await outcome(await start({ choices: { ...agreeToNone(), medication: true } }))).scopes).toEqual([
      'clinical',
      'medication',
      'dispensing',
    ]);
    expect((await outcome(await start({ choices: agreeToNone() }))).scopes).toEqual([]);
    expect((await outcome(await start({ choices: { ...agreeToNone(), surgery: true, checkup: true } }))).scopes).toEqual([
      'surgery',
      'checkup',
    ]);
  });

  it('S2/S3: with uses_clinical_info = 0 the medication choice gives medication (+ dispensing with e-prescriptions)', async () => {
    await setInstitution({ uses_clinical_info: 0 });
    const medication = { ...agreeToNone(), medication: true };
    expect((await outcome(await start({ choices: medication }))).scopes).toEqual(['medication', 'dispensing']);
    expect((await outcome(await start({ choices: agreeToAll() }))).scopes).toEqual(ALL_SCOPES.filter((s) => s !== 'clinical'));
    await setInstitution({ uses_clinical_info: 0, uses_electronic_prescription: 0 });
    expect((await outcome(await start({ choices: medication }))).scopes).toEqual(['medication']);
  });

  it('S3: without e-prescriptions, dispensing is never granted', async () => {
    await setInstitution({ uses_electronic_prescription: 0 });
    expect((await outcome(await start({ choices: agreeToAll() }))).scopes).toEqual(ALL_SCOPES.filter((s) => s !== 'dispensing'));
  });

  it('the choices object must name every choice as a boolean', async () => {
    const { specificDisease: _omitted, ...partial } = agreeToAll();
    expectError(await postRegistration({ choices: partial as ConsentChoices }), 422, 'validation_failed');
    expectError(await postRegistration({ choices: { ...agreeToAll(), surgery: 'yes' } as unknown as ConsentChoices }), 422, 'validation_failed');
    expectError(await postRegistration({ visitType: 'outpatient' }), 422, 'validation_failed');
  });

  it('P1/P2: the request schema refuses extra fields such as a PIN or a My Number, without echoing them', async () => {
    const myNumber = '987654321098';
    const before = await countRows('registration');
    for (const extra of [{ pin: DEMO_PIN }, { myNumber }, { myNumber: Number(myNumber) }, { pin: DEMO_PIN, myNumber }]) {
      const reply = await postRegistration(extra);
      const error = expectError(reply, 422, 'validation_failed');
      expect(error.fields).toBeDefined();
      expect(reply.text).not.toContain(DEMO_PIN);
      expect(reply.text).not.toContain(myNumber);
    }
    expect(await countRows('registration')).toBe(before);
  });
});

describe('happy path: home visit with card-01 (R6, R7, V1, X5)', () => {
  let reg: StartRegistrationResponse;
  let result: RegistrationOutcomeDto;
  let handoffReply: Reply<HandoffAcceptedResponse>;
  let bodies: string[];
  let auditBefore: number;

  beforeAll(async () => {
    setClock(BASE_TIME);
    auditBefore = await countRows('audit_event');
    const firstBody = seenBodies.length;
    reg = await start({ choices: { ...agreeToAll(), costLimit: false, specificDisease: false } });
    expect((await outcome(reg)).status).toBe('awaitingCard');
    t.clock.advance(60_000);
    handoffReply = await postHandoff(await sign('card-01', reg.challenge));
    result = await outcome(reg);
    bodies = seenBodies.slice(firstBody);
  });

  it('R6: the handoff is accepted with 200 { status: completed }', () => {
    expect(handoffReply.status).toBe(200);
    expect(handoffReply.body).toEqual({ status: 'completed' });
  });

  it('R7/E2/V1: the outcome is completed with a valid eligibility record, nextSteps [proceed] and no end date', () => {
    expect(result).toMatchObject({
      registrationId: reg.registrationId,
      status: 'completed',
      failure: null,
      visitType: 'homeVisit',
      arrival: 'link',
      prescriptionForm: 'electronic',
      consultationDate: null,
      challengeExpiresAt: null,
      returnUrl: null,
      validUntil: null,
    });
    expect(result.scopes).toEqual(['surgery', 'clinical', 'medication', 'dispensing', 'checkup']);
    expect(result.eligibility).not.toBeNull();
    expect(result.eligibility!.record.status).toBe('valid');
    expect(result.eligibility!.record.name).toBe('山田　花子');
    expect(result.eligibility!.nextSteps).toEqual(['proceed']);
  });

  it('S4: cost-limit and specific-disease data are null when not consented', () => {
    expect(result.eligibility!.record.costLimit).toBeNull();
    expect(result.eligibility!.record.specificDisease).toBeNull();
  });

  it('a consent row exists: active, person p01, this device, this registration, no end (V1)', async () => {
    const consents = await consentsOf(reg.registrationId);
    expect(consents).toHaveLength(1);
    expect(consents[0]).toMatchObject({
      institution_id: seededInstitution.id,
      person_ref: 'p01',
      visit_type: 'homeVisit',
      scopes: 'surgery,clinical,medication,dispensing,checkup',
      prescription_form: 'electronic',
      consultation_date: null,
      status: 'active',
      valid_until: null,
      revoked_at: null,
      device_id: DEVICE,
      registration_id: reg.registrationId,
      registered_at: new Date(Date.parse(BASE_TIME) + 60_000).toISOString(),
    });
    const row = await registrationRow(reg.registrationId);
    expect(row).toMatchObject({ status: 'completed', person_ref: 'p01', consent_id: consents[0]!.id, failure_code: null });
    const checks = await t.db.selectFrom('eligibility_check').selectAll().where('consent_id', '=', consents[0]!.id).execute();
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ person_ref: 'p01', status: 'valid', kind: 'registration' });
  });

  it('the challenge is used up and a completed registration cannot get a new one (409 registration_closed)', async () => {
    const challenge = await t.db.selectFrom('handoff_challenge').selectAll().where('id', '=', reg.challenge.challengeId).executeTakeFirstOrThrow();
    expect(challenge.used_at).not.toBeNull();
    expectError(await renew(reg), 409, 'registration_closed');
  });

  it('P1/P2: no response body of the flow holds the PIN as a value or any 12-digit number', () => {
    expect(bodies.length).toBeGreaterThanOrEqual(4);
    for (const text of bodies) expectNoPinOrMyNumber(text);
  });

  it('X5: registration.started and consent.registered are audited with the device and the person; no names, no PIN', async () => {
    const rows = (await auditRows()).slice(auditBefore);
    const started = rows.find((r) => r.action === 'registration.started' && r.subject_id === reg.registrationId);
    expect(started).toMatchObject({ institution_id: seededInstitution.id, actor_type: 'patient', device_id: DEVICE, outcome: 'ok', detail: 'homeVisit' });
    const consent = (await consentsOf(reg.registrationId))[0]!;
    const registered = rows.find((r) => r.action === 'consent.registered' && r.subject_id === consent.id);
    expect(registered).toMatchObject({ institution_id: seededInstitution.id, person_ref: 'p01', device_id: DEVICE, outcome: 'ok' });
    expect(registered!.at).toBe(consent.registered_at);
    expectAuditClean(await auditRows());
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });
});

describe('S4: consented cost-limit and specific-disease data', () => {
  it('are in the record when consented', async () => {
    const { result } = await register('card-01');
    expect(result.eligibility!.record.costLimit).toMatchObject({ applicationCategory: 'ウ' });
    expect(result.eligibility!.record.specificDisease).toMatchObject({ selfPayLimit: 10000 });
    const { result: onlyCost } = await register('card-01', { choices: { ...agreeToNone(), costLimit: true } });
    expect(onlyCost.eligibility!.record.costLimit).not.toBeNull();
    expect(onlyCost.eligibility!.record.specificDisease).toBeNull();
    // What is stored for staff is what was disclosed.
    const consent = (await consentsOf(onlyCost.registrationId))[0]!;
    const check = await t.db.selectFrom('eligibility_check').selectAll().where('consent_id', '=', consent.id).executeTakeFirstOrThrow();
    expect(JSON.parse(check.record_json)).toMatchObject({ specificDisease: null });
  });
});

describe('validity per visit type (V2, V3) and completion per visit type (R7)', () => {
  it('V2: a house call consent lasts 24 hours from the card authentication, and shows the record', async () => {
    const reg = await start({ visitType: 'houseCall' });
    t.clock.advance(2 * 60_000);
    const at = t.clock.now();
    expect((await postHandoff(await sign('card-06', reg.challenge))).status).toBe(200);
    const result = await outcome(reg);
    expect(result.status).toBe('completed');
    expect(result.validUntil).toBe(new Date(at.getTime() + DAY_MS).toISOString());
    expect(result.eligibility!.record.status).toBe('valid');
    const consent = (await consentsOf(reg.registrationId))[0]!;
    expect(consent).toMatchObject({ person_ref: 'p06', visit_type: 'houseCall', valid_until: result.validUntil });
  });

  it('V3/R7: an online consent lasts through the consultation date (JST); the outcome has no eligibility record', async () => {
    const { reg, result } = await register('card-09', { visitType: 'online', consultationDate: '2026-11-24' });
    expect(result).toMatchObject({ status: 'completed', visitType: 'online', consultationDate: '2026-11-24', eligibility: null, returnUrl: null });
    // End of 24 Nov in Japan = 00:00 JST on the 25th = 15:00 UTC on the 24th.
    expect(result.validUntil).toBe('2026-11-24T15:00:00.000Z');
    // R8: the record is still kept for staff.
    const consent = (await consentsOf(reg.registrationId))[0]!;
    expect(consent).toMatchObject({ person_ref: 'p09', visit_type: 'online', consultation_date: '2026-11-24', valid_until: '2026-11-24T15:00:00.000Z' });
    const check = await t.db.selectFrom('eligibility_check').selectAll().where('consent_id', '=', consent.id).executeTakeFirstOrThrow();
    expect(check.status).toBe('valid');
    expect(JSON.parse(check.record_json)).toMatchObject({ status: 'valid', name: '伊藤　さくら' });
    const text = (await call(`/api/public/registrations/${reg.registrationId}`, { headers: auth(reg) })).text;
    expect(text).not.toContain('伊藤');
  });

  it('V3: a consultation today ends at midnight JST tonight', async () => {
    setClock('2026-11-22T14:00:00.000Z'); // 23:00 JST
    const { result } = await register('card-09', { visitType: 'online', consultationDate: '2026-11-22' });
    expect(result.validUntil).toBe('2026-11-22T15:00:00.000Z');
  });

  it('R7: the return URL appears only once completed, and only for arrival "app"', async () => {
    const returnUrl = `${RETURN_URL}/visit?id=7`;
    const reg = await start({ visitType: 'online', arrival: 'app', returnUrl, consultationDate: '2026-11-23' });
    expect((await outcome(reg)).returnUrl).toBeNull();
    // A refused answer does not reveal it either.
    const bad = await sign('card-09', reg.challenge);
    expect((await postHandoff({ ...bad, signature: flipChar(bad.signature) })).status).toBe(422);
    expect((await outcome(reg)).returnUrl).toBeNull();
    expect((await postHandoff(bad)).status).toBe(200);
    const result = await outcome(reg);
    expect(result).toMatchObject({ status: 'completed', arrival: 'app', returnUrl, eligibility: null });

    const { result: byLink } = await register('card-09', { visitType: 'online', arrival: 'link', consultationDate: '2026-11-23' });
    expect(byLink.returnUrl).toBeNull();
  });
});

describe('handoff paths (R6)', () => {
  function cardAppParams(cardAppUrl: string) {
    const url = new URL(cardAppUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/card-app`);
    return url.searchParams;
  }

  it('crossDevice: the card app URL carries challenge, nonce and callback, and no return', async () => {
    const reg = await start({ handoffPath: 'crossDevice' });
    const params = cardAppParams(reg.cardAppUrl);
    expect(params.get('challenge')).toBe(reg.challenge.challengeId);
    expect(params.get('nonce')).toBe(reg.challenge.nonce);
    expect(params.get('callback')).toBe(`${PUBLIC_URL}/api/handoff`);
    expect(params.has('return')).toBe(false);
  });

  it('sameDevice: the card app URL also carries the return to the institution link', async () => {
    const reg = await start({ handoffPath: 'sameDevice' });
    const params = cardAppParams(reg.cardAppUrl);
    expect(params.get('challenge')).toBe(reg.challenge.challengeId);
    expect(params.get('nonce')).toBe(reg.challenge.nonce);
    expect(params.get('callback')).toBe(`${PUBLIC_URL}/api/handoff`);
    expect(params.get('return')).toBe(`${PUBLIC_URL}/i/${linkToken}`);
  });

  it('a renewed challenge follows the chosen path', async () => {
    const reg = await start({ handoffPath: 'crossDevice' });
    const same = await renew(reg, true);
    expect(same.status).toBe(201);
    expect(cardAppParams(same.body.cardAppUrl).get('return')).toBe(`${PUBLIC_URL}/i/${linkToken}`);
    expect(cardAppParams(same.body.cardAppUrl).get('challenge')).toBe(same.body.challenge.challengeId);
    const cross = await renew(reg, false);
    expect(cardAppParams(cross.body.cardAppUrl).has('return')).toBe(false);
    expect(cross.body.challenge.challengeId).not.toBe(same.body.challenge.challengeId);
    expectError(
      await call(`/api/public/registrations/${reg.registrationId}/challenge`, jsonRequest('POST', { sameDevice: true, pin: DEMO_PIN }, auth(reg))),
      422,
      'validation_failed',
    );
  });

  for (const handoffPath of ['sameDevice', 'crossDevice'] as const) {
    it(`${handoffPath}: the card app follows the URL, signs through the simulator and posts to the callback`, async () => {
      const reg = await start({ handoffPath });
      const params = cardAppParams(reg.cardAppUrl);
      const signed = await call<HandoffResponse>(
        '/sim/api/cards/card-01/sign',
        jsonRequest('POST', { pin: DEMO_PIN, challengeId: params.get('challenge'), nonce: params.get('nonce') }),
      );
      expect(signed.status).toBe(200);
      expect(signed.text).not.toContain(`"${DEMO_PIN}"`);
      const callback = new URL(params.get('callback')!);
      const reply = await call<HandoffAcceptedResponse>(callback.pathname, jsonRequest('POST', signed.body));
      expect(reply.status).toBe(200);
      const result = await outcome(reg);
      expect(result.status).toBe('completed');
      expect(result.eligibility!.record.status).toBe('valid');
    });
  }

  it('a malformed handoff body is 422 validation_failed and touches nothing', async () => {
    const reg = await start();
    const response = await sign('card-01', reg.challenge);
    const { signature: _s, ...withoutSignature } = response;
    expectError(await postHandoff(withoutSignature), 422, 'validation_failed');
    expectError(await postHandoff({ ...response, protocol: 'zaitaku-handoff-v0' }), 422, 'validation_failed');
    expectError(await call('/api/handoff', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }), 400, 'invalid_json');
    expect((await outcome(reg)).status).toBe('awaitingCard');
    expect((await postHandoff(response)).status).toBe(200);
  });
});

describe('handoff rejections (R6): each with its own code, status and message', () => {
  /**
   * Issue 12 #12: an answer that fails verification is refused to its sender and audited, but the
   * registration stays pending with its challenge: the tablet keeps waiting.
   */
  async function expectRefused(reg: StartRegistrationResponse, response: unknown, status: number, code: HandoffRejection) {
    const auditBefore = await countRows('audit_event');
    const before = await outcome(reg);
    expectError(await postHandoff(response), status, code);
    const result = await outcome(reg);
    expect(result.status).toBe('awaitingCard');
    expect(result.failure).toBeNull();
    expect(result.eligibility).toBeNull();
    expect(result.challengeExpiresAt).toBe(before.challengeExpiresAt);
    expect(await consentsOf(reg.registrationId)).toHaveLength(0);
    // X5: the refusal is audited with its reason and the device.
    const refused = (await auditRows()).slice(auditBefore);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      action: 'handoff.refused',
      outcome: 'refused',
      detail: code,
      subject_id: reg.registrationId,
      device_id: DEVICE,
      institution_id: seededInstitution.id,
      person_ref: null,
    });
  }

  /** A verified card whose holder cannot go on: the registration fails and the tablet says why. */
  async function expectFailed(reg: StartRegistrationResponse, response: unknown, status: number, code: HandoffRejection) {
    const auditBefore = await countRows('audit_event');
    expectError(await postHandoff(response), status, code);
    const result = await outcome(reg);
    expect(result.status).toBe('failed');
    expect(result.failure).toBe(code);
    expect(result.eligibility).toBeNull();
    expect(result.challengeExpiresAt).toBeNull();
    expect(await consentsOf(reg.registrationId)).toHaveLength(0);
    const refused = (await auditRows()).slice(auditBefore);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ action: 'handoff.refused', outcome: 'refused', detail: code, subject_id: reg.registrationId, device_id: DEVICE });
  }

  /** After a failure, a new challenge is issued and the registration completes with a good card. */
  async function expectRecovery(reg: StartRegistrationResponse, cardId = 'card-01') {
    const renewed = await renew(reg);
    expect(renewed.status).toBe(201);
    expect(renewed.body.challenge.challengeId).not.toBe(reg.challenge.challengeId);
    const pending = await outcome(reg);
    expect(pending).toMatchObject({ status: 'awaitingCard', failure: null, challengeExpiresAt: renewed.body.challenge.expiresAt });
    expect((await postHandoff(await sign(cardId, renewed.body.challenge))).status).toBe(200);
    const result = await outcome(reg);
    expect(result).toMatchObject({ status: 'completed', failure: null });
    expect(await consentsOf(reg.registrationId)).toHaveLength(1);
  }

  it('challenge_unknown: a random challenge id is 404, and no registration is touched', async () => {
    const reg = await start();
    const auditBefore = await countRows('audit_event');
    const forged = await sign('card-01', { challengeId: crypto.randomUUID(), nonce: reg.challenge.nonce });
    expectError(await postHandoff(forged), 404, 'challenge_unknown');
    expect((await outcome(reg)).status).toBe('awaitingCard');
    expect(await countRows('audit_event')).toBe(auditBefore);
    // The registration's own challenge still works.
    expect((await postHandoff(await sign('card-01', reg.challenge))).status).toBe(200);
  });

  it('challenge_replayed: the same valid answer twice → second is 409; the registration stays complete; no second consent', async () => {
    const reg = await start();
    const response = await sign('card-01', reg.challenge);
    expect((await postHandoff(response)).status).toBe(200);
    const consentsBefore = await countRows('consent');
    const auditBefore = await countRows('audit_event');
    expectError(await postHandoff(response), 409, 'challenge_replayed');
    const audit = (await auditRows()).slice(auditBefore);
    expect(audit.map((r) => [r.action, r.detail])).toEqual([['handoff.refused', 'challenge_replayed']]);
    expect(await countRows('consent')).toBe(consentsBefore);
    expect(await consentsOf(reg.registrationId)).toHaveLength(1);
    expect((await consentsOf(reg.registrationId))[0]!.status).toBe('active');
    const result = await outcome(reg);
    expect(result).toMatchObject({ status: 'completed', failure: null });
    expect(result.eligibility!.record.status).toBe('valid');
  });

  it('challenge_replayed: an answer to an older challenge of a completed registration registers nothing more', async () => {
    // The patient switched between QR code and same device: two challenges were handed out.
    const reg = await start({ handoffPath: 'crossDevice' });
    const second = await renew(reg, true);
    expect((await postHandoff(await sign('card-01', second.body.challenge))).status).toBe(200);
    const first = (await consentsOf(reg.registrationId))[0]!;
    expectError(await postHandoff(await sign('card-02', reg.challenge)), 409, 'challenge_replayed');
    const consents = await consentsOf(reg.registrationId);
    expect(consents).toHaveLength(1);
    expect(consents[0]).toMatchObject({ id: first.id, status: 'active', person_ref: 'p01' });
    const result = await outcome(reg);
    expect(result).toMatchObject({ status: 'completed' });
    expect(result.eligibility!.record.name).toBe('山田　花子');
  });

  it('challenge_replayed: the same answer delivered twice at once registers one consent', async () => {
    const reg = await start();
    const response = await sign('card-01', reg.challenge);
    const replies = await Promise.all([postHandoff(response), postHandoff(response)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await consentsOf(reg.registrationId)).toHaveLength(1);
  });

  it('challenge_replayed: answers to two challenges of one registration at once register one consent', async () => {
    const reg = await start();
    const second = await renew(reg, true);
    const replies = await Promise.all([
      postHandoff(await sign('card-01', reg.challenge)),
      postHandoff(await sign('card-02', second.body.challenge)),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    const consents = await consentsOf(reg.registrationId);
    expect(consents).toHaveLength(1);
    const row = await registrationRow(reg.registrationId);
    expect(row).toMatchObject({ status: 'completed', consent_id: consents[0]!.id, person_ref: consents[0]!.person_ref });
  });

  it('challenge_expired: refused exactly at the expiry instant (410), accepted 1 ms before', async () => {
    const reg = await start();
    t.clock.advance(CHALLENGE_TTL_MS);
    await expectRefused(reg, await sign('card-01', reg.challenge), 410, 'challenge_expired');
    await expectRecovery(reg);

    const inTime = await start();
    t.clock.advance(CHALLENGE_TTL_MS - 1);
    expect((await postHandoff(await sign('card-01', inTime.challenge))).status).toBe(200);
  });

  it('signature_invalid: a signature with one character changed', async () => {
    const reg = await start();
    const response = await sign('card-01', reg.challenge);
    await expectRefused(reg, { ...response, signature: flipChar(response.signature) }, 422, 'signature_invalid');
    expectError(await postHandoff({ ...response, signature: 'not*base64url' }), 422, 'signature_invalid');
    await expectRecovery(reg);
  });

  it('signature_invalid: a response whose nonce was changed (re-signed or not)', async () => {
    const reg = await start();
    const otherNonce = crypto.randomBytes(32).toString('base64url');
    const response = await sign('card-01', reg.challenge);
    await expectRefused(reg, { ...response, nonce: otherNonce }, 422, 'signature_invalid');
    // Signed over the wrong nonce: still bound to the wrong one.
    expectError(await postHandoff(await sign('card-01', { challengeId: reg.challenge.challengeId, nonce: otherNonce })), 422, 'signature_invalid');
    // Another registration's answer cannot be moved over to this challenge.
    const other = await start();
    const moved = await sign('card-01', other.challenge);
    expectError(await postHandoff({ ...moved, challengeId: reg.challenge.challengeId }), 422, 'signature_invalid');
    await expectRecovery(reg);
  });

  it('certificate_malformed: base64 that is not a DER certificate, or a PEM', async () => {
    const reg = await start();
    const response = await sign('card-01', reg.challenge);
    await expectRefused(reg, { ...response, certificate: Buffer.from('not a certificate').toString('base64') }, 422, 'certificate_malformed');
    const der = Buffer.from(response.certificate, 'base64');
    expectError(await postHandoff({ ...response, certificate: der.subarray(0, 100).toString('base64') }), 422, 'certificate_malformed');
    const pem = t.cardSim.cards.get('card-01')!.certPem;
    expectError(await postHandoff({ ...response, certificate: pem }), 422, 'certificate_malformed');
    await expectRecovery(reg);
  });

  it('certificate_untrusted: a certificate from another CA, even one with the same name, or the CA certificate itself', async () => {
    const now = t.clock.now();
    const validity = { notBefore: new Date(now.getTime() - DAY_MS), notAfter: new Date(now.getTime() + 365 * DAY_MS) };
    // Same serial as card-01, so only the issuer tells it apart.
    const card01Serial = new crypto.X509Certificate(t.cardSim.cards.get('card-01')!.certPem).serialNumber;
    const otherCa = await createCa({ now, name: 'CN=Some Other CA, C=JP', algorithm: 'EC' });
    const impostorCa = await createCa({ now, algorithm: 'EC' }); // the demo CA's name, another key
    for (const ca of [otherCa, impostorCa]) {
      const card = await issueCertificate(ca, { serialNumber: card01Serial, ...validity, algorithm: 'EC' });
      const reg = await start();
      const genuine = await sign('card-01', reg.challenge);
      const signature = crypto.sign('sha256', Buffer.from(handoffSigningInput(reg.challenge)), card.privateKey);
      await expectRefused(
        reg,
        { ...genuine, signature: signature.toString('base64url'), certificate: card.certDer.toString('base64') },
        422,
        'certificate_untrusted',
      );
      await expectRecovery(reg);
    }
    const reg = await start();
    const genuine = await sign('card-01', reg.challenge);
    const caDer = new crypto.X509Certificate(t.cardSim.caCertPem).raw.toString('base64');
    await expectRefused(reg, { ...genuine, certificate: caDer }, 422, 'certificate_untrusted');
  });

  it('certificate_expired: card-expired (signed, yet no proof: the registration stays pending, issue 12 #12)', async () => {
    const reg = await start();
    await expectRefused(reg, await sign('card-expired', reg.challenge), 422, 'certificate_expired');
    await expectRecovery(reg);
  });

  it('certificate_revoked: card-revoked (signed, yet no proof: the registration stays pending, issue 12 #12)', async () => {
    const reg = await start();
    await expectRefused(reg, await sign('card-revoked', reg.challenge), 422, 'certificate_revoked');
    await expectRecovery(reg, 'card-lock');
  });

  it('issue 12 #4: revocation_unavailable when the card issuer’s list is past nextUpdate; the card works once the list is fresh', async () => {
    const dir = path.dirname(t.cardSim.crlFile);
    const caCert = new x509.X509Certificate(fs.readFileSync(path.join(dir, 'ca-cert.pem'), 'utf8'));
    const params = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(fs.readFileSync(path.join(dir, 'ca-key.pem'), 'utf8')), params, false, ['sign']);
    const now = t.clock.now();
    const staleList = await x509.X509CrlGenerator.create({
      issuer: caCert.subjectName,
      thisUpdate: new Date(now.getTime() - 8 * DAY_MS),
      nextUpdate: new Date(now.getTime() - DAY_MS),
      entries: [],
      signingKey: caKey as unknown as CryptoKey,
      signingAlgorithm: params,
    });
    const staleFile = path.join(t.dataDir, 'stale-crl.pem');
    fs.writeFileSync(staleFile, staleList.toString('pem'));
    const fresh = t.national.cardTrust;
    const stale = await createCardTrust({ anchorPems: [caCert.toString('pem')], intermediatePems: [], crlSources: [staleFile], crlGraceMs: 0, crlRefreshMs: 0 });
    t.national.cardTrust = stale;
    const reg = await start();
    try {
      const refused = expectError(await postHandoff(await sign('card-01', reg.challenge)), 503, 'revocation_unavailable');
      expect(refused.message).toMatch(/outage procedure/);
      expect(await consentsOf(reg.registrationId)).toHaveLength(0);
    } finally {
      t.national.cardTrust = fresh;
    }
    expect((await postHandoff(await sign('card-01', reg.challenge))).status).toBe(200);
  });

  it('card_not_registered: card-unregistered (a verified card: the tablet shows it)', async () => {
    const reg = await start();
    await expectFailed(reg, await sign('card-unregistered', reg.challenge), 422, 'card_not_registered');
    await expectRecovery(reg);
  });

  it('a refusal does not use up the challenge; an unverified answer does not replace a verified refusal (issue 12 #12)', async () => {
    const reg = await start();
    await expectFailed(reg, await sign('card-unregistered', reg.challenge), 422, 'card_not_registered');
    expectError(await postHandoff(await sign('card-revoked', reg.challenge)), 422, 'certificate_revoked');
    expect((await outcome(reg)).failure).toBe('card_not_registered');
    // The same, still valid challenge completes with a good card.
    expect((await postHandoff(await sign('card-01', reg.challenge))).status).toBe(200);
    expect((await outcome(reg)).status).toBe('completed');
  });

  it('a late refused answer does not spoil a completed registration', async () => {
    const reg = await start();
    const good = await sign('card-01', reg.challenge);
    expect((await postHandoff(good)).status).toBe(200);
    expectError(await postHandoff({ ...good, signature: flipChar(good.signature) }), 409, 'challenge_replayed');
    expect(await outcome(reg)).toMatchObject({ status: 'completed', failure: null });
  });

  it('every rejection code has its own message', () => {
    // The app translates by code; the server's sentence is the fallback and must fit the code.
    const messages = HANDOFF_REJECTIONS.map((code) => new HandoffRejectedError(code).message);
    expect(new Set(messages).size).toBe(HANDOFF_REJECTIONS.length);
  });
});

describe('issue 12 #12: failed card answers change nothing', () => {
  /** Answers anyone holding the QR code (challenge id and nonce) could post, none of them verifiable. */
  async function junkAnswers(challenge: HandoffChallenge, count: number): Promise<unknown[]> {
    const genuine = await sign('card-02', challenge);
    const kinds: Array<() => Promise<unknown>> = [
      async () => ({ ...genuine, signature: flipChar(genuine.signature) }),
      async () => ({ ...genuine, signature: crypto.randomBytes(64).toString('base64url') }),
      async () => ({ ...genuine, nonce: crypto.randomBytes(32).toString('base64url') }),
      async () => ({ ...genuine, certificate: crypto.randomBytes(300).toString('base64') }),
      // Really signed, but by a revoked or an expired certificate: still no proof of who acts.
      () => sign('card-revoked', challenge),
      () => sign('card-expired', challenge),
    ];
    const answers: unknown[] = [];
    for (let i = 0; i < count; i++) answers.push(await kinds[i % kinds.length]!());
    return answers;
  }

  async function expectPending(reg: StartRegistrationResponse, challenge: HandoffChallenge = reg.challenge) {
    // What the tablet polls, and the row behind it.
    expect(await outcome(reg)).toMatchObject({ status: 'awaitingCard', failure: null, challengeExpiresAt: challenge.expiresAt, eligibility: null });
    expect(await registrationRow(reg.registrationId)).toMatchObject({ status: 'awaitingCard', failure_code: null, person_ref: null, consent_id: null });
  }

  it('issue 12 #12: junk answers leave the registration pending and the tablet waiting; the real card still completes it', async () => {
    const reg = await start();
    const junk = await junkAnswers(reg.challenge, MAX_FAILED_ANSWERS_PER_CHALLENGE);
    const codes: string[] = [];
    for (const answer of junk) {
      const reply = await postHandoff(answer);
      expect(reply.status, reply.text).toBeGreaterThanOrEqual(400);
      codes.push(reply.body.error.code);
      await expectPending(reg);
    }
    expect(codes).toEqual(['signature_invalid', 'signature_invalid', 'signature_invalid', 'certificate_malformed', 'certificate_revoked']);
    // Audited without patient data.
    const refused = (await auditRows()).filter((r) => r.subject_id === reg.registrationId && r.action === 'handoff.refused');
    expect(refused.map((r) => r.detail)).toEqual(codes);
    expect(refused.every((r) => r.person_ref === null)).toBe(true);
    expect((await postHandoff(await sign('card-01', reg.challenge))).status).toBe(200);
    const result = await outcome(reg);
    expect(result).toMatchObject({ status: 'completed', failure: null });
    expect(result.eligibility!.record.status).toBe('valid');
    expect(await consentsOf(reg.registrationId)).toHaveLength(1);
  });

  it('issue 12 #12: the same for a card request (revoke everything): junk revokes nothing and fails nothing', async () => {
    await register('card-06');
    const reply = await call<StartRegistrationResponse>(
      '/api/public/card-requests',
      jsonRequest('POST', { purpose: 'revokeAll', linkToken, arrival: 'link', handoffPath: 'crossDevice' }, { 'x-device-id': DEVICE }),
    );
    expect(reply.status, reply.text).toBe(201);
    const request = reply.body;
    for (const answer of await junkAnswers(request.challenge, 3)) expect((await postHandoff(answer)).status).toBe(422);
    expect(await outcome(request)).toMatchObject({ status: 'awaitingCard', failure: null });
    const active = await t.db.selectFrom('consent').select('id').where('person_ref', '=', 'p06').where('status', '=', 'active').execute();
    expect(active.length).toBeGreaterThan(0);
  });

  it(`issue 12 #12: after ${MAX_FAILED_ANSWERS_PER_CHALLENGE} failed answers further ones are 429 and unrecorded; still pending; a new challenge works`, async () => {
    const reg = await start();
    const auditBefore = await countRows('audit_event');
    const junk = await junkAnswers(reg.challenge, MAX_FAILED_ANSWERS_PER_CHALLENGE + 3);
    for (const answer of junk.slice(0, MAX_FAILED_ANSWERS_PER_CHALLENGE)) expect((await postHandoff(answer)).status).toBe(422);
    const afterLimit = await countRows('audit_event');
    for (const answer of junk.slice(MAX_FAILED_ANSWERS_PER_CHALLENGE)) expectError(await postHandoff(answer), 429, 'challenge_answers_limited');
    // Past the limit nothing is written: the audit trail cannot be flooded through one challenge.
    expect(await countRows('audit_event')).toBe(afterLimit);
    const events = (await auditRows()).slice(auditBefore).map((r) => r.action);
    expect(events.filter((a) => a === 'handoff.refused')).toHaveLength(MAX_FAILED_ANSWERS_PER_CHALLENGE);
    expect(events.filter((a) => a === 'handoff.answers_limited')).toHaveLength(1);
    const row = await t.db.selectFrom('handoff_challenge').select('failed_answers').where('id', '=', reg.challenge.challengeId).executeTakeFirstOrThrow();
    expect(Number(row.failed_answers)).toBe(MAX_FAILED_ANSWERS_PER_CHALLENGE);
    await expectPending(reg);
    // The tablet asks for a fresh challenge, whose count starts at zero, and the card completes it.
    const renewed = await renew(reg);
    expect(renewed.status).toBe(201);
    await expectPending(reg, renewed.body.challenge);
    expect((await postHandoff((await junkAnswers(renewed.body.challenge, 1))[0])).status).toBe(422);
    expect((await postHandoff(await sign('card-01', renewed.body.challenge))).status).toBe(200);
    expect(await outcome(reg)).toMatchObject({ status: 'completed', failure: null });
  });

  it('issue 12 #12: junk cannot lock the patient out: past the limit the real card still answers the same challenge', async () => {
    const reg = await start();
    for (const answer of await junkAnswers(reg.challenge, MAX_FAILED_ANSWERS_PER_CHALLENGE + 1)) expect((await postHandoff(answer)).status).toBeGreaterThanOrEqual(422);
    expect((await postHandoff(await sign('card-01', reg.challenge))).status).toBe(200);
    expect(await outcome(reg)).toMatchObject({ status: 'completed', failure: null });
  });

  it('issue 12 #12: 30 junk answers in parallel with the real one: the real one wins and the registration completes', async () => {
    const reg = await start();
    const junk = await junkAnswers(reg.challenge, 30);
    const real = await sign('card-01', reg.challenge);
    const answers = [...junk.slice(0, 15), real, ...junk.slice(15)];
    const replies = await Promise.all(answers.map((answer) => postHandoff(answer)));
    expect(replies[15]!.status, replies[15]!.text).toBe(200);
    for (const [i, reply] of replies.entries()) {
      if (i === 15) continue;
      // Refused before the real answer (422, 429) or after it used the challenge (409).
      expect([409, 422, 429], reply.text).toContain(reply.status);
    }
    const result = await outcome(reg);
    expect(result).toMatchObject({ status: 'completed', failure: null });
    expect(result.eligibility!.record.status).toBe('valid');
    expect(await consentsOf(reg.registrationId)).toHaveLength(1);
    const refused = (await auditRows()).filter((r) => r.subject_id === reg.registrationId && r.action === 'handoff.refused');
    expect(refused.length).toBeLessThanOrEqual(MAX_FAILED_ANSWERS_PER_CHALLENGE);
  });
});

describe('E2: eligibility status and next steps through the card flow', () => {
  const cases: Array<[string, string, EligibilityStatus]> = [
    ['card-02', 'p02', 'lost'],
    ['card-03', 'p03', 'lostWithNew'],
    ['card-04', 'p04', 'notFound'],
    ['card-05', 'p05', 'validUnregistered'],
  ];
  for (const [cardId, personId, status] of cases) {
    it(`E2: ${cardId} (${personId}) → ${status} with its next steps`, async () => {
      const { reg, result } = await register(cardId);
      expect(result.status).toBe('completed');
      expect(result.eligibility!.record.status).toBe(status);
      expect(result.eligibility!.nextSteps).toEqual(nextSteps(status));
      expect((await consentsOf(reg.registrationId))[0]).toMatchObject({ person_ref: personId, status: 'active' });
    });
  }
});

describe('access to a registration', () => {
  it('without or with a wrong bearer token: 404 registration_not_found, the same as an unknown id (no oracle)', async () => {
    const reg = await start();
    const other = await start();
    const path = `/api/public/registrations/${reg.registrationId}`;
    const attempts = [
      await call(path),
      await call(path, { headers: { authorization: 'Bearer ' } }),
      await call(path, { headers: { authorization: `Bearer ${reg.accessToken}x` } }),
      await call(path, { headers: { authorization: reg.accessToken } }),
      await call(path, { headers: { authorization: `Basic ${reg.accessToken}` } }),
      await call(path, { headers: auth(other) }),
      await call(`/api/public/registrations/${crypto.randomUUID()}`, { headers: auth(reg) }),
    ];
    for (const reply of attempts) expectError(reply, 404, 'registration_not_found');
    expect(new Set(attempts.map((r) => r.text)).size).toBe(1);
  });

  it('a new challenge needs the bearer token too', async () => {
    const reg = await start();
    expectError(await call(`/api/public/registrations/${reg.registrationId}/challenge`, jsonRequest('POST', { sameDevice: false })), 404, 'registration_not_found');
    expectError(await renew({ ...reg, accessToken: 'wrong' }), 404, 'registration_not_found');
  });
});

describe('one active consent per person and visit type', () => {
  it('a second home-visit registration for the same person supersedes the first', async () => {
    const { reg: first } = await register('card-07');
    t.clock.advance(60_000);
    const auditBefore = await countRows('audit_event');
    const { reg: second } = await register('card-07', {}, OTHER_DEVICE);
    const [before] = await consentsOf(first.registrationId);
    const [after] = await consentsOf(second.registrationId);
    expect(before).toMatchObject({ person_ref: 'p07', status: 'revoked', revoke_reason: 'superseded', revoked_by: 'system' });
    expect(before!.revoked_at).toBe(t.clock.now().toISOString());
    expect(after).toMatchObject({ person_ref: 'p07', status: 'active', device_id: OTHER_DEVICE });
    const audit = (await auditRows()).slice(auditBefore);
    // X5: the revocation names the person and the device whose card authentication caused it.
    expect(audit.find((r) => r.action === 'consent.superseded')).toMatchObject({
      subject_id: before!.id,
      person_ref: 'p07',
      device_id: OTHER_DEVICE,
      actor_type: 'system',
      outcome: 'ok',
    });
    // The first registration still reads as completed for the device that started it.
    expect((await outcome(first)).status).toBe('completed');
  });

  it('a consent of another visit type, or of another person, is left alone', async () => {
    const { reg: home } = await register('card-08');
    await register('card-08', { visitType: 'houseCall' });
    await register('card-07');
    expect((await consentsOf(home.registrationId))[0]!.status).toBe('active');
  });
});

describe('X5: the audit trail of the reception', () => {
  it('X5: a registration started by a signed-in staff member names them in the audit trail and the consent', async () => {
    const cookie = await loginAsDemo(t);
    const reg = (
      await call<StartRegistrationResponse>(
        '/api/public/registrations',
        jsonRequest('POST', registrationBody(), { 'x-device-id': DEVICE, cookie }),
      )
    ).body;
    const staff = await t.db.selectFrom('staff_account').select('id').where('login_id', '=', t.demo.loginId).executeTakeFirstOrThrow();
    const started = (await auditRows()).find((r) => r.action === 'registration.started' && r.subject_id === reg.registrationId);
    expect(started).toMatchObject({ actor_type: 'staff', actor_id: staff.id, device_id: DEVICE });
    expect((await postHandoff(await sign('card-10', reg.challenge))).status).toBe(200);
    expect((await consentsOf(reg.registrationId))[0]).toMatchObject({ staff_id: staff.id, person_ref: 'p10' });
    // Without a session the same request is the patient's own.
    const own = await start();
    expect((await auditRows()).find((r) => r.subject_id === own.registrationId)).toMatchObject({ actor_type: 'patient', actor_id: null });
  });

  it('has the device and the person for every registration and consent, and never a name or the PIN', async () => {
    const rows = await auditRows();
    expect(rows.some((r) => r.action === 'registration.started')).toBe(true);
    expect(rows.some((r) => r.action === 'consent.registered')).toBe(true);
    expect(rows.some((r) => r.action === 'handoff.refused')).toBe(true);
    for (const row of rows.filter((r) => r.action === 'registration.started')) expect(row.device_id).toMatch(/^[0-9a-f-]{36}$/);
    for (const row of rows.filter((r) => r.action === 'consent.registered')) {
      expect(row.device_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.person_ref).toMatch(/^p\d\d$/);
    }
    expectAuditClean(rows);
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, events: rows.length });
  });

  it('P1/P2: no response body of this file held the PIN as a value or a 12-digit number', () => {
    for (const text of seenBodies) expectNoPinOrMyNumber(text);
  });
});

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * P1/P2 for one JSON body: no value equals the PIN, and no value holds a 12-digit number (a My
 * Number). UUIDs are taken out first (their last group may be 12 digits by chance), and digits
 * inside random tokens (base64url) do not count.
 */
function expectNoPinOrMyNumber(text: string): void {
  const visit = (value: unknown): void => {
    if (typeof value === 'number') {
      expect(String(value)).not.toBe(DEMO_PIN);
      expect(String(value)).not.toMatch(/^\d{12}$/);
    } else if (typeof value === 'string') {
      expect(value).not.toBe(DEMO_PIN);
      expect(value.replace(UUID, '-')).not.toMatch(/(?<![0-9A-Za-z_+/=-])\d{12}(?![0-9A-Za-z_+/=-])/);
      expect(value).not.toMatch(/(?:^|[^0-9A-Za-z_+/=-])1234(?:$|[^0-9A-Za-z_+/=-])/);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        expect(key.toLowerCase()).not.toMatch(/^(pin|mynumber|my_number|kojinbango)$/);
        visit(inner);
      }
    }
  };
  if (text === '') return;
  visit(JSON.parse(text));
}

/** X5/P1/P2: audit rows hold codes and references, never a person's name or the PIN. */
function expectAuditClean(rows: AuditEventRow[]): void {
  const names = demoPersons(t.clock.now())
    .flatMap((p) => [p.name, p.nameKana])
    .filter((n) => n.trim() !== '');
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      expect(String(value), column).not.toBe(DEMO_PIN);
      if (column === 'hash' || column === 'prev_hash' || column.endsWith('_id')) continue;
      expect(String(value), column).not.toContain(DEMO_PIN);
      expect(String(value), column).not.toMatch(/\d{12}/);
    }
    const text = JSON.stringify(row);
    for (const name of names) expect(text).not.toContain(name);
  }
}

describe('guards added after review', () => {
  it('P1/P2: extra fields inside the choices or in the card answer are refused, not silently dropped', async () => {
    const reply = await postRegistration({ choices: { ...agreeToAll(), pin: '1234' } as unknown as ConsentChoices });
    expectError(reply, 422, 'validation_failed');
    expect(reply.text).not.toContain('1234');
    const reg = await start();
    const answer = { ...(await sign('card-01', reg.challenge)), pin: '1234' };
    const refused = await postHandoff(answer);
    expectError(refused, 422, 'validation_failed');
    expect(refused.text).not.toContain('1234');
    expect((await registrationRow(reg.registrationId))!.status).toBe('awaitingCard');
  });

  it('R1: a telemedicine app can start online consultations only', async () => {
    const reply = await postRegistration({ visitType: 'homeVisit', arrival: 'app', returnUrl: 'https://telemed.example/return' });
    expect(expectError(reply, 422, 'validation_failed').fields).toHaveProperty('visitType');
  });

  it('R3/V3: a card answer arriving after the consultation date has passed is refused, and so is a new challenge', async () => {
    setClock('2026-11-22T14:58:00.000Z'); // 23:58 JST
    const reg = await start({ visitType: 'online', consultationDate: '2026-11-22' });
    setClock('2026-11-22T15:01:00.000Z'); // 00:01 JST the next day
    const reply = await postHandoff(await sign('card-01', reg.challenge));
    expectError(reply, 422, 'consultation_date_passed');
    expect(await consentsOf(reg.registrationId)).toHaveLength(0);
    expect((await outcome(reg)).failure).toBe('consultation_date_passed');
    expectError(await renew(reg), 422, 'consultation_date_passed');
  });

  it('P4, issue 12 #8: the starting device can read its registration for 30 minutes, not longer (was 3 hours)', async () => {
    const { reg } = await register('card-01');
    t.clock.advance(30 * 60 * 1000);
    expect((await call(`/api/public/registrations/${reg.registrationId}`, { headers: auth(reg) })).status).toBe(200);
    t.clock.advance(1);
    expectError(await call(`/api/public/registrations/${reg.registrationId}`, { headers: auth(reg) }), 404, 'registration_not_found');
  });

  it('once a consent is replaced, the old registration no longer shows the eligibility record', async () => {
    const first = await register('card-01');
    expect(first.result.eligibility).not.toBeNull();
    await register('card-01');
    expect((await outcome(first.reg)).eligibility).toBeNull();
  });

  it('X5: each time the eligibility record is shown, the view is audited', async () => {
    const { reg } = await register('card-01');
    const before = (await auditRows()).length;
    await outcome(reg);
    const added = (await auditRows()).slice(before);
    expect(added.map((r) => [r.action, r.person_ref, r.device_id])).toEqual([['eligibility.viewed', 'p01', DEVICE]]);
    // Polling a registration that shows no record (online) is not a view.
    const online = await register('card-01', { visitType: 'online', consultationDate: '2026-11-30' });
    const beforeOnline = (await auditRows()).length;
    await outcome(online.reg);
    expect((await auditRows()).slice(beforeOnline).map((r) => r.action)).toEqual([]);
  });
});

it('X5: a renewed challenge is an audited step of the registration', async () => {
  const reg = await start();
  const before = (await auditRows()).length;
  expect((await renew(reg, true)).status).toBe(201);
  const added = (await auditRows()).slice(before);
  expect(added.map((r) => [r.action, r.subject_id, r.device_id, r.detail])).toEqual([
    ['handoff.challenge_renewed', reg.registrationId, DEVICE, 'sameDevice'],
  ]);
});

// Issue 17 #2: the reception used to commit three times per flow (two transactions and the device
// record on its own). Counted by the embedded database's group commit (src/server/db/group-commit.ts).
describe.skipIf(Boolean(process.env.DATABASE_URL))('issue 17 #2: a registration flow is at most two transactions', () => {
  const transactions = () => t.commitStats!.transactions;

  // Besides its transaction, each request takes a rate-limit slot before the work (and the
  // handoff gives it back on success): single statements kept whatever the work's outcome, so
  // they cannot join its transaction; they share its group commit all the same.
  it('registration: one transaction, which also records the device; handoff: one transaction', async () => {
    const device = crypto.randomUUID();
    let before = transactions();
    const reg = await start({}, device);
    expect(transactions() - before).toBe(1);
    // The device record was written in the registration's transaction (it used to commit alone).
    const seen = await t.db.selectFrom('institution_device').select('registrations').where('device_id', '=', device).executeTakeFirstOrThrow();
    expect(Number(seen.registrations)).toBe(1);
    // The card app's answer is the simulator's (another process in production): not counted.
    const response = await sign('card-02', reg.challenge);
    before = transactions();
    expect((await postHandoff(response)).status).toBe(200);
    expect(transactions() - before).toBe(1);
  });

  it('twenty flows at once share their commits', async () => {
    const before = t.commitStats!.commits;
    const regs = await Promise.all(Array.from({ length: 20 }, () => start({}, crypto.randomUUID())));
    const commits = t.commitStats!.commits - before;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThan(20);
    for (const reg of regs) expect(reg.registrationId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
