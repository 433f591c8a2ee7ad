import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/server/config.ts';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import { DEMO_PIN } from '../../src/domain/registration/card-simulator.ts';
import type { StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import type { CreatedApiClientResponse } from '../../src/domain/api-client/api-client-api.ts';
import { scaledRateLimits } from '../../src/server/http/rate-limit-config.ts';
import { signChallenge } from '../../src/server/national/embedded/card-simulator/card-sim.service.ts';
import { newestBackupAt } from '../../src/server/metrics/backup-age.ts';
import { MANIFEST_SUFFIX } from '../../src/server/backup/backup.service.ts';
import { createTestApp, jsonRequest, loginAs, type TestApp } from './support/test-app.ts';

/**
 * `/metrics` (issue 17 #6, issue 20 #3): Prometheus text that a strict parser accepts, counters
 * that move with real requests (a registration through the card simulator, a refused rate limit,
 * declarations from the outbox, API-client calls), gauges for the revocation lists, the last
 * backup and the webhook queue; never a link token, an id or a secret in it. Reachable only with
 * METRICS_TOKEN or from METRICS_ALLOW_FROM (the client address as the rate limits see it).
 */

const TOKEN = 'metrics-token-0123456789';
const DEVICE = '6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const HOUR_MS = 3600_000;
const ALLOW = ['10.1.0.0/16', '192.0.2.7', '2001:db8::/32'];

let t: TestApp;
let withoutToken: TestApp;
let behindProxy: TestApp;
let backupDir: string;

beforeAll(async () => {
  backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-metrics-backups-'));
  t = await createTestApp({
    config: {
      metricsToken: TOKEN,
      metricsAllowFrom: ALLOW,
      backupDir,
      // One public institution registration per hour: the second is refused (and counted).
      rateLimits: { ...scaledRateLimits(1000), institutionRegisterPerClient: { limit: 1, windowMs: HOUR_MS } },
    },
  });
  withoutToken = await createTestApp();
  behindProxy = await createTestApp({ config: { metricsAllowFrom: ALLOW, trustProxy: true } });
}, 120_000);
afterAll(async () => {
  await t.close();
  await withoutToken.close();
  await behindProxy.close();
  fs.rmSync(backupDir, { recursive: true, force: true });
});

/** A request as the Node server hands it over: the socket's address in `c.env.incoming`. */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

function scrape(app: TestApp, options: { authorization?: string; address?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization) headers.authorization = options.authorization;
  return app.app.request('/metrics', { headers }, options.address ? from(options.address) : {});
}

// ---------------------------------------------------------------------------------------------
// A strict reader of the text exposition format (version 0.0.4).

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\["\\\\n])*"';
// Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes `Nan`).
const VALUE = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[Nn][Aa][Nn]|[+-]Inf)';
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?\\})? (${VALUE})(?: -?\\d+)?$`);
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const ONE_LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"/g;

function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const lines = text.split('\n');
  // The text ends with a newline; empty lines (prom-client's between families) are ignored by the format.
  expect(lines.pop()).toBe('');
  for (const line of lines) {
    if (line === '') continue;
    const help = HELP_LINE.exec(line);
    if (help) {
      const [, name = '', text = ''] = help;
      expect(families.has(name), `second HELP for ${name}`).toBe(false);
      families.set(name, { type: '', help: text, samples: [] });
      continue;
    }
    const type = TYPE_LINE.exec(line);
    if (type) {
      const family = families.get(type[1]!);
      expect(family, `TYPE before HELP: ${line}`).toBeDefined();
      expect(family!.type, `second TYPE: ${line}`).toBe('');
      family!.type = type[2]!;
      continue;
    }
    const sample = SAMPLE_LINE.exec(line);
    expect(sample, `not an exposition line: ${JSON.stringify(line)}`).not.toBeNull();
    const [, name = '', labelText = '', value = ''] = sample!;
    const family = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
    expect(family, `sample without HELP and TYPE: ${line}`).toBeDefined();
    expect(family!.type, `sample before its TYPE: ${line}`).not.toBe('');
    if (family!.type !== 'histogram' && family!.type !== 'summary') expect(families.get(name)).toBe(family);
    const labels: Record<string, string> = {};
    for (const [, key = '', raw = ''] of labelText.matchAll(ONE_LABEL)) {
      expect(key in labels, `label twice: ${line}`).toBe(false);
      labels[key] = raw.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    family!.samples.push({ name, labels, value: value === '+Inf' ? Infinity : value === '-Inf' ? -Infinity : /^nan$/i.test(value) ? Number.NaN : Number(value) });
  }
  for (const [name, family] of families) {
    expect(family.type, `${name} has no TYPE`).not.toBe('');
    expect(family.help.length, `${name} has an empty HELP`).toBeGreaterThan(0);
    if (family.type === 'histogram') checkHistogram(name, family);
  }
  return families;
}

/** Per label set: buckets in increasing `le`, cumulative (never decreasing), `+Inf` equal to `_count`, a `_sum`. */
function checkHistogram(name: string, family: Family): void {
  const series = new Map<string, { buckets: { le: number; value: number }[]; count?: number; sum?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (sample.name === `${name}_bucket`) {
      expect(le, `${name}_bucket without le`).toBeDefined();
      entry.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), value: sample.value });
    } else if (sample.name === `${name}_count`) entry.count = sample.value;
    else if (sample.name === `${name}_sum`) entry.sum = sample.value;
    else expect.fail(`${sample.name} in histogram ${name}`);
  }
  for (const [key, entry] of series) {
    expect(entry.buckets.length, `${name}${key} has no buckets`).toBeGreaterThan(0);
    for (let i = 1; i < entry.buckets.length; i++) {
      expect(entry.buckets[i]!.le, `${name}${key}: le not increasing`).toBeGreaterThan(entry.buckets[i - 1]!.le);
      expect(entry.buckets[i]!.value, `${name}${key}: buckets not cumulative`).toBeGreaterThanOrEqual(entry.buckets[i - 1]!.value);
    }
    const last = entry.buckets.at(-1)!;
    expect(last.le, `${name}${key}: no +Inf bucket`).toBe(Infinity);
    expect(entry.count, `${name}${key}: _count`).toBe(last.value);
    expect(entry.sum, `${name}${key}: _sum`).toBeGreaterThanOrEqual(0);
  }
}

/** The value of one sample (labels must match exactly); undefined when there is none. */
function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
  const want = JSON.stringify(Object.entries(labels).sort());
  return family?.samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want)?.value;
}

async function read(app: TestApp = t): Promise<{ text: string; families: Map<string, Family> }> {
  const res = await scrape(app, { authorization: `Bearer ${TOKEN}` });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const text = await res.text();
  return { text, families: parseExposition(text) };
}

/** How much each named sample moved between two scrapes (0 for a sample that appeared at 0). */
function delta(before: Map<string, Family>, after: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const now = valueOf(after, name, labels);
  expect(now, `${name}${JSON.stringify(labels)} missing`).toBeDefined();
  return now! - (valueOf(before, name, labels) ?? 0);
}

// ---------------------------------------------------------------------------------------------

const staffHeaders = (cookie: string) => ({ cookie, 'x-device-id': DEVICE, origin: 'https://zaitaku.example', 'sec-fetch-site': 'same-origin' });

function declaration(id: string, name = '申立 花子') {
  const now = t.clock.now();
  return {
    id,
    createdAt: now.toISOString(),
    linkToken: t.demo.institution.link_token,
    referenceNumber: '',
    holdsValidCard: true,
    insuranceType: 'employee',
    insurerName: '全国健康保険協会 東京支部',
    employerName: '株式会社申立商事',
    cardIssuedWhen: 'withinMonth',
    copayRatio: null,
    name,
    nameKana: 'モウシタテ ハナコ',
    dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
    sex: 'female',
    address: '東京都千代田区霞が関１－２－２',
    otherResidence: '',
    declaredOn: new Date(now.getTime() + 9 * HOUR_MS).toISOString().slice(0, 10),
    signature: `data:image/png;base64,iVBORw0KGgo${'A'.repeat(400)}`,
    relationship: '',
    phone: '090-3141-5926',
  };
}

describe('/metrics access', () => {
  it('does not exist without METRICS_TOKEN or METRICS_ALLOW_FROM, nor for a request without the token or with another', async () => {
    expect((await scrape(withoutToken, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
    expect((await scrape(withoutToken, { address: '10.1.2.3' })).status).toBe(404);
    expect((await scrape(t)).status).toBe(404);
    expect((await scrape(t, { authorization: `Bearer ${TOKEN.slice(0, -1)}x` })).status).toBe(404);
    expect((await scrape(t, { authorization: TOKEN })).status).toBe(404);
    expect((await scrape(t, { authorization: `Bearer ${TOKEN}x` })).status).toBe(404);
    expect((await scrape(t, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('answers the allowed addresses and networks without the token, and no other address', async () => {
    for (const address of ['10.1.2.3', '10.1.255.254', '::ffff:10.1.0.1', '192.0.2.7', '2001:db8::1']) {
      const res = await scrape(t, { address });
      expect(res.status, address).toBe(200);
      expect(await res.text()).toMatch(/^# HELP zaitaku_http_request_duration_seconds /m);
    }
    for (const address of ['10.2.0.1', '192.0.2.8', '127.0.0.1', '::1', '2001:db9::1', 'local']) {
      expect((await scrape(t, { address })).status, address).toBe(404);
    }
    // In-process requests have no socket: no address, so only the token opens it.
    expect((await scrape(t)).status).toBe(404);
    // A wrong token from an allowed address: the address is enough (either opens it).
    expect((await scrape(t, { address: '10.1.2.3', authorization: 'Bearer wrong-token-000000000' })).status).toBe(200);
  });

  it('without TRUST_PROXY a client cannot claim an allowed address in X-Forwarded-For', async () => {
    expect((await scrape(t, { address: '203.0.113.9', headers: { 'x-forwarded-for': '10.1.2.3' } })).status).toBe(404);
  });

  it('behind TRUST_PROXY the first X-Forwarded-For address decides (as for the rate limits), not the proxy\'s own', async () => {
    expect((await scrape(behindProxy, { address: '127.0.0.1', headers: { 'x-forwarded-for': '10.1.9.9' } })).status).toBe(200);
    expect((await scrape(behindProxy, { address: '10.1.2.3', headers: { 'x-forwarded-for': '203.0.113.9, 10.1.2.3' } })).status).toBe(404);
    expect((await scrape(behindProxy, { address: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(404);
    // No header (a scraper next to the server): its own socket address.
    expect((await scrape(behindProxy, { address: '10.1.2.3' })).status).toBe(200);
    // Only addresses were configured there: a token opens nothing.
    expect((await scrape(behindProxy, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });

  it('a short METRICS_TOKEN or a wrong METRICS_ALLOW_FROM entry refuses to start', () => {
    expect(() => readConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    for (const bad of ['10.0.0.0/33', 'example.org', '10.0.0.1/8/1', '10.0.0', '::1/129', '10.0.0.0/-1']) {
      expect(() => readConfig({ METRICS_ALLOW_FROM: bad }), bad).toThrow(/METRICS_ALLOW_FROM/);
    }
    expect(readConfig({ METRICS_ALLOW_FROM: ' 10.0.0.0/8, ::1 ,' }).metricsAllowFrom).toEqual(['10.0.0.0/8', '::1']);
  });
});

describe('/metrics content', () => {
  it('the reader used here refuses what Prometheus would (so the checks below can fail)', () => {
    const ok = '# HELP a_seconds A.\n# TYPE a_seconds histogram\na_seconds_bucket{le="0.1"} 1\na_seconds_bucket{le="+Inf"} 2\na_seconds_sum 0.3\na_seconds_count 2\n';
    expect(valueOf(parseExposition(ok), 'a_seconds_count')).toBe(2);
    const bad = [
      ok.replace('a_seconds_bucket{le="+Inf"} 2', 'a_seconds_bucket{le="+Inf"} 0'), // not cumulative
      ok.replace('a_seconds_count 2', 'a_seconds_count 3'), // +Inf differs from _count
      ok.replace('# TYPE a_seconds histogram\n', ''), // no TYPE
      ok.replace('# HELP a_seconds A.\n', ''), // no HELP
      `${ok}b_total{id=oops} 1\n`, // not a sample line
      `${ok}# HELP b_total B.\n# TYPE b_total counter\nb_total 1 2 3\n`,
      ok.slice(0, -1), // no final newline
    ];
    for (const text of bad) expect(() => parseExposition(text), text).toThrow();
  });

  it('moves with real requests: route patterns, handoffs, outbox intake, a refused rate limit, API clients, commits; no token, id or secret in it', async () => {
    const before = await read();
    const secrets: string[] = [t.demo.institution.link_token, t.demo.institution.id, DEVICE, TOKEN];

    // A registration through the card simulator: started, completed; the same answer again fails (replay).
    const link = t.demo.institution.link_token;
    const started = await t.app.request(
      '/api/public/registrations',
      jsonRequest('POST', { linkToken: link, visitType: 'homeVisit', arrival: 'link', choices: agreeToAll(), prescriptionForm: 'electronic', handoffPath: 'crossDevice' }, { 'x-device-id': DEVICE }),
    );
    expect(started.status).toBe(201);
    const reg = (await started.json()) as StartRegistrationResponse;
    const signed = await signChallenge(t.db, t.cardSim, { cardId: 'card-05', pin: DEMO_PIN, ...reg.challenge, now: t.clock.now() });
    const answer = await t.app.request('/api/handoff', jsonRequest('POST', signed));
    expect(answer.status, await answer.clone().text()).toBe(200);
    const replay = await t.app.request('/api/handoff', jsonRequest('POST', signed));
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('challenge_replayed');
    const polled = await t.app.request(`/api/public/registrations/${reg.registrationId}`, { headers: { authorization: `Bearer ${reg.accessToken}` } });
    expect(polled.status).toBe(200);
    const row = await t.db.selectFrom('registration').select(['consent_id', 'person_ref']).where('id', '=', reg.registrationId).executeTakeFirstOrThrow();
    secrets.push(reg.registrationId, reg.accessToken, reg.challenge.challengeId, reg.challenge.nonce, row.consent_id!, row.person_ref!);
    // A second registration whose tablet asks for a new challenge (the QR code expired): two starts, no answer.
    const second = await t.app.request(
      '/api/public/registrations',
      jsonRequest('POST', { linkToken: link, visitType: 'houseCall', arrival: 'link', choices: agreeToAll(), prescriptionForm: 'paper', handoffPath: 'crossDevice' }, { 'x-device-id': DEVICE }),
    );
    expect(second.status).toBe(201);
    const reg2 = (await second.json()) as StartRegistrationResponse;
    const renewed = await t.app.request(`/api/public/registrations/${reg2.registrationId}/challenge`, jsonRequest('POST', { sameDevice: false }, { authorization: `Bearer ${reg2.accessToken}` }));
    expect(renewed.status, await renewed.clone().text()).toBe(201);
    secrets.push(reg2.registrationId, reg2.accessToken, reg2.challenge.challengeId);

    // The outbox: a declaration, its resend, and a different form under the same id.
    const declarationId = randomUUID();
    secrets.push(declarationId);
    const send = (body: unknown) => t.app.request('/api/public/declarations', jsonRequest('POST', body, { 'x-device-id': DEVICE }));
    expect((await send(declaration(declarationId))).status).toBe(201);
    expect((await send(declaration(declarationId))).status).toBe(200);
    expect((await send(declaration(declarationId, '別人 太郎'))).status).toBe(409);

    // A public institution registration, then a second one refused by its limit (every attempt counts).
    const register = () => t.app.request('/api/staff/institution/register', jsonRequest('POST', {}, staffHeaders('')));
    expect((await register()).status).toBe(422);
    const refused = await register();
    expect(refused.status).toBe(429);

    // API clients: one with consent.read reads consents, is refused patients; a call without credentials.
    const admin = await loginAs(t, 'admin');
    const created = await t.app.request('/api/staff/api-clients', jsonRequest('POST', { name: 'EHR metrics', scopes: ['consent.read'] }, staffHeaders(admin)));
    expect(created.status, await created.clone().text()).toBe(201);
    const client = (await created.json()) as CreatedApiClientResponse;
    secrets.push(client.secret, client.client.id, admin.split('=')[1]!.split(';')[0]!);
    const fhir = (p: string, secret?: string) => t.app.request(`/fhir/r4${p}`, { headers: { accept: 'application/fhir+json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) } });
    expect((await fhir('/Consent', client.secret)).status).toBe(200);
    expect((await fhir(`/Consent/${row.consent_id}`, client.secret)).status).toBe(200);
    expect((await fhir('/Patient', client.secret)).status).toBe(403);
    expect((await fhir('/Patient')).status).toBe(401);

    const after = await read();
    const { text, families } = after;

    // Requests by route pattern, method and status class.
    const requests = (route: string, method: string, status: string) => delta(before.families, families, 'zaitaku_http_request_duration_seconds_count', { route, method, status });
    expect(requests('/api/public/registrations', 'POST', '2xx')).toBe(2);
    expect(requests('/api/public/registrations/:id/challenge', 'POST', '2xx')).toBe(1);
    expect(requests('/api/handoff', 'POST', '2xx')).toBe(1);
    expect(requests('/api/handoff', 'POST', '4xx')).toBe(1);
    expect(requests('/api/public/registrations/:id', 'GET', '2xx')).toBe(1);
    expect(requests('/api/public/declarations', 'POST', '2xx')).toBe(2);
    expect(requests('/api/public/declarations', 'POST', '4xx')).toBe(1);
    expect(requests('/api/staff/institution/register', 'POST', '4xx')).toBe(2);
    expect(requests('/fhir/r4/Consent/:id', 'GET', '2xx')).toBe(1);
    // Every route label is a pattern or "unmatched", never a path with an id.
    for (const sample of families.get('zaitaku_http_request_duration_seconds')!.samples) {
      expect(sample.labels.route === 'unmatched' || sample.labels.route!.startsWith('/'), sample.labels.route).toBe(true);
      expect(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'other']).toContain(sample.labels.method);
      expect(sample.labels.status).toMatch(/^[1-5]xx$/);
    }

    // Handoffs, outbox intake, rate limits, API clients.
    expect(delta(before.families, families, 'zaitaku_handoffs_started_total', { via: 'registration' })).toBe(2);
    expect(delta(before.families, families, 'zaitaku_handoffs_started_total', { via: 'new_challenge' })).toBe(1);
    expect(delta(before.families, families, 'zaitaku_handoffs_started_total', { via: 'card_request' })).toBe(0);
    expect(delta(before.families, families, 'zaitaku_handoffs_completed_total')).toBe(1);
    expect(delta(before.families, families, 'zaitaku_handoffs_failed_total', { reason: 'challenge_replayed' })).toBe(1);
    expect(delta(before.families, families, 'zaitaku_outbox_intake_total', { kind: 'declaration', outcome: 'created' })).toBe(1);
    expect(delta(before.families, families, 'zaitaku_outbox_intake_total', { kind: 'declaration', outcome: 'resent' })).toBe(1);
    expect(delta(before.families, families, 'zaitaku_outbox_intake_total', { kind: 'declaration', outcome: 'refused' })).toBe(1);
    expect(delta(before.families, families, 'zaitaku_outbox_intake_refusals_total', { kind: 'declaration', reason: 'declaration_conflict' })).toBe(1);
    expect(delta(before.families, families, 'zaitaku_outbox_intake_total', { kind: 'guide_record', outcome: 'created' })).toBe(0);
    expect(delta(before.families, families, 'zaitaku_rate_limit_refusals_total', { limit: 'institutionRegisterPerClient' })).toBe(1);
    expect(delta(before.families, families, 'zaitaku_rate_limit_refusals_total', { limit: 'handoffStartPerClient' })).toBe(0);
    expect(delta(before.families, families, 'zaitaku_api_client_requests_total', { scope: 'consent.read', outcome: 'admitted' })).toBe(2);
    expect(delta(before.families, families, 'zaitaku_api_client_requests_total', { scope: 'patient.read', outcome: 'scope_missing' })).toBe(1);
    expect(delta(before.families, families, 'zaitaku_api_client_requests_total', { scope: 'patient.read', outcome: 'unauthenticated' })).toBe(1);

    // The embedded database's COMMITs (PostgreSQL has no group commit: no such series).
    if (t.dialect === 'sqlite') {
      const commits = delta(before.families, families, 'zaitaku_db_commits_total');
      const timed = delta(before.families, families, 'zaitaku_db_commit_duration_seconds_count');
      expect(timed).toBeGreaterThan(0);
      expect(timed).toBe(commits);
      expect(valueOf(families, 'zaitaku_db_commit_duration_seconds_sum')).toBeGreaterThan(0);
      expect(valueOf(families, 'zaitaku_db_transactions_total')).toBeGreaterThan(0);
    } else {
      expect(families.has('zaitaku_db_commit_duration_seconds')).toBe(false);
      expect(families.has('zaitaku_db_commits_total')).toBe(false);
    }
    expect(valueOf(families, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(families, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    // Nothing that names a patient, a link, a record or a credential.
    for (const secret of secrets) expect(text, 'a secret or id in /metrics').not.toContain(secret);
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
    expect(text).not.toMatch(uuid);
    expect(text).not.toContain('zuk_');
    for (const family of families.values()) {
      for (const sample of family.samples) for (const value of Object.values(sample.labels)) expect(value, `${sample.name} label`).toMatch(/^[A-Za-z0-9_.:/*+\-]{1,80}$/);
    }
  });

  it('simultaneous requests are each counted once; simultaneous scrapes each give a whole, valid text', async () => {
    const before = (await read()).families;
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const sends = ids.map((id) => t.app.request('/api/public/declarations', jsonRequest('POST', declaration(id), { 'x-device-id': DEVICE })));
    const scrapes = [read(), read(), read()];
    expect((await Promise.all(sends)).map((res) => res.status)).toEqual(ids.map(() => 201));
    for (const { families } of await Promise.all(scrapes)) expect(families.get('zaitaku_webhook_deliveries_pending')?.samples).toHaveLength(1);
    const after = (await read()).families;
    expect(delta(before, after, 'zaitaku_outbox_intake_total', { kind: 'declaration', outcome: 'created' })).toBe(6);
    expect(delta(before, after, 'zaitaku_http_request_duration_seconds_count', { route: '/api/public/declarations', method: 'POST', status: '2xx' })).toBe(6);
  });

  it('the card revocation lists: the oldest list\'s age follows the clock; counts of fresh and stale lists', async () => {
    const first = await read();
    const age = valueOf(first.families, 'zaitaku_card_crl_age_seconds')!;
    expect(Number.isFinite(age)).toBe(true);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(valueOf(first.families, 'zaitaku_card_crl_lists', { state: 'fresh' })).toBe(t.national.cardTrust.status(t.clock.now()).lists.length);
    expect(valueOf(first.families, 'zaitaku_card_crl_lists', { state: 'fresh' })).toBeGreaterThan(0);
    expect(valueOf(first.families, 'zaitaku_card_crl_lists', { state: 'stale' })).toBe(0);
    expect(valueOf(first.families, 'zaitaku_card_crl_failing_sources')).toBe(0);
    t.clock.advance(600_000);
    const later = await read();
    expect(valueOf(later.families, 'zaitaku_card_crl_age_seconds')).toBe(age + 600);
  });

  it('the last backup\'s age: NaN without one; the newest complete backup (with its manifest) when there are some', async () => {
    expect(valueOf((await read()).families, 'zaitaku_backup_age_seconds')).toBeNaN();
    /** A backup as backup/backup.service.ts names it, taken `ageSeconds` ago (files with `{}`: only names count here). */
    const write = (ageSeconds: number, withManifest: boolean, kind = '') => {
      const stamp = new Date(Date.now() - ageSeconds * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
      const file = path.join(backupDir, `zaitaku-${stamp}${kind}.zbak`);
      fs.writeFileSync(file, '{}');
      if (withManifest) fs.writeFileSync(`${file}${MANIFEST_SUFFIX}`, '{}');
    };
    write(3 * 86_400, true);
    expect(valueOf((await read()).families, 'zaitaku_backup_age_seconds')).toBeGreaterThanOrEqual(3 * 86_400);
    // A PostgreSQL dump counts as much as an SQLite copy.
    write(7200, true, '.pgdump');
    // Newer, but without its manifest yet (being written): not counted. Nor is a partial file.
    write(60, false);
    fs.writeFileSync(path.join(backupDir, 'zaitaku-29991231T000000Z.zbak.partial'), '');
    const age = valueOf((await read()).families, 'zaitaku_backup_age_seconds')!;
    expect(age).toBeGreaterThanOrEqual(7200);
    expect(age).toBeLessThan(7200 + 60);
    expect(newestBackupAt(path.join(backupDir, 'missing'))).toBeNull();
  });

  it('the webhook outbox: pending deliveries and dead letters of every institution', async () => {
    const before = (await read()).families;
    const at = t.clock.now().toISOString();
    const row = (status: 'pending' | 'dead' | 'delivered', sequence: number) => ({
      id: randomUUID(),
      institution_id: t.demo.institution.id,
      event_id: randomUUID(),
      sequence,
      payload_json: '{}',
      status,
      attempts: status === 'dead' ? 8 : 0,
      next_attempt_at: status === 'pending' ? new Date(Date.parse(at) + 365 * 86_400_000).toISOString() : at,
      lease_until: null,
      last_error: null,
      created_at: at,
      updated_at: at,
      delivered_at: status === 'delivered' ? at : null,
    });
    await t.db.insertInto('webhook_delivery').values([row('pending', 900_001), row('pending', 900_002), row('dead', 900_003), row('delivered', 900_004)]).execute();
    const after = (await read()).families;
    expect(delta(before, after, 'zaitaku_webhook_deliveries_pending')).toBe(2);
    expect(delta(before, after, 'zaitaku_webhook_dead_letters')).toBe(1);
  });
});
