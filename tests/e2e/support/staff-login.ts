import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Cookie, type Page } from '@playwright/test';
import { E2E_DEMO_PASSWORD, E2E_DEMO_TOTP_SECRET, e2eDataDir } from '../../../playwright.config.ts';
import { base32Decode, hotp, TOTP_STEP_SECONDS, totpCode, totpStep } from '../../../src/server/staff/totp.ts';
import { withDirectoryLock } from '../../../src/server/directory-lock.ts';

/** The demo accounts, one per role (src/server/demo/demo-seed.ts). */
export const DEMO_STAFF = {
  admin: { loginId: 'demo-admin', displayName: 'デモ管理者', roleLabel: '管理者' },
  clerk: { loginId: 'demo-clerk', displayName: 'デモ受付', roleLabel: '受付' },
  doctor: { loginId: 'demo-doctor', displayName: 'デモ医師', roleLabel: '医師・歯科医師' },
} as const;
export type DemoRole = keyof typeof DEMO_STAFF;

/** The code an authenticator app holding the demo secret shows now (or `offset` steps later). */
export function demoTotpCode(offset = 0): string {
  return hotp(base32Decode(E2E_DEMO_TOTP_SECRET), totpStep(new Date()) + offset);
}

/**
 * The server refuses a TOTP step already used (replay), and counts the refusal towards the
 * account lock (issue 12 #2), so two workers signing one demo account in within one 30-second
 * step could lock it. Each sign-in therefore reserves its step in a file shared by the run's
 * workers: the current step if nobody used it, else the next one (the server accepts a code one
 * step early), else it waits for a free step as a person would. Returns the offset from now.
 */
async function reserveTotpOffset(role: DemoRole): Promise<number> {
  const file = path.join(projectDir(), 'e2e-totp-steps.json');
  for (;;) {
    const offset = await withFileLock('e2e-totp-steps', async () => {
      let used: Partial<Record<DemoRole, number>> = {};
      try {
        used = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof used;
      } catch {
        // First sign-in of the run.
      }
      const now = totpStep(new Date());
      const last = used[role] ?? -1;
      const free = last < now ? 0 : last < now + 1 ? 1 : null;
      if (free !== null) {
        used[role] = now + free;
        fs.writeFileSync(file, JSON.stringify(used));
      }
      return free;
    });
    if (offset !== null) return offset;
    test.info().setTimeout(test.info().timeout + 35_000);
    await new Promise((resolve) => setTimeout(resolve, untilNextStep()));
  }
}

/** This project's server data directory, shared by the run's workers. */
function projectDir(): string {
  const dir = e2eDataDir(test.info().project.name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs `work` while holding a lock (a directory) that the run's workers share. */
function withFileLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  // A worker that timed out while holding the lock never released it: stale after 90 s.
  return withDirectoryLock(path.join(projectDir(), `${name}.lock`), work, { staleMs: 90_000, pollMs: 20 });
}

/** Milliseconds until the next 30-second TOTP step begins. */
function untilNextStep(): number {
  const stepMs = TOTP_STEP_SECONDS * 1000;
  return stepMs - (Date.now() % stepMs) + 250;
}

/**
 * A TOTP code counts once per account and 30-second step (the server's replay guard), and the
 * suite's workers log the same demo accounts in. So the first full login of a role in a run
 * keeps its session cookie in the run's data directory, and later sign-ins of that role reuse
 * it (as a staff member keeps working in one session); a reused session that has ended falls
 * back to the full login.
 */
function sessionFile(): string {
  // Each project has its own server, so its own sessions.
  return path.join(e2eDataDir(test.info().project.name), 'e2e-staff-sessions.json');
}

function cachedCookie(role: DemoRole): Cookie | undefined {
  try {
    return (JSON.parse(fs.readFileSync(sessionFile(), 'utf8')) as Partial<Record<DemoRole, Cookie>>)[role];
  } catch {
    return undefined;
  }
}

function saveCookie(role: DemoRole, cookie: Cookie): void {
  let all: Partial<Record<DemoRole, Cookie>> = {};
  try {
    all = JSON.parse(fs.readFileSync(sessionFile(), 'utf8')) as typeof all;
  } catch {
    // No sessions kept yet.
  }
  all[role] = cookie;
  fs.mkdirSync(path.dirname(sessionFile()), { recursive: true });
  fs.writeFileSync(sessionFile(), JSON.stringify(all));
}

/**
 * Opens a staff page signed in as the demo account of `role`. Every browser test signs in
 * through here, so a change to the login steps is made once. `fresh` always goes through the
 * whole login form (password, then the current TOTP code) and keeps the session to itself —
 * for tests that log out or change the account.
 */
export async function signInStaff(page: Page, path: string, role: DemoRole = 'admin', options: { fresh?: boolean } = {}): Promise<void> {
  if (options.fresh) {
    await page.goto(path);
    await fullLogin(page, role);
    return;
  }
  let tried = cachedCookie(role);
  if (tried && (await resumeSession(page, path, role, tried))) return;
  // No kept session, or it has ended: one worker at a time logs this role in, and the others then
  // reuse its session instead of each spending a TOTP step (at four workers, a third sign-in in
  // one step waited for the next).
  await withFileLock(`e2e-login-${role}`, async () => {
    const kept = cachedCookie(role);
    if (kept && kept.value !== tried?.value) {
      tried = kept;
      if (await resumeSession(page, path, role, kept)) return;
    }
    if (!page.url().endsWith(path)) await page.goto(path);
    await fullLogin(page, role);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'zaitaku_session');
    if (cookie) saveCookie(role, cookie);
  });
}

/** Opens `path` with a kept session; false when it shows the login form instead. */
async function resumeSession(page: Page, path: string, role: DemoRole, cookie: Cookie): Promise<boolean> {
  const signedIn = signedInText(page, role);
  const loginHeading = page.getByRole('heading', { name: 'ログイン', exact: true });
  await page.context().addCookies([cookie]);
  await page.goto(path);
  // A kept session idle for 5 minutes is locked on the server (issue 12 #10): unlock it with the
  // password, as the person at the desk would.
  const locked = page.getByRole('dialog', { name: '画面をロックしました' });
  await expect(signedIn.or(loginHeading).or(locked)).toBeVisible();
  if (await locked.isVisible()) {
    await locked.getByLabel('パスワード').fill(E2E_DEMO_PASSWORD);
    await locked.getByRole('button', { name: 'ロックを解除' }).click();
    await expect(signedIn.or(loginHeading)).toBeVisible();
  }
  return signedIn.isVisible();
}

function signedInText(page: Page, role: DemoRole) {
  const account = DEMO_STAFF[role];
  return page.getByText(`${account.displayName}（${account.roleLabel}）でログイン中`);
}

/** The login form on screen: password, then the current TOTP code. */
async function fullLogin(page: Page, role: DemoRole): Promise<void> {
  await expect(page.getByRole('heading', { name: 'ログイン', exact: true })).toBeVisible();
  await page.getByLabel('ログインID').fill(DEMO_STAFF[role].loginId);
  await page.getByLabel('パスワード').fill(E2E_DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await enterTotp(page, signedInText(page, role), role);
}

/**
 * The second step: the code for now; if another worker just used it, the next step's code
 * (accepted one step early); failing that, wait for the next step as a person would.
 */
export async function enterTotp(page: Page, signedIn: ReturnType<Page['getByText']>, role: DemoRole = 'admin'): Promise<void> {
  const field = page.getByLabel('認証コード（6桁）');
  const refused = page.getByRole('alert').filter({ hasText: '確認できませんでした' });
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt >= 2) {
      test.info().setTimeout(test.info().timeout + 35_000);
      await page.waitForTimeout(untilNextStep());
    }
    await expect(field).toBeVisible();
    await field.fill(demoTotpCode(await reserveTotpOffset(role)));
    await page.getByRole('button', { name: '確認する' }).click();
    await expect(signedIn.or(refused)).toBeVisible();
    if (await signedIn.isVisible()) return;
  }
  throw new Error('the TOTP code was refused four times');
}

/**
 * A session cookie (Cookie header value) for API calls from a test, as the demo account of `role`.
 * It shares the kept session with `signInStaff`: each API login spends a TOTP step, and tests that
 * asked for a new one on every call waited for free steps (up to 2 minutes in one test).
 */
export async function staffApiCookie(request: APIRequestContext, role: DemoRole = 'admin'): Promise<string> {
  const header = (cookie: Cookie) => `${cookie.name}=${cookie.value}`;
  const usable = async (cookie: Cookie) => (await request.get('/api/staff/me', { headers: { cookie: header(cookie) } })).status() === 200;
  const tried = cachedCookie(role);
  if (tried && (await usable(tried))) return header(tried);
  return withFileLock(`e2e-login-${role}`, async () => {
    const kept = cachedCookie(role);
    if (kept && kept.value !== tried?.value && (await usable(kept))) return header(kept);
    const cookie = await apiLogin(request, role);
    saveCookie(role, cookie);
    return header(cookie);
  });
}

/** The whole login over the API: password, then the TOTP code; the full session's cookie. */
async function apiLogin(request: APIRequestContext, role: DemoRole): Promise<Cookie> {
  const login = await request.post('/api/staff/login', { data: { loginId: DEMO_STAFF[role].loginId, password: E2E_DEMO_PASSWORD } });
  expect(login.status()).toBe(200);
  const pending = (login.headers()['set-cookie'] ?? '').split(';')[0]!;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt >= 2) {
      test.info().setTimeout(test.info().timeout + 35_000);
      await new Promise((resolve) => setTimeout(resolve, untilNextStep()));
    }
    const res = await request.post('/api/staff/auth/totp', { data: { code: demoTotpCode(await reserveTotpOffset(role)) }, headers: { cookie: pending } });
    if (res.status() === 204) return cookieFromHeader(res.headers()['set-cookie'] ?? '');
  }
  throw new Error('the TOTP code was refused four times');
}

/** The session's Set-Cookie header as the browser would keep it, so `signInStaff` can resume it. */
function cookieFromHeader(setCookie: string): Cookie {
  const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
  const eq = pair.indexOf('=');
  const maxAge = Number(attributes.find((a) => /^max-age=/i.test(a))?.split('=')[1] ?? NaN);
  return {
    name: pair.slice(0, eq),
    value: pair.slice(eq + 1),
    domain: new URL(String(test.info().project.use.baseURL)).hostname,
    path: '/',
    expires: Number.isFinite(maxAge) ? Math.floor(Date.now() / 1000) + maxAge : -1,
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
  };
}

/**
 * An account without a second factor (new, registered, or reset) is asked to set one up right
 * after the password: set up an authenticator app from the key on screen, keep the recovery
 * codes, and end signed in as `signedInText`.
 */
export async function enrolTotpOnScreen(page: Page, signedInText: string): Promise<string> {
  await expect(page.getByRole('heading', { name: '2段階認証の設定' })).toBeVisible();
  await page.getByRole('button', { name: '認証アプリを設定する' }).click();
  await expect(page.getByRole('img', { name: '認証アプリ用のQRコード' })).toBeVisible();
  const secret = ((await page.locator('.totp-secret').textContent()) ?? '').trim();
  await page.getByLabel('認証コード（6桁）').fill(totpCode(secret, new Date()));
  await page.getByRole('button', { name: '設定を完了する' }).click();
  await expect(page.locator('.recovery-codes li')).toHaveCount(10);
  await page.getByRole('button', { name: '保管しました' }).click();
  await expect(page.getByText(signedInText)).toBeVisible();
  return secret;
}
