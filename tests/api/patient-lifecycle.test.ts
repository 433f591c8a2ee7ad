import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import { agreeToAll, agreeToNone } from '../../src/domain/consent/consent.ts';
import type { HandoffChallenge } from '../../src/domain/registration/handoff.ts';
import type { RegistrationOutcomeDto, StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { createTestApp, jsonRequest, type TestApp } from './support/test-app.ts';

/**
 * The patient's side of the lifecycle, each step confirmed with the card: U1 query and update
 * (U2: the online date only when the patient came by URL/QR) and X3 revoke everything.
 */

const DEVICE = '5f0c2a9e-7b3d-4e8a-9c6f-0d2f4b6a8e10';
const RETURN_URL = 'https://telemed.example/return';
let t: TestApp;
let linkToken: string;

beforeAll(async () => {
  t = await createTestApp();
  linkToken = t.demo.institution.link_token;
});
afterAll(async () => {
  await t.close();
});

async function post<T>(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, jsonRequest('POST', body, { 'x-device-id': DEVICE, ...headers }));
  return { status: res.status, body: (await res.json()) as T & ApiErrorBody };
}

function sign(cardId: string, challenge: Pick<HandoffChallenge, 'challengeId' | 'nonce'>) {
  return signChallenge(t.db, t.cardSim, { cardId, pin: DEMO_PIN, ...challenge, now: t.clock.now() });
}

/** Starts a request, confirms it with the card and returns the device's view of the outcome. */
async function confirmWithCard(path: string, body: Record<string, unknown>, cardId: string) {
  const started = await post<StartRegistrationResponse>(path, { linkToken, arrival: 'link', handoffPath: 'sameDevice', ...body });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const handoff = await post<unknown>('/api/handoff', await sign(cardId, started.body.challenge));
  const res = await t.app.request(`/api/public/registrations/${started.body.registrationId}`, {
    headers: { authorization: `Bearer ${started.body.accessToken}` },
  });
  return { handoff, outcome: (await res.json()) as RegistrationOutcomeDto };
}

async function registerConsent(cardId: string, extra: Record<string, unknown> = {}) {
  const { handoff, outcome } = await confirmWithCard(
    '/api/public/registrations',
    { visitType: 'homeVisit', choices: agreeToAll(), prescriptionForm: 'paper', ...extra },
    cardId,
  );
  expect(handoff.status).toBe(200);
  return outcome;
}

async function consentRow(registrationId: string) {
  const reg = await t.db.selectFrom('registration').select('consent_id').where('id', '=', registrationId).executeTakeFirstOrThrow();
  return t.db.selectFrom('consent').selectAll().where('id', '=', reg.consent_id!).executeTakeFirstOrThrow();
}

describe('U1: query and update, each confirmed with the card', () => {
  it('a query confirmed by card shows the person’s consents in force, and nobody else’s', async () => {
    const mine = await registerConsent('card-06');
    await registerConsent('card-09');
    const { handoff, outcome } = await confirmWithCard('/api/public/card-requests', { purpose: 'query' }, 'card-06');
    expect(handoff.status).toBe(200);
    expect(outcome).toMatchObject({ purpose: 'query', status: 'completed', eligibility: null });
    const consent = await consentRow(mine.registrationId);
    expect(outcome.consents).toEqual([
      expect.objectContaining({ id: consent.id, visitType: 'homeVisit', prescriptionForm: 'paper', validUntil: null }),
    ]);
  });

  it('an update narrows the scopes once the holder’s card confirms it', async () => {
    const registered = await registerConsent('card-12');
    const consent = await consentRow(registered.registrationId);
    const { handoff, outcome } = await confirmWithCard(
      '/api/public/card-requests',
      { purpose: 'update', consentId: consent.id, choices: { ...agreeToNone(), checkup: true }, prescriptionForm: 'electronic' },
      'card-12',
    );
    expect(handoff.status).toBe(200);
    expect(outcome.status).toBe('completed');
    const after = await consentRow(registered.registrationId);
    expect(after).toMatchObject({ scopes: 'checkup', prescription_form: 'electronic', status: 'active' });
    const audit = await t.db.selectFrom('audit_event').select(['action', 'subject_id']).where('action', '=', 'consent.updated').execute();
    expect(audit).toContainEqual({ action: 'consent.updated', subject_id: consent.id });
  });

  it('an update confirmed with somebody else’s card changes nothing (card_holder_mismatch)', async () => {
    const registered = await registerConsent('card-13');
    const consent = await consentRow(registered.registrationId);
    const { handoff, outcome } = await confirmWithCard(
      '/api/public/card-requests',
      { purpose: 'update', consentId: consent.id, choices: agreeToNone() },
      'card-14',
    );
    expect(handoff.status).toBe(422);
    expect(handoff.body.error.code).toBe('card_holder_mismatch');
    expect(outcome).toMatchObject({ status: 'failed', failure: 'card_holder_mismatch' });
    expect((await consentRow(registered.registrationId)).scopes).toBe(consent.scopes);
  });

  it('an expired or revoked consent cannot be updated (consent_not_active)', async () => {
    const houseCall = await registerConsent('card-10', { visitType: 'houseCall' });
    const consent = await consentRow(houseCall.registrationId);
    t.clock.advance(25 * 60 * 60 * 1000);
    const refused = await post('/api/public/card-requests', {
      purpose: 'update',
      linkToken,
      arrival: 'link',
      handoffPath: 'sameDevice',
      consentId: consent.id,
      choices: agreeToNone(),
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('consent_not_active');
  });

  it('U2: the online date can be changed by a patient who came by URL/QR, not from an app', async () => {
    const online = await registerConsent('card-11', { visitType: 'online', consultationDate: '2026-12-01', prescriptionForm: 'electronic' });
    const consent = await consentRow(online.registrationId);
    const fromApp = await post('/api/public/card-requests', {
      purpose: 'update',
      linkToken,
      arrival: 'app',
      returnUrl: RETURN_URL,
      handoffPath: 'sameDevice',
      consentId: consent.id,
      choices: agreeToAll(),
      consultationDate: '2026-12-05',
    });
    expect(fromApp.status).toBe(422);
    expect(fromApp.body.error.code).toBe('consultation_date_locked');

    const byLink = await confirmWithCard(
      '/api/public/card-requests',
      { purpose: 'update', consentId: consent.id, choices: agreeToAll(), consultationDate: '2026-12-05' },
      'card-11',
    );
    expect(byLink.handoff.status).toBe(200);
    const after = await consentRow(online.registrationId);
    expect(after.consultation_date).toBe('2026-12-05');
    // V3: the window moves with the date: the end of 5 December in Japan.
    expect(after.valid_until).toBe('2026-12-05T15:00:00.000Z');
  });

  it('U3: a house call’s consent is shown by a query but cannot be updated, even by a crafted request', async () => {
    const call = await registerConsent('card-15', { visitType: 'houseCall' });
    const consent = await consentRow(call.registrationId);
    const query = await confirmWithCard('/api/public/card-requests', { purpose: 'query' }, 'card-15');
    expect(query.outcome.consents).toEqual([expect.objectContaining({ id: consent.id, visitType: 'houseCall' })]);

    // The menu offers no update for it; a request crafted by hand, from a link or "from an app", is refused
    // before anything is stored, so there is no card step to answer.
    const updatesBefore = await t.db.selectFrom('registration').select('id').where('purpose', '=', 'update').execute();
    for (const arrival of [{ arrival: 'link' }, { arrival: 'app', returnUrl: RETURN_URL }]) {
      const crafted = await post('/api/public/card-requests', {
        purpose: 'update',
        linkToken,
        ...arrival,
        handoffPath: 'crossDevice',
        consentId: consent.id,
        choices: agreeToNone(),
        prescriptionForm: 'electronic',
      });
      expect(crafted.status).toBe(409);
      expect(crafted.body.error).toEqual({ code: 'consent_not_updatable', message: expect.any(String) });
    }
    expect(await t.db.selectFrom('registration').select('id').where('purpose', '=', 'update').execute()).toEqual(updatesBefore);
    expect(await consentRow(call.registrationId)).toMatchObject({ scopes: consent.scopes, prescription_form: consent.prescription_form, status: 'active' });
    // Revocation stays possible: the X3 test below revokes a house call's consent with the card.
  });

  it('refuses unknown fields in a card request (P1)', async () => {
    const res = await post('/api/public/card-requests', { purpose: 'query', linkToken, arrival: 'link', handoffPath: 'sameDevice', myNumber: '123456789012' });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).not.toContain('123456789012');
  });
});

describe('X3: the patient revokes every consent at this institution', () => {
  it('revokes all of the card holder’s active consents, records why, and leaves other people’s alone', async () => {
    const home = await registerConsent('card-07');
    const call = await registerConsent('card-07', { visitType: 'houseCall' });
    const twin = await registerConsent('card-08');
    const { handoff, outcome } = await confirmWithCard('/api/public/card-requests', { purpose: 'revokeAll' }, 'card-07');
    expect(handoff.status).toBe(200);
    expect(outcome).toMatchObject({ purpose: 'revokeAll', status: 'completed', revokedCount: 2 });
    for (const reg of [home, call]) {
      expect(await consentRow(reg.registrationId)).toMatchObject({ status: 'revoked', revoke_reason: 'patientByCard' });
    }
    expect((await consentRow(twin.registrationId)).status).toBe('active');
    // A query afterwards shows nothing in force.
    const after = await confirmWithCard('/api/public/card-requests', { purpose: 'query' }, 'card-07');
    expect(after.outcome.consents).toEqual([]);
  });

  it('X5: each revocation and the request itself are audited with the person and the device', async () => {
    const rows = await t.db.selectFrom('audit_event').selectAll().where('action', 'in', ['consent.revoked', 'consents.revokedAll']).execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) expect(row).toMatchObject({ actor_type: 'patient', person_ref: 'p07', device_id: DEVICE });
  });
});
