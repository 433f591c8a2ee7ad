import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffMeResponse } from '../../src/domain/api.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../src/server/staff/session.ts';
import { createTestApp, jsonRequest, loginAsDemo, TEST_PASSWORD, type TestApp } from './support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const minutes = (n: number) => n * 60 * 1000;

describe('staff login', () => {
  it('refuses a wrong password and an unknown login ID alike', async () => {
    for (const body of [
      { loginId: t.demo.loginId, password: 'wrong' },
      { loginId: 'nobody', password: TEST_PASSWORD },
    ]) {
      const res = await t.app.request('/api/staff/login', jsonRequest('POST', body));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('login_failed');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('sets an HttpOnly, Secure, SameSite=Strict session cookie, new at every login', async () => {
    const res = await t.app.request('/api/staff/login', jsonRequest('POST', { loginId: t.demo.loginId, password: TEST_PASSWORD }));
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(await loginAsDemo(t)).not.toBe(await loginAsDemo(t));
  });

  it('shows the signed-in staff member their institution and its link', async () => {
    const cookie = await loginAsDemo(t);
    const res = await t.app.request('/api/staff/me', { headers: { cookie } });
    expect(res.status).toBe(200);
    const me = (await res.json()) as StaffMeResponse;
    expect(me.staff).toMatchObject({ loginId: 'demo-admin', role: 'admin' });
    expect(me.institution.code).toBe(t.demo.institution.code);
    expect(me.institution.link).toBe(`https://zaitaku.example/i/${t.demo.institution.link_token}`);
  });

  it('refuses staff routes without a session or with a made-up one', async () => {
    expect((await t.app.request('/api/staff/me')).status).toBe(401);
    expect((await t.app.request('/api/staff/me', { headers: { cookie: 'zaitaku_session=forged' } })).status).toBe(401);
  });

  it('ends the session on the server at logout', async () => {
    const cookie = await loginAsDemo(t);
    expect((await t.app.request('/api/staff/logout', { method: 'POST', headers: { cookie } })).status).toBe(204);
    expect((await t.app.request('/api/staff/me', { headers: { cookie } })).status).toBe(401);
  });
});

describe('session limits', () => {
  it('expires after 30 idle minutes', async () => {
    const cookie = await loginAsDemo(t);
    t.clock.advance(SESSION_IDLE_MS - minutes(1));
    expect((await t.app.request('/api/staff/me', { headers: { cookie } })).status).toBe(200);
    t.clock.advance(SESSION_IDLE_MS + 1);
    expect((await t.app.request('/api/staff/me', { headers: { cookie } })).status).toBe(401);
  });

  it('moves the idle timer at most once a minute, so idle never lasts beyond 31 minutes', async () => {
    const cookie = await loginAsDemo(t);
    t.clock.advance(minutes(1) - 1000);
    // Within the minute: answered, but the timer stays at the login time (no write per request).
    expect((await t.app.request('/api/staff/me', { headers: { cookie } })).status).toBe(200);
    t.clock.advance(SESSION_IDLE_MS - minutes(1) + 1001);
    expect((await t.app.request('/api/staff/me', { headers: { cookie } })).status).toBe(401);
  });

  it('expires 12 hours after login even when in constant use', async () => {
    const cookie = await loginAsDemo(t);
    let elapsed = 0;
    while (elapsed + minutes(20) < SESSION_ABSOLUTE_MS) {
      t.clock.advance(minutes(20));
      elapsed += minutes(20);
      expect((await t.app.request('/api/staff/me', { headers: { cookie } })).status).toBe(200);
    }
    t.clock.advance(SESSION_ABSOLUTE_MS - elapsed + 1);
    expect((await t.app.request('/api/staff/me', { headers: { cookie } })).status).toBe(401);
  });
});
