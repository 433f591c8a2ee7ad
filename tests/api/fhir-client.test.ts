import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, Consent, Coverage, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import type { StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import type { CreatedApiClientResponse } from '../../src/domain/api-client/api-client-api.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { createTestApp, jsonRequest, loginAs, type TestApp } from './support/test-app.ts';
import { validateR4 } from './support/fhir-validate.ts';

/**
 * Issue 19 #2: a third-party FHIR client from npm (fhir-kit-client), not the project's own code,
 * reads consents and coverage from the real app listening on a port over HTTP: the capability
 * statement, searches, reads, paging by the Bundle's next link, and the refusals it receives.
 */

const DEVICE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const MEMBER_ID = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';

let t: TestApp;
let server: ServerType;
let base: string;
let secret: string;
const consentIds: string[] = [];

/** What fhir-kit-client throws for a non-2xx answer. */
interface ClientError {
  response: { status: number; data: OperationOutcome };
}

async function register(cardId: string, visitType: string, extra: Record<string, unknown> = {}): Promise<string> {
  const started = await t.app.request(
    '/api/public/registrations',
    jsonRequest('POST', { linkToken: t.demo.institution.link_token, visitType, arrival: 'link', choices: agreeToAll(), prescriptionForm: 'paper', handoffPath: 'crossDevice', ...extra }, { 'x-device-id': DEVICE }),
  );
  expect(started.status).toBe(201);
  const reg = (await started.json()) as StartRegistrationResponse;
  const answer = await signChallenge(t.db, t.cardSim, { cardId, pin: DEMO_PIN, ...reg.challenge, now: t.clock.now() });
  expect((await t.app.request('/api/handoff', jsonRequest('POST', answer))).status).toBe(200);
  return (await t.db.selectFrom('registration').select('consent_id').where('id', '=', reg.registrationId).executeTakeFirstOrThrow()).consent_id!;
}

beforeAll(async () => {
  // The port comes first (port 0: the system picks one), so the app's public address, which its
  // Bundles' fullUrl and next links use, is the one the client reaches.
  let handler: ((request: Request) => Response | Promise<Response>) | undefined;
  server = serve({ fetch: (request: Request) => (handler ? handler(request) : new Response('starting', { status: 503 })), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  t = await createTestApp({ config: { publicUrl: base } });
  handler = (request) => t.app.fetch(request);

  consentIds.push(await register('card-01', 'homeVisit'));
  consentIds.push(await register('card-13', 'online', { consultationDate: '2026-11-24' }));
  consentIds.push(await register('card-06', 'homeVisit'));
  const admin = await loginAs(t, 'admin');
  const created = await t.app.request('/api/staff/api-clients', {
    ...jsonRequest('POST', { name: 'レセコン', scopes: ['consent.read', 'coverage.read'] }),
    headers: { 'content-type': 'application/json', cookie: admin, 'x-device-id': DEVICE, origin: base, 'sec-fetch-site': 'same-origin' },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  secret = ((await created.json()) as CreatedApiClientResponse).secret;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

function client(token: string | null = secret): Client {
  return new Client({ baseUrl: `${base}/fhir/r4`, ...(token ? { bearerToken: token } : {}) });
}

/** The client's answer as the resource type expected (its own FHIR typings are another package's). */
function as<T extends Resource>(value: unknown, type: T['resourceType']): T {
  expect((value as Resource).resourceType).toBe(type);
  return value as T;
}

async function failureOf(promise: Promise<unknown> | undefined): Promise<ClientError['response']> {
  try {
    await promise;
  } catch (err) {
    return (err as ClientError).response;
  }
  throw new Error('the request did not fail');
}

describe('fhir-kit-client against the running server', () => {
  it('reads the capability statement', async () => {
    const cs = as<CapabilityStatement>(await client(null).capabilityStatement(), 'CapabilityStatement');
    validateR4(cs);
    expect(cs.fhirVersion).toBe('4.0.1');
    expect(cs.rest?.[0]?.resource?.map((r) => r.type)).toContain('Consent');
  });

  it('searches and reads consents', async () => {
    const bundle = as<Bundle>(await client().search({ resourceType: 'Consent', searchParams: { patient: 'Patient/p01' } }), 'Bundle');
    validateR4(bundle);
    expect(bundle.total).toBe(1);
    const consent = bundle.entry?.[0]?.resource as Consent;
    expect(consent.id).toBe(consentIds[0]);
    expect(bundle.entry?.[0]?.fullUrl).toBe(`${base}/fhir/r4/Consent/${consentIds[0]!}`);
    const read = as<Consent>(await client().read({ resourceType: 'Consent', id: consentIds[1]! }), 'Consent');
    validateR4(read);
    expect(read.status).toBe('active');
    expect(read.category.flatMap((c) => c.coding ?? []).map((c) => c.code)).toContain('online');
  });

  it('searches coverage by the JP Core insured-person identifier and pages through every coverage by the next link', async () => {
    const byIdentifier = as<Bundle>(await client().search({ resourceType: 'Coverage', searchParams: { identifier: `${MEMBER_ID}|00131201:練３:215536:01` } }), 'Bundle');
    validateR4(byIdentifier);
    expect(byIdentifier.total).toBe(1);
    const coverage = byIdentifier.entry?.[0]?.resource as Coverage;
    expect(coverage.beneficiary.reference).toBe('Patient/p13');
    expect(as<Coverage>(await client().read({ resourceType: 'Coverage', id: coverage.id! }), 'Coverage').identifier?.[0]?.system).toBe(MEMBER_ID);

    const seen: string[] = [];
    let page: Bundle | undefined = as<Bundle>(await client().search({ resourceType: 'Coverage', searchParams: { _count: 1 } }), 'Bundle');
    while (page) {
      validateR4(page);
      expect(page.total).toBe(3);
      seen.push(...(page.entry ?? []).map((e) => (e.resource as Resource).id!));
      const next = client().nextPage({ bundle: page as unknown as Parameters<Client['nextPage']>[0]['bundle'] });
      page = next ? as<Bundle>(await next, 'Bundle') : undefined;
    }
    expect(new Set(seen).size).toBe(3);
  });

  it('receives OperationOutcomes: no credential 401, another scope 403, an unknown id 404, a malformed search 400', async () => {
    const unauthenticated = await failureOf(client(null).search({ resourceType: 'Consent' }));
    expect(unauthenticated.status).toBe(401);
    validateR4(unauthenticated.data);
    const forbidden = await failureOf(client().search({ resourceType: 'Patient' }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.data.issue[0]?.code).toBe('forbidden');
    const missing = await failureOf(client().read({ resourceType: 'Consent', id: '0f0e0d0c-0b0a-4909-8807-060504030201' }));
    expect(missing.status).toBe(404);
    expect(missing.data.resourceType).toBe('OperationOutcome');
    const malformed = await failureOf(client().search({ resourceType: 'Consent', searchParams: { _lastUpdated: 'yesterday' } }));
    expect(malformed.status).toBe(400);
    expect(malformed.data.issue[0]?.code).toBe('invalid');
  });
});
