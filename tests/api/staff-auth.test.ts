import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffMeResponse } from '../../src/domain/shared/api.ts';
import type { LoginStepResponse, RecoveryCodesResponse, StaffAccountDto, StaffAccountsResponse, TotpEnrolmentStart } from '../../src/domain/staff/staff-auth.ts';
import { SECOND_FACTOR_PENDING_MS } from '../../src/server/staff/session.ts';
import { totpCode } from '../../src/server/staff/totp.ts';
import {
  createTestApp,
  jsonRequest,
  loginAs,
  loginWithTotp,
  sessionCookie,
  TEST_PASSWORD,
  TEST_TOTP_SECRET,
  type TestApp,
} from './support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const STEP_MS = 30_000;

async function passwordOnly(loginId: string, password = TEST_PASSWORD): Promise<{ cookie: string; step: LoginStepResponse }> {
  const res = await t.app.request('/api/staff/login', jsonRequest('POST', { loginId, password }));
  expect(res.status).toBe(200);
  return { cookie: sessionCookie(res), step: (await res.json()) as LoginStepResponse };
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

const get = (path: string, cookie: string) => t.app.request(path, { headers: { cookie } });
const post = (path: string, cookie: string, body: unknown = {}) => t.app.request(path, jsonRequest('POST', body, { cookie }));

describe('staff second factor (issue 6 §2): the password alone reaches nothing but the second-factor routes', () => {
  it('a correct password asks for the second factor; staff routes answer 401 second_factor_required', async () => {
    const { cookie, step } = await passwordOnly('demo-admin');
    expect(step).toEqual({ next: 'second_factor', methods: ['totp'] });
    for (const path of ['/api/staff/me', '/api/staff/consents/lists', '/api/staff/accounts', '/api/staff/declarations']) {
      const res = await get(path, cookie);
      expect(res.status, path).toBe(401);
      expect(await errorCode(res), path).toBe('second_factor_required');
    }
    expect((await get('/api/staff/auth/factors', cookie)).status).toBe(401);
    expect((await post('/api/staff/auth/unlock', cookie, { password: TEST_PASSWORD })).status).toBe(401);
    expect((await post('/api/staff/auth/recovery-codes', cookie)).status).toBe(401);
    // An enrolled account cannot add a factor with the password only (a thief's own authenticator).
    for (const path of ['/api/staff/auth/enrol/totp/start', '/api/staff/auth/enrol/passkey/options']) {
      const res = await post(path, cookie);
      expect(res.status, path).toBe(403);
      expect(await errorCode(res)).toBe('enrolment_not_allowed');
    }
    const pending = await get('/api/staff/auth/pending', cookie);
    expect(await pending.json()).toEqual({ next: 'second_factor', methods: ['totp'] });
  });

  it('the password-only session lasts five minutes', async () => {
    const { cookie } = await passwordOnly('demo-clerk');
    t.clock.advance(SECOND_FACTOR_PENDING_MS + 1);
    const res = await post('/api/staff/auth/totp', cookie, { code: totpCode(TEST_TOTP_SECRET, t.clock.now()) });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('unauthenticated');
  });

  it('a disabled or unknown account and a wrong password get the same login_failed', async () => {
    for (const body of [{ loginId: 'demo-admin', password: 'wrong-password' }, { loginId: 'nobody', password: TEST_PASSWORD }]) {
      const res = await t.app.request('/api/staff/login', jsonRequest('POST', body));
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('login_failed');
    }
  });
});

describe('staff second factor (issue 6 §2): TOTP', () => {
  it('completes the login with a new session id; the password-only cookie stops working', async () => {
    t.clock.advance(STEP_MS);
    const { cookie: pending } = await passwordOnly('demo-doctor');
    const code = totpCode(TEST_TOTP_SECRET, t.clock.now());
    // Over https (over plain http the demo leaves Secure off: tests/api/cookie-scheme.test.ts).
    const res = await post('https://zaitaku.example/api/staff/auth/totp', pending, { code });
    expect(res.status).toBe(204);
    const full = sessionCookie(res);
    expect(full).not.toBe(pending);
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(res.headers.get('set-cookie')).toMatch(/Secure/);
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Strict/);
    const me = await get('/api/staff/me', full);
    expect(me.status).toBe(200);
    expect(((await me.json()) as StaffMeResponse).staff.role).toBe('doctor');
    expect((await get('/api/staff/auth/pending', pending)).status).toBe(401);

    // The same code a second time, in the same 30 seconds: refused (replay).
    const again = await passwordOnly('demo-doctor');
    const replay = await post('/api/staff/auth/totp', again.cookie, { code });
    expect(replay.status).toBe(401);
    expect(await errorCode(replay)).toBe('second_factor_failed');
    // Still refused 29 seconds on, while the code would otherwise still be valid.
    t.clock.advance(29_000);
    expect((await post('/api/staff/auth/totp', again.cookie, { code })).status).toBe(401);
    // The next step's code works.
    t.clock.advance(STEP_MS);
    expect((await post('/api/staff/auth/totp', again.cookie, { code: totpCode(TEST_TOTP_SECRET, t.clock.now()) })).status).toBe(204);
  });

  it('refuses a wrong code and a code from two steps away', async () => {
    t.clock.advance(STEP_MS);
    const { cookie } = await passwordOnly('demo-clerk');
    expect(await errorCode(await post('/api/staff/auth/totp', cookie, { code: '000000' }))).toBe('second_factor_failed');
    const old = totpCode(TEST_TOTP_SECRET, new Date(t.clock.now().getTime() - 2 * STEP_MS));
    expect((await post('/api/staff/auth/totp', cookie, { code: old })).status).toBe(401);
    expect((await post('/api/staff/auth/totp', cookie, { code: 'abc' })).status).toBe(422);
  });
});

describe('staff second factor (issue 6 §2): recovery codes', () => {
  it('ten codes, shown once, each logs in once', async () => {
    const admin = await loginAs(t, 'admin');
    const issued = (await (await post('/api/staff/auth/recovery-codes', admin)).json()) as RecoveryCodesResponse;
    expect(issued.recoveryCodes).toHaveLength(10);
    const stored = await t.db.selectFrom('staff_recovery_code').select('code_hash').execute();
    expect(stored.map((r) => r.code_hash)).not.toContain(issued.recoveryCodes[0]);

    const { cookie, step } = await passwordOnly('demo-admin');
    expect(step.methods).toEqual(['totp', 'recovery']);
    const res = await post('/api/staff/auth/recovery', cookie, { code: issued.recoveryCodes[0]!.toUpperCase() });
    expect(res.status).toBe(204);
    expect((await get('/api/staff/me', sessionCookie(res))).status).toBe(200);

    const again = await passwordOnly('demo-admin');
    const reused = await post('/api/staff/auth/recovery', again.cookie, { code: issued.recoveryCodes[0] });
    expect(reused.status).toBe(401);
    expect(await errorCode(reused)).toBe('second_factor_failed');
    expect((await post('/api/staff/auth/recovery', again.cookie, { code: issued.recoveryCodes[1] })).status).toBe(204);
    const factors = (await (await get('/api/staff/auth/factors', admin)).json()) as { recoveryCodesLeft: number };
    expect(factors.recoveryCodesLeft).toBe(8);
  });
});

describe('staff accounts and roles, kept by administrators (issue 6 §2)', () => {
  let clerk: StaffAccountDto;
  const clerkPassword = 'new-clerk-password-1';

  it('clerk and doctor get 403 on account management; no session 401', async () => {
    for (const role of ['clerk', 'doctor'] as const) {
      const cookie = await loginAs(t, role);
      expect((await get('/api/staff/accounts', cookie)).status).toBe(403);
      expect((await post('/api/staff/accounts', cookie, { loginId: 'x-user', displayName: 'x', role: 'admin', password: 'long-enough-password' })).status).toBe(403);
      const me = (await (await get('/api/staff/me', cookie)).json()) as StaffMeResponse;
      expect((await post(`/api/staff/accounts/${me.staff.id}/reset-factors`, cookie)).status).toBe(403);
    }
    expect((await t.app.request('/api/staff/accounts')).status).toBe(401);
  });

  it('an administrator creates a clerk; the clerk must enrol a factor right after the password', async () => {
    const admin = await loginAs(t, 'admin');
    const bad = await post('/api/staff/accounts', admin, { loginId: 'A', displayName: '', role: 'nurse', password: 'short' });
    expect(bad.status).toBe(422);
    const res = await post('/api/staff/accounts', admin, { loginId: 'new-clerk', displayName: '新しい受付', role: 'clerk', password: clerkPassword });
    expect(res.status).toBe(201);
    clerk = (await res.json()) as StaffAccountDto;
    expect(clerk).toMatchObject({ loginId: 'new-clerk', role: 'clerk', hasTotp: false, passkeys: 0, disabled: false });
    expect((await post('/api/staff/accounts', admin, { loginId: 'new-clerk', displayName: 'x', role: 'clerk', password: clerkPassword })).status).toBe(409);
    const list = (await (await get('/api/staff/accounts', admin)).json()) as StaffAccountsResponse;
    expect(list.accounts.map((a) => a.loginId)).toEqual(['demo-admin', 'demo-clerk', 'demo-doctor', 'new-clerk']);

    const { cookie, step } = await passwordOnly('new-clerk', clerkPassword);
    expect(step).toEqual({ next: 'enrol', methods: [] });
    expect(await errorCode(await get('/api/staff/me', cookie))).toBe('second_factor_required');
    const start = (await (await post('/api/staff/auth/enrol/totp/start', cookie)).json()) as TotpEnrolmentStart;
    expect(start.uri).toMatch(/^otpauth:\/\/totp\//);
    expect((await post('/api/staff/auth/enrol/totp/finish', cookie, { code: '000000' })).status).toBe(401);
    const finish = await post('/api/staff/auth/enrol/totp/finish', cookie, { code: totpCode(start.secret, t.clock.now()) });
    expect(finish.status).toBe(200);
    expect(((await finish.json()) as RecoveryCodesResponse).recoveryCodes).toHaveLength(10);
    const full = sessionCookie(finish);
    expect(full).not.toBe(cookie);
    expect(((await (await get('/api/staff/me', full)).json()) as StaffMeResponse).staff.loginId).toBe('new-clerk');

    // From now on the password leads to the second factor, not to enrolment.
    expect((await passwordOnly('new-clerk', clerkPassword)).step).toEqual({ next: 'second_factor', methods: ['totp', 'recovery'] });
    t.clock.advance(STEP_MS);
    expect(await loginWithTotp(t, 'new-clerk', clerkPassword, start.secret)).toMatch(/^zaitaku_session=/);
  });

  it('resetting the factors ends the account\'s sessions and sends it back to enrolment', async () => {
    const admin = await loginAs(t, 'admin');
    const { cookie, step } = await passwordOnly('new-clerk', clerkPassword);
    expect(step.next).toBe('second_factor');
    const res = await post(`/api/staff/accounts/${clerk.id}/reset-factors`, admin);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ hasTotp: false, passkeys: 0 });
    expect((await get('/api/staff/auth/pending', cookie)).status).toBe(401);
    expect((await passwordOnly('new-clerk', clerkPassword)).step).toEqual({ next: 'enrol', methods: [] });
  });

  it('changes a role; the last administrator cannot demote or disable themself', async () => {
    const admin = await loginAs(t, 'admin');
    const me = (await (await get('/api/staff/me', admin)).json()) as StaffMeResponse;
    const patch = (id: string, role: string) => t.app.request(`/api/staff/accounts/${id}/role`, jsonRequest('PATCH', { role }, { cookie: admin }));
    const demote = await patch(me.staff.id, 'clerk');
    expect(demote.status).toBe(409);
    expect(await errorCode(demote)).toBe('last_admin');
    expect(await errorCode(await post(`/api/staff/accounts/${me.staff.id}/disable`, admin))).toBe('last_admin');

    expect(((await (await patch(clerk.id, 'doctor')).json()) as StaffAccountDto).role).toBe('doctor');
    expect((await patch(clerk.id, 'nurse')).status).toBe(422);
    // With a second administrator, the first may step down.
    expect((await patch(clerk.id, 'admin')).status).toBe(200);
    expect((await patch(me.staff.id, 'clerk')).status).toBe(200);
    expect((await get('/api/staff/accounts', admin)).status).toBe(403);
    // Put things back for the other tests: the new administrator restores demo-admin.
    await t.db.updateTable('staff_account').set({ role: 'admin' }).where('id', '=', me.staff.id).execute();
  });

  it('a disabled account cannot log in and its sessions end', async () => {
    const admin = await loginAs(t, 'admin');
    const doctor = await loginAs(t, 'doctor');
    const me = (await (await get('/api/staff/me', doctor)).json()) as StaffMeResponse;
    expect((await post(`/api/staff/accounts/${me.staff.id}/disable`, admin)).status).toBe(200);
    expect((await get('/api/staff/me', doctor)).status).toBe(401);
    const res = await t.app.request('/api/staff/login', jsonRequest('POST', { loginId: 'demo-doctor', password: TEST_PASSWORD }));
    expect(await errorCode(res)).toBe('login_failed');
    await t.db.updateTable('staff_account').set({ disabled_at: null }).where('id', '=', me.staff.id).execute();
  });

  it('another institution\'s account is not found by id', async () => {
    const admin = await loginAs(t, 'admin');
    await t.db.insertInto('institution').values({ ...t.demo.institution, id: 'other-inst', code: '1312345670', link_token: 'other-token-staff-auth' }).execute();
    await t.db
      .insertInto('staff_account')
      .values({ id: 'other-admin', institution_id: 'other-inst', login_id: 'other-admin', display_name: '別', role: 'admin', password_hash: 'x', created_at: t.clock.now().toISOString() })
      .execute();
    expect((await post('/api/staff/accounts/other-admin/reset-factors', admin)).status).toBe(404);
    expect((await post('/api/staff/accounts/other-admin/disable', admin)).status).toBe(404);
    const list = (await (await get('/api/staff/accounts', admin)).json()) as StaffAccountsResponse;
    expect(list.accounts.map((a) => a.loginId)).not.toContain('other-admin');
  });

  it('X5: every account change and login step is audited with who did it', async () => {
    const events = await t.db.selectFrom('audit_event').select(['action', 'actor_id', 'outcome']).execute();
    const actions = new Set(events.map((e) => e.action));
    for (const action of ['staff.login.password', 'staff.login.second_factor', 'staff.factor.enrol', 'staff.factor.recovery_codes', 'staff.account.create', 'staff.account.role', 'staff.account.reset_factors', 'staff.account.disable']) {
      expect(actions, action).toContain(action);
    }
    expect(events.filter((e) => e.action === 'staff.login.second_factor').map((e) => e.outcome)).toContain('refused');
  });
});

describe('P4: unlock after the idle lock', () => {
  it('checks the password of the signed-in account', async () => {
    const cookie = await loginAs(t, 'clerk');
    const wrong = await post('/api/staff/auth/unlock', cookie, { password: 'not-it' });
    expect(wrong.status).toBe(401);
    expect(await errorCode(wrong)).toBe('login_failed');
    expect((await post('/api/staff/auth/unlock', cookie, { password: TEST_PASSWORD })).status).toBe(204);
    expect((await post('/api/staff/auth/unlock', '', { password: TEST_PASSWORD })).status).toBe(401);
  });
});

describe('staff second factor (issue 6 §2): passkeys', () => {
  it('offers WebAuthn options for the PUBLIC_URL host and refuses a made-up answer', async () => {
    t.clock.advance(STEP_MS);
    const full = await loginAs(t, 'doctor');
    const reg = (await (await post('/api/staff/auth/enrol/passkey/options', full)).json()) as { rp: { id: string }; challenge: string };
    expect(reg.rp.id).toBe('zaitaku.example');
    const bogus = await post('/api/staff/auth/enrol/passkey/verify', full, { response: { id: 'x', rawId: 'x', type: 'public-key', response: {} } });
    expect(bogus.status).toBe(401);

    const { cookie } = await passwordOnly('demo-doctor');
    const auth = (await (await post('/api/staff/auth/passkey/options', cookie)).json()) as { rpId: string; challenge: string };
    expect(auth.rpId).toBe('zaitaku.example');
    const refused = await post('/api/staff/auth/passkey/verify', cookie, { response: { id: 'x', rawId: 'x', type: 'public-key', response: {} } });
    expect(await errorCode(refused)).toBe('second_factor_failed');
  });
});
