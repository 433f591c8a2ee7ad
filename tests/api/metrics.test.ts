import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/server/config.ts';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import { createTestApp, jsonRequest, type TestApp } from './support/test-app.ts';

/**
 * `/metrics` (issue 17 #6, the bench's source of CPU, memory and commits per request): only with
 * the configured token, and nothing in it that names a patient, a link or a record.
 */

const TOKEN = 'metrics-token-0123456789';
let t: TestApp;
let withoutToken: TestApp;

beforeAll(async () => {
  t = await createTestApp({ config: { metricsToken: TOKEN } });
  withoutToken = await createTestApp();
});
afterAll(async () => {
  await t.close();
  await withoutToken.close();
});

const scrape = (app: TestApp, authorization?: string) => app.app.request('/metrics', authorization ? { headers: { authorization } } : {});

describe('/metrics', () => {
  it('does not exist without METRICS_TOKEN, nor for a request without the token or with another', async () => {
    expect((await scrape(withoutToken, `Bearer ${TOKEN}`)).status).toBe(404);
    expect((await scrape(t)).status).toBe(404);
    expect((await scrape(t, `Bearer ${TOKEN.slice(0, -1)}x`)).status).toBe(404);
    expect((await scrape(t, TOKEN)).status).toBe(404);
  });

  it('counts requests by route pattern, commits and process CPU; no link token, id or device in it', async () => {
    const link = t.demo.institution.link_token;
    const device = crypto.randomUUID();
    const res = await t.app.request(
      '/api/public/registrations',
      jsonRequest('POST', { linkToken: link, visitType: 'homeVisit', arrival: 'link', choices: agreeToAll(), prescriptionForm: 'electronic', handoffPath: 'crossDevice' }, { 'x-device-id': device }),
    );
    expect(res.status).toBe(201);
    const { registrationId } = (await res.json()) as { registrationId: string };
    expect((await t.app.request(`/api/public/institutions/${link}`)).status).toBe(200);
    const scraped = await scrape(t, `Bearer ${TOKEN}`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await scraped.text();
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^zaitaku_http_request_duration_seconds_count\{route="\/api\/public\/registrations",method="POST",status="2xx"\} 1$/m);
    expect(text).toMatch(/^zaitaku_http_request_duration_seconds_count\{route="\/api\/public\/institutions\/:token",method="GET",status="2xx"\} 1$/m);
    if (t.dialect === 'sqlite') {
      expect(Number(/^zaitaku_db_commits_total (\d+)/m.exec(text)?.[1])).toBeGreaterThan(0);
      expect(Number(/^zaitaku_db_transactions_total (\d+)/m.exec(text)?.[1])).toBeGreaterThan(0);
    }
    for (const secret of [link, device, registrationId]) expect(text).not.toContain(secret);
  });

  it('a short METRICS_TOKEN refuses to start', () => {
    expect(() => readConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
