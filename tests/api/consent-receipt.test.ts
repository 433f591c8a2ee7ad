import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import { agreeToAll, agreeToNone } from '../../src/domain/consent/consent.ts';
import { RECEIPT_ID_BYTES, receiptIdFromBytes, type ConsentReceipt, type ReceiptLookupResponse } from '../../src/domain/consent/consent-receipt.ts';
import type { EligibilityRecord } from '../../src/domain/registration/eligibility.ts';
import type { HandoffChallenge } from '../../src/domain/registration/handoff.ts';
import type { RegistrationOutcomeDto, StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { createTestApp, jsonRequest, loginAs, loginWithTotp, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/**
 * Issue 19 #4: the patient's consent receipt. Issued for each card-confirmed registration (R6),
 * update (U1) and revocation (X3); read only by the device that made the request (its access
 * token); checked by staff of the same institution only; insurance numbers only by their last digits.
 */

const DEVICE = '5f0c2a9e-7b3d-4e8a-9c6f-0d2f4b6a8e10';
const RECEIPT_ID = /^CR-[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/;
let t: TestApp;
let linkToken: string;

beforeAll(async () => {
  t = await createTestApp();
  linkToken = t.demo.institution.link_token;
  // Another clinic with its own clerk, to prove that a receipt id is checked at its own clinic only.
  const institutionId = randomUUID();
  await t.db
    .insertInto('institution')
    .values({ ...t.demo.institution, id: institutionId, code: '1310000017', name: '別の診療所', link_token: 'other-institution-link-r' })
    .execute();
  await t.db
    .insertInto('staff_account')
    .values({
      id: randomUUID(),
      institution_id: institutionId,
      login_id: 'other-clerk-r',
      display_name: '別の受付',
      role: 'clerk',
      password_hash: await hashPassword('other-password-1'),
      totp_secret: TEST_TOTP_SECRET,
      created_at: new Date().toISOString(),
    })
    .execute();
});
afterAll(async () => {
  await t.close();
});

async function post<T>(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, jsonRequest('POST', body, { 'x-device-id': DEVICE, ...headers }));
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as T & ApiErrorBody };
}

function sign(cardId: string, challenge: Pick<HandoffChallenge, 'challengeId' | 'nonce'>) {
  return signChallenge(t.db, t.cardSim, { cardId, pin: DEMO_PIN, ...challenge, now: t.clock.now() });
}

async function outcomeOf(registrationId: string, token: string | null) {
  const res = await t.app.request(`/api/public/registrations/${registrationId}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as RegistrationOutcomeDto & ApiErrorBody };
}

/** Starts a request on this device, answers it with the card and reads the device's outcome. */
async function confirmWithCard(path: string, body: Record<string, unknown>, cardId: string, link = linkToken) {
  const started = await post<StartRegistrationResponse>(path, { linkToken: link, arrival: 'link', handoffPath: 'sameDevice', ...body });
  expect(started.status, started.text).toBe(201);
  const handoff = await post<unknown>('/api/handoff', await sign(cardId, started.body.challenge));
  expect(handoff.status, handoff.text).toBe(200);
  const outcome = await outcomeOf(started.body.registrationId, started.body.accessToken);
  expect(outcome.status).toBe(200);
  return { started: started.body, handoffText: handoff.text, outcome: outcome.body };
}

const register = (cardId: string, extra: Record<string, unknown> = {}, link = linkToken) =>
  confirmWithCard('/api/public/registrations', { visitType: 'homeVisit', choices: agreeToAll(), prescriptionForm: 'paper', ...extra }, cardId, link);

async function consentOf(registrationId: string) {
  const reg = await t.db.selectFrom('registration').select('consent_id').where('id', '=', registrationId).executeTakeFirstOrThrow();
  return t.db.selectFrom('consent').selectAll().where('id', '=', reg.consent_id!).executeTakeFirstOrThrow();
}

async function recordOf(consentId: string): Promise<EligibilityRecord> {
  const row = await t.db.selectFrom('eligibility_check').select('record_json').where('consent_id', '=', consentId).executeTakeFirstOrThrow();
  return JSON.parse(row.record_json) as EligibilityRecord;
}

/** Nothing of the insurance numbers beyond the last digits: not the number, the symbol or the insurer number. */
function expectOnlyLastDigits(receipt: unknown, record: EligibilityRecord) {
  const { receiptId: _id, ...rest } = receipt as ConsentReceipt;
  const text = JSON.stringify(rest);
  expect(record.number.length).toBeGreaterThanOrEqual(2);
  expect(text).not.toContain(record.number);
  expect(text).not.toContain(record.insurerNumber);
  if (record.symbol.length >= 2) expect(text).not.toContain(record.symbol);
  const shown = (rest as Omit<ConsentReceipt, 'receiptId'>).principal.insuredNumber;
  expect(shown).toMatch(/^\*{4}\d*$/);
  const digits = shown!.slice(4);
  expect(digits.length).toBeLessThanOrEqual(Math.floor(record.number.length / 2));
  expect(record.number.endsWith(digits)).toBe(true);
}

const cookies: Record<string, string> = {};
async function lookUp(id: string, who: 'clerk' | 'doctor' | 'other' = 'clerk') {
  cookies[who] ??= who === 'other' ? await loginWithTotp(t, 'other-clerk-r', 'other-password-1', TEST_TOTP_SECRET) : await loginAs(t, who);
  const res = await t.app.request(`/api/staff/consent-receipts/${encodeURIComponent(id)}`, { headers: { cookie: cookies[who] } });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as ReceiptLookupResponse & ApiErrorBody };
}

describe('the receipt after a registration (R6), by visit type (V1–V3)', () => {
  it('a home visit: institution, each choice granted or refused, until revoked, when, a receipt id, how to withdraw', async () => {
    const { started, outcome } = await register('card-01', { choices: { ...agreeToNone(), medication: true, specificDisease: true } });
    const consent = await consentOf(started.registrationId);
    const receipt = outcome.receipt!;
    expect(receipt.receiptId).toMatch(RECEIPT_ID);
    expect(receipt).toMatchObject({
      event: 'registered',
      issuedAt: t.clock.now().toISOString(),
      jurisdiction: 'JP',
      collectionMethod: 'cardAuthentication',
      controller: { name: t.demo.institution.name, institutionCode: t.demo.institution.code },
      sensitive: true,
      withdrawal: { byLinkMenu: true, byClinic: true },
    });
    expect(receipt.consents).toEqual([
      {
        visitType: 'homeVisit',
        choices: [
          { choice: 'surgery', granted: false },
          { choice: 'medication', granted: true },
          { choice: 'checkup', granted: false },
          { choice: 'costLimit', granted: false },
          { choice: 'specificDisease', granted: true },
        ],
        prescriptionForm: 'paper',
        consultationDate: null,
        registeredAt: consent.registered_at,
        validity: { kind: 'untilRevoked' },
      },
    ]);
    expectOnlyLastDigits(receipt, await recordOf(consent.id));
    // Stored with the event: the card request, the consent, the person.
    const row = await t.db.selectFrom('consent_receipt').selectAll().where('id', '=', receipt.receiptId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ event: 'registered', card_request_id: started.registrationId, consent_ids: consent.id, person_ref: consent.person_ref });
  });

  it('V2: a house call states the instant 24 hours later', async () => {
    const { started, outcome } = await register('card-10', { visitType: 'houseCall' });
    const consent = await consentOf(started.registrationId);
    expect(consent.valid_until).toBe(new Date(t.clock.now().getTime() + 24 * 3600 * 1000).toISOString());
    expect(outcome.receipt!.consents[0]!.validity).toEqual({ kind: 'hours24', until: consent.valid_until });
  });

  it('V3: an online consultation states its consultation date', async () => {
    const { outcome } = await register('card-11', { visitType: 'online', consultationDate: '2026-12-01', prescriptionForm: 'electronic' });
    // R7: no eligibility record for an online patient, but the receipt of what they agreed to.
    expect(outcome.eligibility).toBeNull();
    expect(outcome.receipt!.consents[0]!.validity).toEqual({ kind: 'throughConsultationDate', date: '2026-12-01', until: '2026-12-01T15:00:00.000Z' });
  });

  it('with staff signed in on the tablet (a home visit), the collection method says so', async () => {
    const cookie = await loginAs(t, 'clerk');
    const started = await post<StartRegistrationResponse>(
      '/api/public/registrations',
      { linkToken, arrival: 'link', handoffPath: 'crossDevice', visitType: 'homeVisit', choices: agreeToAll(), prescriptionForm: 'paper' },
      { cookie },
    );
    expect(started.status, started.text).toBe(201);
    expect((await post('/api/handoff', await sign('card-14', started.body.challenge))).status).toBe(200);
    const outcome = await outcomeOf(started.body.registrationId, started.body.accessToken);
    expect(outcome.body.receipt!.collectionMethod).toBe('cardAuthenticationWithStaff');
  });
});

describe('the receipt after an update (U1) and a revocation (X3)', () => {
  it('an update issues a new receipt with the new terms; the first keeps what was agreed then', async () => {
    const first = await register('card-12');
    const consent = await consentOf(first.started.registrationId);
    t.clock.advance(60 * 1000);
    const { started, outcome } = await confirmWithCard(
      '/api/public/card-requests',
      { purpose: 'update', consentId: consent.id, choices: { ...agreeToNone(), checkup: true }, prescriptionForm: 'electronic' },
      'card-12',
    );
    const receipt = outcome.receipt!;
    expect(receipt.receiptId).toMatch(RECEIPT_ID);
    expect(receipt.receiptId).not.toBe(first.outcome.receipt!.receiptId);
    expect(receipt).toMatchObject({ event: 'updated', issuedAt: t.clock.now().toISOString(), sensitive: false });
    expect(receipt.consents[0]).toMatchObject({ visitType: 'homeVisit', prescriptionForm: 'electronic', registeredAt: consent.registered_at, validity: { kind: 'untilRevoked' } });
    expect(receipt.consents[0]!.choices.filter((c) => c.granted).map((c) => c.choice)).toEqual(['checkup']);
    expectOnlyLastDigits(receipt, await recordOf(consent.id));
    const row = await t.db.selectFrom('consent_receipt').selectAll().where('card_request_id', '=', started.registrationId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ event: 'updated', consent_ids: consent.id });
    // The registration's receipt is unchanged: a receipt says what was agreed when it was issued.
    const again = await outcomeOf(first.started.registrationId, first.started.accessToken);
    expect(again.body.receipt).toEqual(first.outcome.receipt);
  });

  it('a revocation of everything: one receipt naming each consent it ended, when, and no withdrawal left', async () => {
    const home = await register('card-15');
    const online = await register('card-15', { visitType: 'online', consultationDate: '2026-12-03', prescriptionForm: 'electronic' });
    const ids = [(await consentOf(home.started.registrationId)).id, (await consentOf(online.started.registrationId)).id];
    t.clock.advance(60 * 1000);
    const { started, outcome } = await confirmWithCard('/api/public/card-requests', { purpose: 'revokeAll' }, 'card-15');
    expect(outcome.revokedCount).toBe(2);
    const receipt = outcome.receipt!;
    const at = t.clock.now().toISOString();
    expect(receipt).toMatchObject({ event: 'revoked', issuedAt: at, withdrawal: null, sensitive: false });
    expect(receipt.consents.map((c) => c.visitType).sort()).toEqual(['homeVisit', 'online']);
    for (const c of receipt.consents) expect(c.validity).toEqual({ kind: 'ended', at });
    expectOnlyLastDigits(receipt, await recordOf(ids[0]!));
    const row = await t.db.selectFrom('consent_receipt').selectAll().where('card_request_id', '=', started.registrationId).executeTakeFirstOrThrow();
    expect(row.event).toBe('revoked');
    expect(row.consent_ids.split(',').sort()).toEqual([...ids].sort());
  });

  it('a query (U1, first card step) issues no receipt: nothing was agreed or changed', async () => {
    await register('card-16');
    const { started, outcome } = await confirmWithCard('/api/public/card-requests', { purpose: 'query' }, 'card-16');
    expect(outcome.receipt).toBeNull();
    expect(await t.db.selectFrom('consent_receipt').select('id').where('card_request_id', '=', started.registrationId).execute()).toEqual([]);
  });
});

describe('only the device that made the request gets the receipt', () => {
  it('not the card app (the handoff answer), not without the token, not with another request’s token, not after the token’s time', async () => {
    const mine = await register('card-05');
    const other = await register('card-06');
    expect(mine.outcome.receipt).not.toBeNull();
    // The card app, maybe on another phone, is told "completed" and nothing else.
    expect(mine.handoffText).not.toContain(mine.outcome.receipt!.receiptId);
    expect(JSON.parse(mine.handoffText)).toEqual({ status: 'completed' });
    for (const token of [null, other.started.accessToken, `${mine.started.accessToken}x`, 'forged']) {
      const reply = await outcomeOf(mine.started.registrationId, token);
      expect(reply.status).toBe(404);
      expect(JSON.stringify(reply.body)).not.toContain(mine.outcome.receipt!.receiptId);
    }
    t.clock.advance(31 * 60 * 1000);
    expect((await outcomeOf(mine.started.registrationId, mine.started.accessToken)).status).toBe(404);
  });

  it('a replayed card answer issues no second receipt', async () => {
    const started = await post<StartRegistrationResponse>('/api/public/registrations', {
      linkToken,
      arrival: 'link',
      handoffPath: 'sameDevice',
      visitType: 'homeVisit',
      choices: agreeToAll(),
      prescriptionForm: 'paper',
    });
    const answer = await sign('card-07', started.body.challenge);
    const replies = await Promise.all([post('/api/handoff', answer), post('/api/handoff', answer)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await t.db.selectFrom('consent_receipt').select('id').where('card_request_id', '=', started.body.registrationId).execute()).toHaveLength(1);
  });
});

describe('staff check a receipt id (GET /api/staff/consent-receipts/:receiptId)', () => {
  let receipt: ConsentReceipt;
  let consentId: string;
  let personRef: string;

  beforeAll(async () => {
    const { started, outcome } = await register('card-09', { visitType: 'houseCall' });
    receipt = outcome.receipt!;
    const consent = await consentOf(started.registrationId);
    consentId = consent.id;
    personRef = consent.person_ref;
  });

  it('at the clinic: which event, which consent (its state now), whose; as typed (case, no hyphens)', async () => {
    for (const typed of [receipt.receiptId, receipt.receiptId.toLowerCase().replace(/-/g, ' ')]) {
      const reply = await lookUp(typed);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.receipt).toMatchObject({ receiptId: receipt.receiptId, event: 'registered', issuedAt: receipt.issuedAt, personRef, content: receipt });
      expect(reply.body.receipt.consents).toEqual([expect.objectContaining({ id: consentId, visitType: 'houseCall', state: 'active' })]);
      expectOnlyLastDigits(reply.body.receipt.content, await recordOf(consentId));
    }
    const audit = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'consent.receipt_checked').where('outcome', '=', 'ok').execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(audit[0]).toMatchObject({ person_ref: personRef, subject_id: receipt.receiptId, actor_type: 'staff' });
  });

  it('another institution’s staff cannot look it up: the same "not found" as an unknown id', async () => {
    const foreign = await lookUp(receipt.receiptId, 'other');
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('consent_receipt_not_found');
    expect(foreign.text).not.toContain(personRef);
    expect(foreign.text).not.toContain(consentId);
    // And the other clinic's own receipts are not visible here either.
    const theirs = await register('card-13', {}, 'other-institution-link-r');
    expect((await lookUp(theirs.outcome.receipt!.receiptId, 'other')).status).toBe(200);
    expect((await lookUp(theirs.outcome.receipt!.receiptId, 'clerk')).status).toBe(404);
  });

  it('a guessed or malformed id finds nothing, and the refusal is audited', async () => {
    const before = await t.db.selectFrom('audit_event').select('seq').where('action', '=', 'consent.receipt_checked').where('outcome', '=', 'refused').execute();
    for (const guess of [receiptIdFromBytes(randomBytes(RECEIPT_ID_BYTES)), 'CR-00000-00000-00000-00000', 'not-a-receipt', consentId, "CR-'; DROP TABLE consent_receipt;--"]) {
      const reply = await lookUp(guess);
      expect(reply.status, guess).toBe(404);
      expect(reply.body.error.code).toBe('consent_receipt_not_found');
      expect(reply.text).not.toContain(guess);
    }
    const after = await t.db.selectFrom('audit_event').select('seq').where('action', '=', 'consent.receipt_checked').where('outcome', '=', 'refused').execute();
    expect(after.length - before.length).toBe(5);
  });

  it('after the staff revoke the consent, the receipt shows the consent’s state now', async () => {
    const cookie = await loginAs(t, 'clerk');
    const revoked = await t.app.request(`/api/staff/consents/${consentId}/revoke`, jsonRequest('POST', { reason: 'houseCallCompleted' }, { cookie }));
    expect(revoked.status, await revoked.clone().text()).toBe(200);
    const reply = await lookUp(receipt.receiptId, 'doctor');
    expect(reply.status).toBe(200);
    expect(reply.body.receipt.consents[0]).toMatchObject({ id: consentId, state: 'revoked' });
    expect(reply.body.receipt.content).toEqual(receipt);
  });

  it('without a session: 401', async () => {
    const res = await t.app.request(`/api/staff/consent-receipts/${receipt.receiptId}`);
    expect(res.status).toBe(401);
  });
});
