import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffMeResponse } from '../../src/domain/shared/api.ts';
import type { LoginStepResponse } from '../../src/domain/staff/staff-auth.ts';
import { readConfig } from '../../src/server/config.ts';
import { resolveCardTrustSources } from '../../src/server/national/trust-config.ts';
import { totpCode } from '../../src/server/staff/totp.ts';
import { createTestApp, jsonRequest, TEST_PASSWORD, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/**
 * Issue 21 #2: WebKit (an iPad's Safari) does not keep a `Secure` cookie set by a plain `http://`
 * page that is not localhost, so the demo reached at http://192.168.x.y:8080 on a clinic's LAN
 * could not sign staff in. In demo mode the session cookie's Secure flag follows the request's
 * scheme (the connection's, or X-Forwarded-Proto only behind TRUST_PROXY); production always
 * sets it.
 */

const HTTP = 'http://192.168.1.20:8080';
const HTTPS = 'https://zaitaku.example';
const TOTP_STEP_MS = 30_000;

let demo: TestApp;
let demoBehindProxy: TestApp;
let production: TestApp;
let anchorFile: string;
beforeAll(async () => {
  demo = await createTestApp();
  demoBehindProxy = await createTestApp({ config: { trustProxy: true } });
  // Production mode; the cookie does not depend on card trust, so the test CA is simply configured as an anchor.
  anchorFile = path.join(demo.dataDir, 'anchor.pem');
  fs.writeFileSync(anchorFile, demo.cardSim.caCertPem);
  production = await createTestApp({
    config: { appMode: 'production', cardSimulator: false },
    trust: resolveCardTrustSources(readConfig({ CARD_TRUST_ANCHORS: anchorFile }), null),
  });
}, 120_000);
afterAll(async () => {
  await demo?.close();
  await demoBehindProxy?.close();
  await production?.close();
});

interface Login {
  /** The Set-Cookie headers of the password step and of the TOTP step. */
  passwordSetCookie: string;
  totpSetCookie: string;
  /** The full session's Cookie value. */
  cookie: string;
}

function cookieValue(setCookie: string): string {
  return setCookie.split(';')[0]!;
}

function hasSecure(setCookie: string): boolean {
  return setCookie.split(';').some((part) => part.trim().toLowerCase() === 'secure');
}

/** The whole login (password, then the TOTP code) sent to `origin` with `headers`, as a browser at that address would. */
async function login(t: TestApp, origin: string, headers: Record<string, string> = {}, loginId = 'demo-admin'): Promise<Login> {
  // One TOTP code counts once per account and step: each login uses a fresh step.
  t.clock.advance(TOTP_STEP_MS);
  const first = await t.app.request(`${origin}/api/staff/login`, jsonRequest('POST', { loginId, password: TEST_PASSWORD }, headers));
  expect(first.status).toBe(200);
  expect(((await first.json()) as LoginStepResponse).next).toBe('second_factor');
  const passwordSetCookie = first.headers.get('set-cookie') ?? '';
  expect(passwordSetCookie).toMatch(/^zaitaku_session=/);
  const code = totpCode(TEST_TOTP_SECRET, t.clock.now());
  const second = await t.app.request(`${origin}/api/staff/auth/totp`, jsonRequest('POST', { code }, { ...headers, cookie: cookieValue(passwordSetCookie) }));
  expect(second.status).toBe(204);
  const totpSetCookie = second.headers.get('set-cookie') ?? '';
  expect(totpSetCookie).toMatch(/^zaitaku_session=/);
  return { passwordSetCookie, totpSetCookie, cookie: cookieValue(totpSetCookie) };
}

async function me(t: TestApp, origin: string, cookie: string): Promise<number> {
  return (await t.app.request(`${origin}/api/staff/me`, { headers: { cookie } })).status;
}

describe('issue 21 #2: the session cookie over plain http in demo mode', () => {
  it('demo over http: neither step sets Secure, and the login works end to end (password, TOTP, a staff route, logout)', async () => {
    const l = await login(demo, HTTP);
    expect(hasSecure(l.passwordSetCookie)).toBe(false);
    expect(hasSecure(l.totpSetCookie)).toBe(false);
    // The rest of the cookie's protection stays.
    for (const header of [l.passwordSetCookie, l.totpSetCookie]) {
      expect(header).toMatch(/HttpOnly/);
      expect(header).toMatch(/SameSite=Strict/);
      expect(header).toMatch(/Path=\//);
    }
    const res = await demo.app.request(`${HTTP}/api/staff/me`, { headers: { cookie: l.cookie } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as StaffMeResponse).staff.loginId).toBe('demo-admin');
    // Logout clears the cookie with the same attributes (a Secure deletion would be dropped too).
    const out = await demo.app.request(`${HTTP}/api/staff/logout`, { method: 'POST', headers: { cookie: l.cookie } });
    expect(out.status).toBe(204);
    const cleared = out.headers.get('set-cookie') ?? '';
    expect(cleared).toMatch(/^zaitaku_session=;/);
    expect(cleared).toMatch(/Max-Age=0/);
    expect(hasSecure(cleared)).toBe(false);
    expect(await me(demo, HTTP, l.cookie)).toBe(401);
  });

  it('demo over https: both steps set Secure', async () => {
    const l = await login(demo, HTTPS);
    expect(hasSecure(l.passwordSetCookie)).toBe(true);
    expect(hasSecure(l.totpSetCookie)).toBe(true);
    expect(await me(demo, HTTPS, l.cookie)).toBe(200);
    const out = await demo.app.request(`${HTTPS}/api/staff/logout`, { method: 'POST', headers: { cookie: l.cookie } });
    expect(hasSecure(out.headers.get('set-cookie') ?? '')).toBe(true);
  });

  it('demo behind TRUST_PROXY: the proxy\'s X-Forwarded-Proto decides (https → Secure, http → not)', async () => {
    const viaTls = await login(demoBehindProxy, HTTP, { 'x-forwarded-proto': 'https' });
    expect(hasSecure(viaTls.passwordSetCookie)).toBe(true);
    expect(hasSecure(viaTls.totpSetCookie)).toBe(true);
    // A chain of proxies: the first entry is what the client used.
    const chained = await login(demoBehindProxy, HTTP, { 'x-forwarded-proto': 'https, http' });
    expect(hasSecure(chained.totpSetCookie)).toBe(true);
    const plain = await login(demoBehindProxy, HTTP, { 'x-forwarded-proto': 'http' });
    expect(hasSecure(plain.passwordSetCookie)).toBe(false);
    expect(hasSecure(plain.totpSetCookie)).toBe(false);
    expect(await me(demoBehindProxy, HTTP, plain.cookie)).toBe(200);
    // No header behind the proxy: the connection's own scheme.
    const bare = await login(demoBehindProxy, HTTP);
    expect(hasSecure(bare.totpSetCookie)).toBe(false);
  });

  it('without TRUST_PROXY a client-sent X-Forwarded-Proto changes nothing, either way', async () => {
    const forgedHttps = await login(demo, HTTP, { 'x-forwarded-proto': 'https' });
    expect(hasSecure(forgedHttps.passwordSetCookie)).toBe(false);
    expect(hasSecure(forgedHttps.totpSetCookie)).toBe(false);
    const forgedHttp = await login(demo, HTTPS, { 'x-forwarded-proto': 'http' });
    expect(hasSecure(forgedHttp.passwordSetCookie)).toBe(true);
    expect(hasSecure(forgedHttp.totpSetCookie)).toBe(true);
  });
});

describe('issue 21 #2: production always sets Secure', () => {
  it('over plain http, with or without a forwarded scheme, both steps and the logout set Secure', async () => {
    const variants: Record<string, string>[] = [{}, { 'x-forwarded-proto': 'http' }];
    for (const headers of variants) {
      const l = await login(production, HTTP, headers);
      expect(hasSecure(l.passwordSetCookie)).toBe(true);
      expect(hasSecure(l.totpSetCookie)).toBe(true);
      const out = await production.app.request(`${HTTP}/api/staff/logout`, { method: 'POST', headers: { cookie: l.cookie } });
      expect(out.status).toBe(204);
      expect(hasSecure(out.headers.get('set-cookie') ?? '')).toBe(true);
    }
    const me = (await (await production.app.request(`${HTTPS}/api/staff/me`, { headers: { cookie: (await login(production, HTTPS)).cookie } })).json()) as StaffMeResponse;
    expect(me.appMode).toBe('production');
  });
});
