import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, StaffMeResponse } from '../../src/domain/shared/api.ts';
import { agreeToAll } from '../../src/domain/consent/consent.ts';
import { institutionCheckDigit } from '../../src/domain/institution/institution-code.ts';
import type { DeviceListResponse, InstitutionLinkResponse, InstitutionSettingsResponse } from '../../src/domain/institution/institution-api.ts';
import type { InstitutionPublicDto, StartRegistrationResponse } from '../../src/domain/registration/reception-api.ts';
import { verifyAuditChain } from '../../src/server/audit/audit.service.ts';
import { issueActivation, setInstitutionActive } from '../../src/server/institution/institution-activation.service.ts';
import { DEFAULT_RATE_LIMITS } from '../../src/server/http/rate-limit-config.ts';
import { openDatabase, SQLITE_FILE_NAME } from '../../src/server/db/database.ts';
import type { TotpEnrolmentStart } from '../../src/domain/staff/staff-auth.ts';
import { totpCode } from '../../src/server/staff/totp.ts';
import { createTestApp, jsonRequest, loginAs, loginWithTotp, sessionCookie, type TestApp } from './support/test-app.ts';

/**
 * Issue 6 §1 and the devices of §2 through the HTTP API: registering a clinic (医療機関コード,
 * first administrator), the settings (S2, S3, S5, return addresses, D5), the link and its
 * reissue (M1), and revoking a lost device (P4). Every change is in the audit trail (X5).
 */

const TABLET = '3c1e5a7b-9d2f-4b6e-8a0c-1e3f5a7b9d2f';
const PHONE = '8b2d4f6a-0c1e-4a3b-9d5f-7e9a1b3c5d7e';
const CHROME_ANDROID = 'Mozilla/5.0 (Linux; Android 14; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const STRONG_PASSWORD = 'correct-horse-battery';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function call<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await t.app.request(path, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

function errorOf(reply: { status: number; body: unknown }): ApiErrorBody['error'] {
  return (reply.body as ApiErrorBody).error;
}

function codeWith(nine: string): string {
  return nine + String(institutionCheckDigit(nine));
}

function registration(overrides: Record<string, unknown> = {}) {
  return { code: codeWith('271234560'), activationCode: 'NOT0-ISSU-ED00-0000', name: '大阪在宅クリニック', loginId: 'osaka-admin', displayName: '大阪 管理者', password: STRONG_PASSWORD, ...overrides };
}

/** What the operator does with `npm run institution -- issue-activation <code>` (issue 12 #9). */
async function issueCode(institutionCode: string, ttlMs?: number): Promise<string> {
  return (await t.db.transaction().execute((trx) => issueActivation(trx, institutionCode, t.clock.now(), ttlMs))).code;
}

async function register(body: Record<string, unknown>) {
  const res = await t.app.request('/api/staff/institution/register', jsonRequest('POST', body));
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as unknown, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? null };
}

async function auditActions(institutionId: string): Promise<{ action: string; detail: string | null }[]> {
  return t.db.selectFrom('audit_event').select(['action', 'detail']).where('institution_id', '=', institutionId).orderBy('seq').execute();
}

describe('registering an institution', () => {
  it.each([
    ['', 'empty'],
    ['27123456a0', 'notDigits'],
    ['271234560', 'wrongLength'],
    ['0012345678', 'unknownPrefecture'],
    ['4812345678', 'unknownPrefecture'],
    [`${codeWith('272234560').slice(0, 10)}`, 'unknownFeeSchedule'],
  ])('refuses the code %s with a message for the field (%s)', async (code) => {
    const reply = await register(registration({ code }));
    expect(reply.status).toBe(422);
    expect(errorOf(reply).fields?.code).toBeTruthy();
    expect(reply.cookie).toBeNull();
  });

  it('refuses a wrong check digit, a short password and a bad login id, each on its own field', async () => {
    const good = codeWith('271234560');
    const wrong = good.slice(0, 9) + String((Number(good[9]) + 1) % 10);
    const reply = await register(registration({ code: wrong, password: 'short-pass', loginId: 'has space' }));
    expect(reply.status).toBe(422);
    const fields = errorOf(reply).fields ?? {};
    expect(fields.code).toMatch(/check digit/);
    expect(fields.password).toBeTruthy();
    expect(fields.loginId).toBeTruthy();
    // The messages name rules, never what was typed.
    expect(JSON.stringify(reply.body)).not.toContain(wrong);
  });

  it('creates the institution and its administrator, signs the administrator in and audits it', async () => {
    const activationCode = await issueCode('3410712362');
    const reply = await register(registration({ code: '3410712362', activationCode, loginId: 'hiroshima-admin', name: '広島訪問診療所' }));
    expect(reply.status).toBe(201);
    expect(reply.cookie).toBeTruthy();
    // The password alone reaches only the second-factor enrolment (P3): enrol TOTP first.
    const before = await call<{ error: { code: string } }>('/api/staff/me', { headers: { cookie: reply.cookie! } });
    expect(before.status).toBe(401);
    expect(before.body.error.code).toBe('second_factor_required');
    const start = await call<TotpEnrolmentStart>('/api/staff/auth/enrol/totp/start', { method: 'POST', headers: { cookie: reply.cookie! } });
    expect(start.status).toBe(200);
    const finish = await t.app.request('/api/staff/auth/enrol/totp/finish', jsonRequest('POST', { code: totpCode(start.body.secret, t.clock.now()) }, { cookie: reply.cookie! }));
    expect(finish.status).toBe(200);
    const full = sessionCookie(finish);
    const me = await call<StaffMeResponse>('/api/staff/me', { headers: { cookie: full } });
    expect(me.status).toBe(200);
    expect(me.body.staff.role).toBe('admin');
    expect(me.body.institution.code).toBe('3410712362');
    expect(me.body.institution.name).toBe('広島訪問診療所');
    expect(me.body.institution.link).toMatch(/^https:\/\/zaitaku\.example\/i\/[A-Za-z0-9_-]{20,}$/);
    expect((await auditActions(me.body.institution.id)).map((e) => e.action)).toContain('institution.registered');
    // And the new administrator can log in with the password chosen, then the second factor.
    t.clock.advance(30_000);
    expect(await loginWithTotp(t, 'hiroshima-admin', STRONG_PASSWORD, start.body.secret)).toMatch(/^zaitaku_session=/);
  });

  it('refuses a code that is already registered, and a login id already in use', async () => {
    const again = await register(registration({ code: '3410712362', loginId: 'someone-else' }));
    expect(again.status).toBe(409);
    expect(errorOf(again).code).toBe('institution_code_taken');
    expect(errorOf(again).fields?.code).toBeTruthy();
    const activationCode = await issueCode(codeWith('011111111'));
    const taken = await register(registration({ code: codeWith('011111111'), activationCode, loginId: 'demo-admin' }));
    expect(taken.status).toBe(409);
    expect(errorOf(taken).code).toBe('login_id_taken');
    // Nothing half-made: the refused code is still free, and so is its activation code.
    expect(await t.db.selectFrom('institution').select('id').where('code', '=', codeWith('011111111')).executeTakeFirst()).toBeUndefined();
    expect((await register(registration({ code: codeWith('011111111'), activationCode, loginId: 'hokkaido-admin' }))).status).toBe(201);
  });
});

describe('issue 12 #9: institution onboarding with proof', () => {
  const HOUR = 60 * 60 * 1000;

  async function institutionByCode(code: string) {
    return t.db.selectFrom('institution').selectAll().where('code', '=', code).executeTakeFirst();
  }

  async function refusedAudit(code: string): Promise<(string | null)[]> {
    const rows = await t.db
      .selectFrom('audit_event')
      .select(['detail', 'institution_id'])
      .where('action', '=', 'institution.registration_refused')
      .where('subject_id', '=', code)
      .orderBy('seq')
      .execute();
    expect(rows.every((r) => r.institution_id === null)).toBe(true);
    return rows.map((r) => r.detail);
  }

  it('issue 12 #9: registration without, with a wrong, another clinic’s, a replaced or an expired activation code is refused with its own code and creates nothing', async () => {
    const code = codeWith('401234567');
    const expectRefused = async (body: Record<string, unknown>, status: number, errorCode: string) => {
      const reply = await register(registration({ code, loginId: 'fukuoka-admin', ...body }));
      expect(reply.status, JSON.stringify(reply.body)).toBe(status);
      expect(errorOf(reply).code).toBe(errorCode);
      expect(errorOf(reply).fields?.activationCode).toBeTruthy();
      expect(reply.cookie).toBeNull();
      expect(await institutionByCode(code)).toBeUndefined();
      expect(await t.db.selectFrom('staff_account').select('id').where('login_id', '=', 'fukuoka-admin').executeTakeFirst()).toBeUndefined();
    };
    const { activationCode: _none, ...withoutCode } = registration({ code, loginId: 'fukuoka-admin' });
    const without = await register(withoutCode);
    expect(without.status).toBe(422);
    expect(errorOf(without).code).toBe('validation_failed');
    expect(errorOf(without).fields?.activationCode).toBeTruthy();

    await expectRefused({ activationCode: 'ABCD-EFGH-JKMN-PQRS' }, 422, 'activation_code_invalid');
    // A genuine code, but issued for another 医療機関コード: proof of that clinic only.
    const otherClinics = await issueCode(codeWith('401234568'));
    await expectRefused({ activationCode: otherClinics }, 422, 'activation_code_invalid');
    // A newer code replaces an unused older one.
    const replaced = await issueCode(code);
    const current = await issueCode(code);
    await expectRefused({ activationCode: replaced }, 422, 'activation_code_invalid');
    // Expired after its lifetime (here one hour).
    const shortLived = await issueCode(codeWith('401234569'), HOUR);
    t.clock.advance(HOUR);
    const expired = await register(registration({ code: codeWith('401234569'), activationCode: shortLived, loginId: 'fukuoka-admin' }));
    expect(expired.status).toBe(410);
    expect(errorOf(expired).code).toBe('activation_code_expired');
    expect(await institutionByCode(codeWith('401234569'))).toBeUndefined();
    // Every refusal is in the audit trail with its reason.
    expect(await refusedAudit(code)).toEqual(['activation_code_invalid', 'activation_code_invalid', 'activation_code_invalid']);
    expect(await refusedAudit(codeWith('401234569'))).toEqual(['activation_code_expired']);
    // The current code still works, typed the way a person might (lower case, no hyphens).
    const ok = await register(registration({ code, activationCode: current.replaceAll('-', '').toLowerCase(), loginId: 'fukuoka-admin' }));
    expect(ok.status).toBe(201);
    // Used once, it cannot be used again.
    const again = await register(registration({ code, activationCode: current, loginId: 'fukuoka-admin-2' }));
    expect(again.status).toBe(409);
  });

  it('issue 12 #9: with the issued code the institution is active, the admin can sign in, and the code is kept only as a used hash', async () => {
    const code = codeWith('221234567');
    const activationCode = await issueCode(code);
    const reply = await register(registration({ code, activationCode, loginId: 'shizuoka-admin' }));
    expect(reply.status).toBe(201);
    const institution = (await institutionByCode(code))!;
    expect(institution.activated_at).toBe(t.clock.now().toISOString());
    const stored = await t.db.selectFrom('institution_activation').selectAll().where('institution_code', '=', code).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ used_at: t.clock.now().toISOString(), institution_id: institution.id, revoked_at: null });
    expect(JSON.stringify(stored)).not.toContain(activationCode);
    expect(JSON.stringify(stored)).not.toContain(activationCode.replaceAll('-', ''));
    const full = await enrolTotp(reply.cookie!);
    expect((await call('/api/staff/me', { headers: { cookie: full } })).status).toBe(200);
    expect((await call<InstitutionPublicDto>(`/api/public/institutions/${institution.link_token}`)).status).toBe(200);
    // Audited: the code issued, the institution registered and activated.
    expect(await t.db.selectFrom('audit_event').select('action').where('subject_id', '=', code).where('action', '=', 'institution.activation_issued').execute()).toHaveLength(1);
    expect((await auditActions(institution.id)).map((e) => e.action)).toEqual(expect.arrayContaining(['institution.registered', 'institution.activated']));
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it('issue 12 #9: the code is single-use: two registrations with it at once, exactly one succeeds', async () => {
    const code = codeWith('261234567');
    const activationCode = await issueCode(code);
    const replies = await Promise.all([
      register(registration({ code, activationCode, loginId: 'kyoto-admin-a' })),
      register(registration({ code, activationCode, loginId: 'kyoto-admin-b' })),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    const loser = replies.find((r) => r.status === 409)!;
    // SQLite serialises the two (the second finds the code registered); on PostgreSQL the second
    // waits on the activation row and finds it used.
    expect(['activation_code_used', 'institution_code_taken']).toContain(errorOf(loser).code);
    expect(await t.db.selectFrom('institution').select('id').where('code', '=', code).execute()).toHaveLength(1);
    const admins = await t.db.selectFrom('staff_account').select('login_id').where('login_id', 'in', ['kyoto-admin-a', 'kyoto-admin-b']).execute();
    expect(admins).toHaveLength(1);
  });

  it('issue 12 #9: an inactive institution: its link does not work, its staff cannot sign in and their sessions end; activating again restores both', async () => {
    const code = codeWith('071234567');
    const reply = await register(registration({ code, activationCode: await issueCode(code), loginId: 'fukushima-admin' }));
    expect(reply.status).toBe(201);
    const full = await enrolTotp(reply.cookie!);
    const token = (await institutionByCode(code))!.link_token;

    await t.db.transaction().execute((trx) => setInstitutionActive(trx, code, false, t.clock.now()));
    const info = await call(`/api/public/institutions/${token}`);
    expect(info.status).toBe(404);
    expect(errorOf(info).code).toBe('link_invalid');
    const start = await call(
      '/api/public/registrations',
      jsonRequest('POST', { linkToken: token, visitType: 'homeVisit', arrival: 'link', choices: agreeToAll(), handoffPath: 'crossDevice' }, { 'x-device-id': PHONE }),
    );
    expect(errorOf(start).code).toBe('link_invalid');
    expect((await call('/api/staff/me', { headers: { cookie: full } })).status).toBe(401);
    const login = await call('/api/staff/login', jsonRequest('POST', { loginId: 'fukushima-admin', password: STRONG_PASSWORD }));
    expect(login.status).toBe(403);
    expect(errorOf(login).code).toBe('institution_inactive');
    // A wrong password still gets the usual answer: inactivity is told only to the password holder.
    expect((await call('/api/staff/login', jsonRequest('POST', { loginId: 'fukushima-admin', password: 'wrong-password-1' }))).status).toBe(401);

    await t.db.transaction().execute((trx) => setInstitutionActive(trx, code, true, t.clock.now()));
    expect((await call(`/api/public/institutions/${token}`)).status).toBe(200);
    expect((await call('/api/staff/login', jsonRequest('POST', { loginId: 'fukushima-admin', password: STRONG_PASSWORD }))).status).toBe(200);
    const id = (await institutionByCode(code))!.id;
    expect((await auditActions(id)).map((e) => e.action)).toEqual(expect.arrayContaining(['institution.deactivated', 'institution.activated']));
    // The demo clinic is active.
    expect((await institutionByCode(t.demo.institution.code))!.activated_at).not.toBeNull();
  });

  it('issue 12 #9: registrations are rate-limited per address (429), successful or not', async () => {
    const limited = await createTestApp({ config: { rateLimits: { ...DEFAULT_RATE_LIMITS, institutionRegisterPerClient: { limit: 3, windowMs: HOUR } } } });
    try {
      const post = (body: Record<string, unknown>) => limited.app.request('/api/staff/institution/register', jsonRequest('POST', body));
      const code = codeWith('331234567');
      for (let i = 0; i < 3; i++) expect((await post(registration({ code, activationCode: 'ABCD-EFGH-JKMN-PQRS' }))).status).toBe(422);
      const activationCode = (await limited.db.transaction().execute((trx) => issueActivation(trx, code, limited.clock.now()))).code;
      const blocked = await post(registration({ code, activationCode }));
      expect(blocked.status).toBe(429);
      expect(((await blocked.json()) as ApiErrorBody).error.code).toBe('rate_limited');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.db.selectFrom('institution').select('id').where('code', '=', code).executeTakeFirst()).toBeUndefined();
      limited.clock.advance(HOUR);
      expect((await post(registration({ code, activationCode }))).status).toBe(201);
    } finally {
      await limited.close();
    }
  });

  // The CLI runs in its own process on SQLite (DATABASE_URL emptied below) in either lane: the
  // PostgreSQL lane skips it rather than repeat it (tests/skips.ts).
  it.skipIf(Boolean(process.env.DATABASE_URL))('issue 12 #9: npm run institution -- issue-activation prints a one-time code that the database keeps only as a hash', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-cli-'));
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' };
    const run = (...args: string[]) => spawnSync(process.execPath, ['src/server/institution/cli.ts', ...args], { env, encoding: 'utf8' });
    try {
      const code = codeWith('131000001');
      const first = run('issue-activation', code);
      expect(first.status, first.stderr).toBe(0);
      const printed = /: ([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})\n/.exec(first.stdout)?.[1];
      expect(printed).toBeTruthy();
      expect(first.stdout).toMatch(/Valid once, until \d{4}-\d{2}-\d{2}T/);
      const second = run('issue-activation', code, '--hours', '24');
      expect(second.status).toBe(0);
      expect(run('issue-activation', '1310000010').status).toBe(1); // wrong check digit
      expect(run('bogus').status).toBe(2);
      expect(run('deactivate', code).status).toBe(1); // not registered yet
      const { db } = openDatabase({ dataDir });
      try {
        const rows = await db.selectFrom('institution_activation').selectAll().where('institution_code', '=', code).orderBy('created_at').execute();
        expect(rows).toHaveLength(2);
        expect(rows[0]!.code_hash).toBe(createHash('sha256').update(printed!.replaceAll('-', '')).digest('hex'));
        expect(rows[0]!.revoked_at).not.toBeNull();
        expect(rows[1]!.revoked_at).toBeNull();
        expect(Date.parse(rows[1]!.expires_at) - Date.parse(rows[1]!.created_at)).toBe(24 * HOUR);
      } finally {
        await db.destroy();
      }
      expect(fs.readFileSync(path.join(dataDir, SQLITE_FILE_NAME)).includes(printed!.replaceAll('-', ''))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000); // Starts the CLI (a Node process) several times: slow on busy cores, so a hang guard only.
});

describe('settings (S2, S3, S5, return addresses, D5)', () => {
  const settings = {
    usesClinicalInfo: false,
    usesElectronicPrescription: false,
    showsPrescriptionForm: false,
    allowedReturnUrls: 'https://telemed.example/return\nhttps://another-app.example.jp/back',
    declarationRetentionDays: 14,
  };

  it('is for administrators only: clerks and doctors get 403, no session 401', async () => {
    for (const role of ['clerk', 'doctor'] as const) {
      const cookie = await loginAs(t, role);
      expect((await call('/api/staff/institution/settings', { headers: { cookie } })).status).toBe(403);
      const put = await call('/api/staff/institution/settings', jsonRequest('PUT', settings, { cookie }));
      expect(put.status).toBe(403);
      expect(errorOf(put).code).toBe('forbidden');
      expect((await call('/api/staff/institution/link/reissue', { method: 'POST', headers: { cookie } })).status).toBe(403);
    }
    expect((await call('/api/staff/institution/settings')).status).toBe(401);
  });

  it('refuses return addresses that are not https, and keeps the old settings', async () => {
    const cookie = await loginAs(t, 'admin');
    for (const bad of ['http://telemed.example/return', 'javascript:alert(1)', 'https://user:pw@telemed.example/', 'https://telemed.example/r?x=1', 'not a url']) {
      const reply = await call('/api/staff/institution/settings', jsonRequest('PUT', { ...settings, allowedReturnUrls: bad }, { cookie }));
      expect(reply.status, bad).toBe(422);
      expect(errorOf(reply).fields?.allowedReturnUrls).toBeTruthy();
    }
    const zero = await call('/api/staff/institution/settings', jsonRequest('PUT', { ...settings, declarationRetentionDays: 0 }, { cookie }));
    expect(errorOf(zero).fields?.declarationRetentionDays).toBeTruthy();
    const current = await call<InstitutionSettingsResponse>('/api/staff/institution/settings', { headers: { cookie } });
    expect(current.body.settings.usesClinicalInfo).toBe(true);
  });

  it('saves, audits which settings changed, and the patient flow sees them (S2, S3, S5)', async () => {
    const cookie = await loginAs(t, 'admin');
    const saved = await call<InstitutionSettingsResponse>('/api/staff/institution/settings', jsonRequest('PUT', settings, { cookie }));
    expect(saved.status).toBe(200);
    expect(saved.body.settings).toEqual(settings);
    const events = await auditActions(t.demo.institution.id);
    const change = events.filter((e) => e.action === 'institution.settings_changed').at(-1);
    expect(change?.detail).toBe('usesClinicalInfo,usesElectronicPrescription,showsPrescriptionForm,allowedReturnUrls,declarationRetentionDays');

    const link = await call<InstitutionLinkResponse>('/api/staff/institution/link', { headers: { cookie } });
    const token = link.body.link.split('/i/')[1]!;
    const pub = await call<InstitutionPublicDto>(`/api/public/institutions/${token}?returnUrl=${encodeURIComponent('https://another-app.example.jp/back/x')}`);
    expect(pub.body.settings).toEqual({ usesClinicalInfo: false, usesElectronicPrescription: false, showsPrescriptionForm: false });
    expect(pub.body.returnUrl).toBe('allowed');

    // S2/S3 on the server: with both off, the medication choice grants medication only.
    const reg = await call<StartRegistrationResponse>(
      '/api/public/registrations',
      jsonRequest('POST', { linkToken: token, visitType: 'homeVisit', arrival: 'link', choices: agreeToAll(), handoffPath: 'crossDevice' }, { 'x-device-id': PHONE }),
    );
    expect(reg.status).toBe(201);
    const row = await t.db.selectFrom('registration').selectAll().where('id', '=', reg.body.registrationId).executeTakeFirstOrThrow();
    const scopes = JSON.stringify(row);
    expect(scopes).toContain('medication');
    expect(scopes).not.toContain('clinical');
    expect(scopes).not.toContain('dispensing');

    // Restore the demo's settings for the other tests.
    await call('/api/staff/institution/settings', jsonRequest('PUT', { ...settings, usesClinicalInfo: true, usesElectronicPrescription: true, showsPrescriptionForm: true }, { cookie }));
  });
});

describe('the institution link (reissue invalidates the old one: DOMAIN §11 product rule)', () => {
  it('every role may view it', async () => {
    for (const role of ['clerk', 'doctor', 'admin'] as const) {
      const cookie = await loginAs(t, role);
      const reply = await call<InstitutionLinkResponse>('/api/staff/institution/link', { headers: { cookie } });
      expect(reply.status).toBe(200);
      expect(reply.body.link).toBe(`https://zaitaku.example/i/${(await currentToken())}`);
    }
  });

  it('reissue: the old token is refused at once by every public endpoint, the new one works', async () => {
    const cookie = await loginAs(t, 'admin');
    const old = await currentToken();
    const reply = await call<InstitutionLinkResponse>('/api/staff/institution/link/reissue', { method: 'POST', headers: { cookie } });
    expect(reply.status).toBe(200);
    const fresh = reply.body.link.split('/i/')[1]!;
    expect(fresh).not.toBe(old);
    expect(await currentToken()).toBe(fresh);

    const info = await call(`/api/public/institutions/${old}`);
    expect(info.status).toBe(404);
    expect(errorOf(info).code).toBe('link_invalid');
    const reg = await call(
      '/api/public/registrations',
      jsonRequest('POST', { linkToken: old, visitType: 'homeVisit', arrival: 'link', choices: agreeToAll(), handoffPath: 'crossDevice' }, { 'x-device-id': PHONE }),
    );
    expect(errorOf(reg).code).toBe('link_invalid');
    const card = await call('/api/public/card-requests', jsonRequest('POST', { linkToken: old, purpose: 'query', arrival: 'link', handoffPath: 'crossDevice' }, { 'x-device-id': PHONE }));
    expect(card.status).toBe(404);
    expect(errorOf(card).code).toBe('link_invalid');
    expect((await call(`/api/public/institutions/${fresh}`)).status).toBe(200);
    expect((await auditActions(t.demo.institution.id)).some((e) => e.action === 'institution.link_reissued')).toBe(true);
  });
});

/** A complete outage declaration (D1–D6), as an outbox sends it. */
function declarationForm(id: string, linkToken: string) {
  return {
    id,
    createdAt: '2026-11-22T00:40:00.000Z',
    linkToken,
    referenceNumber: '',
    holdsValidCard: true,
    insuranceType: 'employee',
    insurerName: '全国健康保険協会 東京支部',
    employerName: '株式会社端末商事',
    cardIssuedWhen: 'withinMonth',
    copayRatio: null,
    name: '端末 花子',
    nameKana: 'タンマツ ハナコ',
    dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
    sex: 'female',
    address: '東京都千代田区霞が関１－２－２',
    otherResidence: '',
    declaredOn: '2026-11-22',
    signature: `data:image/png;base64,iVBORw0KGgo${'A'.repeat(400)}`,
    relationship: '',
    phone: '090-2718-2818',
  };
}

async function currentToken(): Promise<string> {
  const row = await t.db.selectFrom('institution').select('link_token').where('id', '=', t.demo.institution.id).executeTakeFirstOrThrow();
  return row.link_token;
}

describe('devices (P4)', () => {
  it('records devices that used the link, lists them for clerks and admins, not doctors', async () => {
    const token = await currentToken();
    await call(`/api/public/institutions/${token}`, { headers: { 'x-device-id': TABLET, 'user-agent': CHROME_ANDROID } });
    const reg = await call<StartRegistrationResponse>(
      '/api/public/registrations',
      jsonRequest('POST', { linkToken: token, visitType: 'homeVisit', arrival: 'link', choices: agreeToAll(), prescriptionForm: 'electronic', handoffPath: 'crossDevice' }, { 'x-device-id': TABLET, 'user-agent': CHROME_ANDROID }),
    );
    expect(reg.status).toBe(201);
    const clerk = await loginAs(t, 'clerk');
    const list = await call<DeviceListResponse>('/api/staff/devices', { headers: { cookie: clerk } });
    expect(list.status).toBe(200);
    const tablet = list.body.devices.find((d) => d.deviceId === TABLET);
    expect(tablet).toMatchObject({ userAgent: 'Chrome / Android', registrations: 1, revokedAt: null });
    expect((await call('/api/staff/devices', { headers: { cookie: await loginAs(t, 'doctor') } })).status).toBe(403);
  });

  it('a revoked device is refused on the public endpoints with device_revoked; others still work', async () => {
    const token = await currentToken();
    const started = await call<StartRegistrationResponse>(
      '/api/public/registrations',
      jsonRequest('POST', { linkToken: token, visitType: 'homeVisit', arrival: 'link', choices: agreeToAll(), prescriptionForm: 'electronic', handoffPath: 'crossDevice' }, { 'x-device-id': TABLET }),
    );
    expect(started.status).toBe(201);
    const clerk = await loginAs(t, 'clerk');
    const revoked = await call<{ device: { revokedAt: string | null } }>(`/api/staff/devices/${TABLET}/revoke`, { method: 'POST', headers: { cookie: clerk } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.device.revokedAt).toBeTruthy();

    const info = await call(`/api/public/institutions/${token}`, { headers: { 'x-device-id': TABLET } });
    expect(info.status).toBe(403);
    expect(errorOf(info).code).toBe('device_revoked');
    const again = await call(
      '/api/public/registrations',
      jsonRequest('POST', { linkToken: token, visitType: 'homeVisit', arrival: 'link', choices: agreeToAll(), prescriptionForm: 'electronic', handoffPath: 'crossDevice' }, { 'x-device-id': TABLET }),
    );
    expect(errorOf(again).code).toBe('device_revoked');
    // The registration the lost tablet had started cannot be read from it any more.
    const outcome = await call(`/api/public/registrations/${started.body.registrationId}`, { headers: { authorization: `Bearer ${started.body.accessToken}` } });
    expect(errorOf(outcome).code).toBe('device_revoked');
    // Its outbox is refused too (P4), with nothing stored.
    const declarationId = '0b7e2c4a-6d8f-4a1c-9e3b-5f7a9c1e3d5b';
    const declaration = await call('/api/public/declarations', jsonRequest('POST', declarationForm(declarationId, token), { 'x-device-id': TABLET }));
    expect(declaration.status).toBe(403);
    expect(errorOf(declaration).code).toBe('device_revoked');
    expect(await t.db.selectFrom('declaration').select('id').where('id', '=', declarationId).executeTakeFirst()).toBeUndefined();
    // The same form from a device still in use is received, so the refusal was the device's.
    expect((await call('/api/public/declarations', jsonRequest('POST', declarationForm(declarationId, token), { 'x-device-id': PHONE }))).status).toBe(201);
    // Another device is not affected.
    expect((await call(`/api/public/institutions/${token}`, { headers: { 'x-device-id': PHONE } })).status).toBe(200);

    const events = await auditActions(t.demo.institution.id);
    expect(events.some((e) => e.action === 'device.revoked')).toBe(true);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it('does not reach another institution’s devices, and an unknown id is not found', async () => {
    const reply = await register(registration({ code: codeWith('131111111'), activationCode: await issueCode(codeWith('131111111')), loginId: 'tokyo-admin' }));
    expect(reply.status).toBe(201);
    const cookie = await enrolTotp(reply.cookie!);
    const list = await call<DeviceListResponse>('/api/staff/devices', { headers: { cookie } });
    expect(list.body.devices).toEqual([]);
    const foreign = await call(`/api/staff/devices/${PHONE}/revoke`, { method: 'POST', headers: { cookie } });
    expect(foreign.status).toBe(404);
    expect(errorOf(foreign).code).toBe('device_not_found');
    // The phone still works at the demo clinic.
    expect((await call(`/api/public/institutions/${await currentToken()}`, { headers: { 'x-device-id': PHONE } })).status).toBe(200);
  });
});

describe('allowing a revoked device again (issue 12 #13)', () => {
  const LAPTOP = 'd4a6c8e0-2b4d-4f6a-8c0e-2a4c6e8a0b2d';

  it('issue 12 #13: a revoked device allowed again sends what it held, once', async () => {
    const token = await currentToken();
    expect((await call(`/api/public/institutions/${token}`, { headers: { 'x-device-id': LAPTOP } })).status).toBe(200);
    const clerk = await loginAs(t, 'clerk');
    expect((await call(`/api/staff/devices/${LAPTOP}/revoke`, { method: 'POST', headers: { cookie: clerk } })).status).toBe(200);

    // What the outbox keeps as "needs attention": refused, nothing stored.
    const declarationId = '5e7a9c1e-3d5b-4f7a-9c1e-3d5b7f9a1c3e';
    const form = declarationForm(declarationId, token);
    const held = await call('/api/public/declarations', jsonRequest('POST', form, { 'x-device-id': LAPTOP }));
    expect(held.status).toBe(403);
    expect(errorOf(held).code).toBe('device_revoked');
    expect(await t.db.selectFrom('declaration').select('id').where('id', '=', declarationId).executeTakeFirst()).toBeUndefined();

    // Neither a doctor nor a clerk of another clinic can allow it.
    expect((await call(`/api/staff/devices/${LAPTOP}/restore`, { method: 'POST', headers: { cookie: await loginAs(t, 'doctor') } })).status).toBe(403);
    const other = await register(registration({ code: codeWith('141111111'), activationCode: await issueCode(codeWith('141111111')), loginId: 'kanagawa-admin' }));
    expect(other.status).toBe(201);
    const foreign = await call(`/api/staff/devices/${LAPTOP}/restore`, { method: 'POST', headers: { cookie: await enrolTotp(other.cookie!) } });
    expect(foreign.status).toBe(404);
    expect(errorOf(foreign).code).toBe('device_not_found');
    expect(errorOf(await call('/api/public/declarations', jsonRequest('POST', form, { 'x-device-id': LAPTOP }))).code).toBe('device_revoked');

    // The clinic's clerk allows it again; doing so twice is harmless and audited once.
    const restored = await call<{ device: { deviceId: string; revokedAt: string | null } }>(`/api/staff/devices/${LAPTOP}/restore`, { method: 'POST', headers: { cookie: clerk } });
    expect(restored.status).toBe(200);
    expect(restored.body.device).toMatchObject({ deviceId: LAPTOP, revokedAt: null });
    expect((await call(`/api/staff/devices/${LAPTOP.toUpperCase()}/restore`, { method: 'POST', headers: { cookie: clerk } })).status).toBe(200);
    const row = await t.db.selectFrom('institution_device').selectAll().where('device_id', '=', LAPTOP).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ revoked_at: null, revoked_by: null });
    expect((await call(`/api/staff/devices/${crypto.randomUUID()}/restore`, { method: 'POST', headers: { cookie: clerk } })).status).toBe(404);

    // The held declaration goes through, and its resend is the same receipt, stored once.
    const sent = await call<{ id: string; receivedAt: string }>('/api/public/declarations', jsonRequest('POST', form, { 'x-device-id': LAPTOP }));
    expect(sent.status).toBe(201);
    expect(sent.body.id).toBe(declarationId);
    const resent = await call<{ id: string; receivedAt: string }>('/api/public/declarations', jsonRequest('POST', form, { 'x-device-id': LAPTOP }));
    expect(resent.status).toBe(200);
    expect(resent.body).toEqual(sent.body);
    expect(await t.db.selectFrom('declaration').select('id').where('id', '=', declarationId).execute()).toHaveLength(1);

    const restoredEvents = (await t.db.selectFrom('audit_event').select(['action', 'subject_id']).where('action', '=', 'device.restored').execute()).filter((e) => e.subject_id === LAPTOP);
    expect(restoredEvents).toHaveLength(1);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });
});

/** A new clinic's administrator enrols TOTP with the password-only session registration gives. */
async function enrolTotp(pendingCookie: string): Promise<string> {
  const start = await t.app.request('/api/staff/auth/enrol/totp/start', { method: 'POST', headers: { cookie: pendingCookie } });
  const { secret } = (await start.json()) as TotpEnrolmentStart;
  const finish = await t.app.request('/api/staff/auth/enrol/totp/finish', jsonRequest('POST', { code: totpCode(secret, t.clock.now()) }, { cookie: pendingCookie }));
  expect(finish.status).toBe(200);
  return sessionCookie(finish);
}
