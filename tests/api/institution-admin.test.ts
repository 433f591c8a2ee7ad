import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, StaffMeResponse } from '../../src/domain/api.ts';
import { agreeToAll } from '../../src/domain/consent.ts';
import { institutionCheckDigit } from '../../src/domain/institution-code.ts';
import type { DeviceListResponse, InstitutionLinkResponse, InstitutionSettingsResponse } from '../../src/domain/institution-api.ts';
import type { InstitutionPublicDto, StartRegistrationResponse } from '../../src/domain/reception-api.ts';
import { verifyAuditChain } from '../../src/server/audit/audit.service.ts';
import { issueActivation } from '../../src/server/institution/institution-activation.service.ts';
import type { TotpEnrolmentStart } from '../../src/domain/staff-auth.ts';
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

describe('the institution link (M1)', () => {
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

/** A new clinic's administrator enrols TOTP with the password-only session registration gives. */
async function enrolTotp(pendingCookie: string): Promise<string> {
  const start = await t.app.request('/api/staff/auth/enrol/totp/start', { method: 'POST', headers: { cookie: pendingCookie } });
  const { secret } = (await start.json()) as TotpEnrolmentStart;
  const finish = await t.app.request('/api/staff/auth/enrol/totp/finish', jsonRequest('POST', { code: totpCode(secret, t.clock.now()) }, { cookie: pendingCookie }));
  expect(finish.status).toBe(200);
  return sessionCookie(finish);
}
