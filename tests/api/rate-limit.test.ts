import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, type ApiErrorBody } from '../../src/domain/shared/api.ts';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from '../../src/server/http/rate-limit-config.ts';
import { createTestApp, jsonRequest, TEST_PASSWORD, type TestApp } from './support/test-app.ts';

/**
 * Issue 7 §4: rate limits on login and on the patient handoff. Small limits here; the windows
 * follow the app's clock, so the TestClock crosses them.
 */

const MINUTE = 60_000;
const LIMITS: RateLimitConfig = {
  loginPerAccount: { limit: 3, windowMs: 15 * MINUTE },
  loginPerClient: { limit: 8, windowMs: 15 * MINUTE },
  staffAuthPerClient: { limit: 4, windowMs: MINUTE },
  handoffStartPerClient: { limit: 5, windowMs: MINUTE },
  handoffAnswerPerClient: { limit: 3, windowMs: MINUTE },
  institutionRegisterPerClient: { limit: 5, windowMs: 60 * MINUTE },
};
const DEVICE = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { rateLimits: LIMITS } });
}, 60_000);
afterAll(async () => {
  await t.close();
});

function login(loginId: string, password: string, headers: Record<string, string> = {}) {
  return t.app.request('/api/staff/login', jsonRequest('POST', { loginId, password }, headers));
}

async function expectRateLimited(res: Response): Promise<number> {
  expect(res.status).toBe(429);
  const body = (await res.json()) as ApiErrorBody;
  expect(body.error.code).toBe('rate_limited');
  expect(ERROR_CODES).toContain(body.error.code);
  expect(body.error.message.length).toBeGreaterThan(0);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter > 0).toBe(true);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return retryAfter;
}

describe('login rate limit', () => {
  it('blocks an account after repeated failures, with Retry-After, and lets it in after the window', async () => {
    for (let i = 0; i < LIMITS.loginPerAccount.limit; i++) expect((await login('demo-doctor', 'wrong-1')).status).toBe(401);
    // Blocked now, even with the right password: the guesser cannot learn it is right.
    const retryAfter = await expectRateLimited(await login('demo-doctor', TEST_PASSWORD));
    expect(retryAfter).toBe(15 * 60);
    // The same id retyped with other case or spaces is the same account.
    await expectRateLimited(await login(' DEMO-doctor ', TEST_PASSWORD));

    // Other accounts are unaffected.
    expect((await login('demo-clerk', TEST_PASSWORD)).status).toBe(200);

    t.clock.advance(10 * MINUTE);
    expect(await expectRateLimited(await login('demo-doctor', TEST_PASSWORD))).toBe(5 * 60);
    t.clock.advance(5 * MINUTE);
    expect((await login('demo-doctor', TEST_PASSWORD)).status).toBe(200);
  });

  it('does not count successful logins', async () => {
    t.clock.advance(60 * MINUTE);
    for (let i = 0; i < LIMITS.loginPerClient.limit + 2; i++) expect((await login('demo-admin', TEST_PASSWORD)).status).toBe(200);
  });

  it('blocks a client spraying many accounts', async () => {
    t.clock.advance(60 * MINUTE);
    for (let i = 0; i < LIMITS.loginPerClient.limit; i++) expect((await login(`nobody-${i}`, 'wrong')).status).toBe(401);
    await expectRateLimited(await login('demo-admin', TEST_PASSWORD));
    t.clock.advance(15 * MINUTE);
    expect((await login('demo-admin', TEST_PASSWORD)).status).toBe(200);
  });

  it('ignores X-Forwarded-For unless a proxy is trusted, so a client cannot pick a fresh key', async () => {
    t.clock.advance(60 * MINUTE);
    for (let i = 0; i < LIMITS.loginPerAccount.limit; i++) {
      expect((await login('demo-doctor', 'wrong', { 'x-forwarded-for': `203.0.113.${i}` })).status).toBe(401);
    }
    await expectRateLimited(await login('demo-doctor', TEST_PASSWORD, { 'x-forwarded-for': '198.51.100.7' }));
  });

  it('keys by the forwarded address when the proxy is trusted', async () => {
    const proxied = await createTestApp({ config: { rateLimits: LIMITS, trustProxy: true } });
    try {
      const attempt = (ip: string, password: string) =>
        proxied.app.request('/api/staff/login', jsonRequest('POST', { loginId: 'demo-doctor', password }, { 'x-forwarded-for': `${ip}, 10.0.0.1` }));
      for (let i = 0; i < LIMITS.loginPerAccount.limit; i++) expect((await attempt('203.0.113.9', 'wrong')).status).toBe(401);
      await expectRateLimited(await attempt('203.0.113.9', TEST_PASSWORD));
      // Issue 12 #2: the account's budget is shared by every address, so another client is
      // refused on this account too, while it still gets into another one.
      await expectRateLimited(await attempt('198.51.100.7', TEST_PASSWORD));
      const other = await proxied.app.request('/api/staff/login', jsonRequest('POST', { loginId: 'demo-clerk', password: TEST_PASSWORD }, { 'x-forwarded-for': '198.51.100.7' }));
      expect(other.status).toBe(200);
    } finally {
      await proxied.close();
    }
  }, 60_000);
});

describe('handoff rate limits', () => {
  const registration = () => ({
    linkToken: t.demo.institution.link_token,
    visitType: 'homeVisit',
    arrival: 'link',
    choices: agreeToAll(),
    prescriptionForm: 'electronic',
    handoffPath: 'crossDevice',
  });

  it('limits starting handoffs, but never the status polling', async () => {
    t.clock.advance(60 * MINUTE);
    let last: { registrationId: string; accessToken: string } | undefined;
    for (let i = 0; i < LIMITS.handoffStartPerClient.limit; i++) {
      const res = await t.app.request('/api/public/registrations', jsonRequest('POST', registration(), { 'x-device-id': DEVICE }));
      expect(res.status).toBe(201);
      last = (await res.json()) as { registrationId: string; accessToken: string };
    }
    await expectRateLimited(await t.app.request('/api/public/registrations', jsonRequest('POST', registration(), { 'x-device-id': DEVICE })));
    // Card requests and new challenges share the start limit.
    await expectRateLimited(
      await t.app.request(
        '/api/public/card-requests',
        jsonRequest('POST', { purpose: 'query', linkToken: t.demo.institution.link_token, arrival: 'link', handoffPath: 'crossDevice' }, { 'x-device-id': DEVICE }),
      ),
    );
    await expectRateLimited(
      await t.app.request(`/api/public/registrations/${last!.registrationId}/challenge`, jsonRequest('POST', { sameDevice: false }, { authorization: `Bearer ${last!.accessToken}` })),
    );
    // The tablet polls once a second for the whole handoff: two minutes of it, all answered.
    for (let s = 0; s < 120; s++) {
      const res = await t.app.request(`/api/public/registrations/${last!.registrationId}`, { headers: { authorization: `Bearer ${last!.accessToken}` } });
      expect(res.status).toBe(200);
      t.clock.advance(1000);
    }
    // Two minutes on, the start window has passed.
    expect((await t.app.request('/api/public/registrations', jsonRequest('POST', registration(), { 'x-device-id': DEVICE }))).status).toBe(201);
  });

  it('limits failed card-app answers', async () => {
    t.clock.advance(60 * MINUTE);
    const answer = { protocol: 'zaitaku-handoff-v1', challengeId: 'nope', nonce: 'nope', signature: 'AA', certificate: 'AA' };
    for (let i = 0; i < LIMITS.handoffAnswerPerClient.limit; i++) {
      const res = await t.app.request('/api/handoff', jsonRequest('POST', answer));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).not.toBe(429);
    }
    await expectRateLimited(await t.app.request('/api/handoff', jsonRequest('POST', answer)));
    t.clock.advance(MINUTE);
    expect((await t.app.request('/api/handoff', jsonRequest('POST', answer))).status).not.toBe(429);
  });

  it('limits every step under /api/staff/auth/, answered or not', async () => {
    t.clock.advance(60 * MINUTE);
    for (let i = 0; i < LIMITS.staffAuthPerClient.limit; i++) {
      expect((await t.app.request('/api/staff/auth/step', jsonRequest('POST', {}))).status).not.toBe(429);
    }
    await expectRateLimited(await t.app.request('/api/staff/auth/step', jsonRequest('POST', {})));
    // Reading is not limited (GETs of the sign-in state, if any, are the route's own business).
    expect((await t.app.request('/api/staff/auth/step')).status).not.toBe(429);
  });
});

describe('default limits', () => {
  it('leave the polling and successful sign-ins room, and stop guessing early', () => {
    expect(DEFAULT_RATE_LIMITS.loginPerAccount.limit).toBeLessThanOrEqual(10);
    // Sixty handoff starts a minute from one clinic address is far above a real reception's pace.
    expect(DEFAULT_RATE_LIMITS.handoffStartPerClient.limit).toBeGreaterThanOrEqual(30);
  });
});
