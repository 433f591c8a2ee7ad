import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, jsonRequest, loginAsDemo, TEST_PASSWORD, type TestApp } from './support/test-app.ts';

/**
 * Issue 12 #11: cookie-authenticated changes are refused when a page of another origin sent
 * them, sibling subdomains included (SameSite=Strict lets those carry the cookie).
 * PUBLIC_URL in the tests is https://zaitaku.example.
 */
let t: TestApp;
let cookie: string;
beforeAll(async () => {
  t = await createTestApp();
  cookie = await loginAsDemo(t);
});
afterAll(async () => {
  await t.close();
});

/** The form a hostile page can send without a CORS preflight: text/plain, with the cookie. */
function simplePost(headers: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { cookie, 'content-type': 'text/plain', ...headers }, body: 'x' };
}

async function codesIssued(): Promise<number> {
  const rows = await t.db.selectFrom('audit_event').select('seq').where('action', '=', 'staff.factor.recovery_codes').execute();
  return rows.length;
}

async function errorCode(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { error?: { code?: string } }).error?.code;
}

describe('cross-site requests refused (issue 12 #11)', () => {
  it('issue 12 #11: a cross-site text/plain POST to recovery-codes is refused with 403 and changes nothing', async () => {
    const before = await codesIssued();
    const res = await t.app.request('/api/staff/auth/recovery-codes', simplePost({ origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' }));
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('cross_site_refused');
    expect(await codesIssued()).toBe(before);
  });

  it('issue 12 #11: a sibling subdomain (same-site, not same-origin) is refused, by either header', async () => {
    const cases: Array<Record<string, string>> = [
      { origin: 'https://other-clinic.zaitaku.example', 'sec-fetch-site': 'same-site' },
      { origin: 'https://other-clinic.zaitaku.example' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'null' },
      { origin: 'http://zaitaku.example', 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of cases) {
      const res = await t.app.request('/api/staff/auth/recovery-codes', simplePost(headers));
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await errorCode(res)).toBe('cross_site_refused');
    }
  });

  it('issue 12 #11: login and logout from another site are refused too (no login CSRF, no forced logout)', async () => {
    const login = await t.app.request('/api/staff/login', jsonRequest('POST', { loginId: t.demo.loginId, password: TEST_PASSWORD }, { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' }));
    expect(login.status).toBe(403);
    expect(login.headers.get('set-cookie')).toBeNull();
    const logout = await t.app.request('/api/staff/logout', simplePost({ origin: 'https://a.zaitaku.example', 'sec-fetch-site': 'same-site' }));
    expect(logout.status).toBe(403);
    expect((await t.app.request('/api/staff/me', { headers: { cookie } })).status).toBe(200);
  });

  it('our own pages (same origin, or PUBLIC_URL behind a proxy) and non-browser clients are served', async () => {
    const before = await codesIssued();
    const same = await t.app.request('/api/staff/auth/recovery-codes', jsonRequest('POST', {}, { cookie, origin: 'https://zaitaku.example', 'sec-fetch-site': 'same-origin' }));
    expect(same.status).toBe(200);
    // The request's own origin counts too (the in-process URL is http://localhost).
    const own = await t.app.request('http://localhost/api/staff/auth/recovery-codes', jsonRequest('POST', {}, { cookie, origin: 'http://localhost' }));
    expect(own.status).toBe(200);
    // No Origin and no Sec-Fetch-Site: not a browser (curl, scripts); it holds the cookie itself.
    const bare = await t.app.request('/api/staff/auth/recovery-codes', jsonRequest('POST', {}, { cookie }));
    expect(bare.status).toBe(200);
    expect(await codesIssued()).toBe(before + 3);
  });

  it('reads are not refused (a link followed from another site opens the console)', async () => {
    const res = await t.app.request('/api/staff/me', { headers: { cookie, 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(200);
  });
});
