import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import type {
  DeclarationInboxResponse,
  DeclarationReceipt,
  DeclarationResponse,
  DeclarationStateResponse,
} from '../../src/domain/declaration/declaration-api.ts';
import { DECLARATION_MESSAGES, SIGNATURE_MAX_CHARS, type DeclarationInput } from '../../src/domain/declaration/declaration-schema.ts';
import type { GuideOutcome } from '../../src/domain/fallback/fallback-guide.ts';
import type { AuditEventRow } from '../../src/server/audit/audit.table.ts';
import { verifyAuditChain } from '../../src/server/audit/audit.service.ts';
import { purgeExpiredDeclarations } from '../../src/server/declaration/declaration.service.ts';
import { startRetentionPurge } from '../../src/server/retention/retention.service.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { createTestApp, jsonRequest, loginWithTotp, TEST_PASSWORD, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/**
 * Outage declarations through the HTTP API: the outbox's idempotent send (P4), the form's rules
 * on receipt (D3, D4, P1), the staff inbox scoped to the institution with its guarded work steps
 * (F6), retention and purge (D5), and the audit trail (X5).
 */

/** 10:00 JST on 2026-11-22. */
const BASE_TIME = '2026-11-22T01:00:00.000Z';
const DAY_MS = 24 * 60 * 60 * 1000;
const DEVICE = '3c9e1f7a-2b4d-4c6e-8a0b-1d3f5e7a9c2b';
const OTHER_INSTITUTION_LINK = 'other-clinic-link-for-declarations';
const OTHER_PASSWORD = 'other-password-1';
/** Distinctive personal data, so a leak into responses or the audit trail is easy to spot. */
const NAME = '申立 花子';
const KANA = 'モウシタテ ハナコ';
const PHONE = '090-3141-5926';
const ADDRESS = '東京都千代田区霞が関１－２－２';
const SIGNATURE = `data:image/png;base64,iVBORw0KGgo${'A'.repeat(400)}`;

let t: TestApp;
let linkToken: string;
let otherInstitutionId: string;

beforeAll(async () => {
  t = await createTestApp();
  linkToken = t.demo.institution.link_token;
  // A second clinic with its own clerk, to prove every staff route is scoped to the institution.
  otherInstitutionId = randomUUID();
  await t.db
    .insertInto('institution')
    .values({ ...t.demo.institution, id: otherInstitutionId, code: '1310000009', name: '別の診療所', link_token: OTHER_INSTITUTION_LINK })
    .execute();
  await t.db
    .insertInto('staff_account')
    .values({
      id: randomUUID(),
      institution_id: otherInstitutionId,
      login_id: 'other-declaration-clerk',
      display_name: '別の受付',
      role: 'clerk',
      password_hash: await hashPassword(OTHER_PASSWORD),
      created_at: BASE_TIME,
      totp_secret: TEST_TOTP_SECRET,
    })
    .execute();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => setClock(BASE_TIME));

function setClock(iso: string): void {
  t.clock.advance(Date.parse(iso) - t.clock.now().getTime());
}

interface Reply<T> {
  status: number;
  text: string;
  body: T;
}

async function call<T = unknown>(path: string, init?: RequestInit): Promise<Reply<T>> {
  const res = await t.app.request(path, init);
  const text = await res.text();
  return { status: res.status, text, body: (text ? JSON.parse(text) : null) as T };
}

function expectError(reply: Reply<unknown>, status: number, code: string): ApiErrorBody['error'] {
  expect(reply.status, reply.text).toBe(status);
  const error = (reply.body as ApiErrorBody).error;
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}

async function login(loginId: string, password: string): Promise<string> {
  return loginWithTotp(t, loginId, password, TEST_TOTP_SECRET);
}

type Who = 'demo' | 'other';
const sessions = new Map<Who, { cookie: string; at: number }>();

/** A session valid at the test clock's time: the clock jumps days, and sessions lock after 5 idle minutes (issue 12 #10). */
async function sessionOf(who: Who): Promise<string> {
  const now = t.clock.now().getTime();
  const known = sessions.get(who);
  if (known && now >= known.at && now - known.at < 3 * 60 * 1000) return known.cookie;
  const cookie = who === 'demo' ? await login(t.demo.loginId, TEST_PASSWORD) : await login('other-declaration-clerk', OTHER_PASSWORD);
  sessions.set(who, { cookie, at: now });
  return cookie;
}

function form(overrides: Partial<DeclarationInput> = {}): DeclarationInput {
  return {
    id: randomUUID(),
    createdAt: '2026-11-22T00:40:00.000Z',
    linkToken,
    referenceNumber: '',
    holdsValidCard: true,
    insuranceType: 'employee',
    insurerName: '全国健康保険協会 東京支部',
    employerName: '株式会社申立商事',
    cardIssuedWhen: 'withinMonth',
    copayRatio: null,
    name: NAME,
    nameKana: KANA,
    dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
    sex: 'female',
    address: ADDRESS,
    otherResidence: '',
    declaredOn: '2026-11-22',
    signature: SIGNATURE,
    relationship: '',
    phone: PHONE,
    ...overrides,
  };
}

function guideOutcome(declarationId: string, overrides: Partial<GuideOutcome> = {}): GuideOutcome {
  return {
    cause: 'networkOrTabletFailure',
    resolution: 'declarationForm',
    declarationId,
    copayPercent: 30,
    copayBasis: 'general',
    paperPrescription: true,
    outageSearchPending: true,
    claimMethod: null,
    recordedAt: '2026-11-22T00:55:00.000Z',
    ...overrides,
  };
}

function send(body: unknown, options: { device?: string | null; cookie?: string } = {}) {
  const headers: Record<string, string> = {};
  const device = options.device === undefined ? DEVICE : options.device;
  if (device !== null) headers['x-device-id'] = device;
  if (options.cookie) headers.cookie = options.cookie;
  return call<DeclarationReceipt & ApiErrorBody>('/api/public/declarations', jsonRequest('POST', body, headers));
}

async function submit(overrides: Partial<DeclarationInput> = {}, extra: Record<string, unknown> = {}): Promise<DeclarationReceipt> {
  const reply = await send({ ...form(overrides), ...extra });
  expect(reply.status, reply.text).toBe(201);
  return reply.body;
}

const staffGet = async <T>(path: string, as: Who = 'demo') =>
  call<T & ApiErrorBody>(`/api/staff/declarations${path}`, { headers: { cookie: await sessionOf(as) } });
const staffPost = async <T>(path: string, body: unknown = {}, as: Who = 'demo') =>
  call<T & ApiErrorBody>(`/api/staff/declarations${path}`, jsonRequest('POST', body, { cookie: await sessionOf(as) }));

const inbox = (query = '', as: Who = 'demo') => staffGet<DeclarationInboxResponse>(query, as);
const detail = (id: string, as: Who = 'demo') => staffGet<DeclarationResponse>(`/${id}`, as);
const verify = (id: string, body: unknown = { qualification: 'current', note: '協会けんぽ 東京 記号1234 番号56' }, as: Who = 'demo') =>
  staffPost<DeclarationStateResponse>(`/${id}/verify`, body, as);
/** F6: 「不詳」 is sent with the confirmation that the patient was asked, unless a test says otherwise. */
const claim = (id: string, method: string, as: Who = 'demo', extra: Record<string, unknown> = method === 'unknown' ? { patientAskedForNumbers: true } : {}) =>
  staffPost<DeclarationStateResponse>(`/${id}/claim`, { method, ...extra }, as);
const complete = (id: string, as: Who = 'demo') => staffPost<DeclarationStateResponse>(`/${id}/complete`, {}, as);

async function rowCount(id: string): Promise<number> {
  const rows = await t.db.selectFrom('declaration').select('id').where('id', '=', id).execute();
  return rows.length;
}

async function auditOf(subjectId: string): Promise<AuditEventRow[]> {
  return t.db.selectFrom('audit_event').selectAll().where('subject_id', '=', subjectId).orderBy('seq').execute();
}

async function setRetentionDays(institutionId: string, days: number): Promise<void> {
  // The institution settings endpoint is issue 6's; the column is written directly here.
  await sql`update institution set declaration_retention_days = ${days} where id = ${institutionId}`.execute(t.db);
}

describe('outbox resends are harmless (idempotent intake): the server stores each form exactly once', () => {
  it('a valid form is stored with 201 and a receipt { id, receivedAt }; the receipt is audited without the name', async () => {
    const body = form();
    const reply = await send(body);
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body).toEqual({ id: body.id, receivedAt: BASE_TIME });
    expect(await rowCount(body.id)).toBe(1);
    const row = await t.db.selectFrom('declaration').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ institution_id: t.demo.institution.id, device_id: DEVICE, status: 'received', received_at: BASE_TIME, purge_after: null });
    expect(JSON.parse(row.form_json)).toMatchObject({ name: NAME, nameKana: KANA, phone: PHONE });
    const audit = await auditOf(body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'declaration.received', actor_type: 'patient', actor_id: null, device_id: DEVICE, outcome: 'ok' });
  });

  it('the identical resend after a lost response answers 200 with the same receipt, and there is still one row', async () => {
    const body = form();
    const first = await send(body);
    expect(first.status).toBe(201);
    t.clock.advance(3 * 60 * 60 * 1000);
    const again = await send(body);
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual(first.body);
    // Key order does not matter: the content is compared, not the bytes sent.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await send(reordered)).body).toEqual(first.body);
    expect(await rowCount(body.id)).toBe(1);
    expect((await auditOf(body.id)).map((e) => e.outcome)).toEqual(['ok', 'duplicate', 'duplicate']);
  });

  it('two sends of one form at the same moment store it once (one 201, one 200)', async () => {
    const body = form();
    const replies = await Promise.all([send(body), send(body), send(body)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    expect(await rowCount(body.id)).toBe(1);
  });

  it('the same id with different content is refused with 409 declaration_conflict; the stored form is unchanged', async () => {
    const body = form();
    await submit(body);
    const changed = await send({ ...body, phone: '080-2718-2818' });
    expectError(changed, 409, 'declaration_conflict');
    expect(changed.text).not.toContain('2718');
    expect(changed.text).not.toContain(NAME);
    // A guide outcome added on a resend is different content too.
    expectError(await send({ ...body, guideOutcome: guideOutcome(body.id) }), 409, 'declaration_conflict');
    const row = await t.db.selectFrom('declaration').select('form_json').where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.form_json).phone).toBe(PHONE);
    expect((await auditOf(body.id)).at(-1)).toMatchObject({ action: 'declaration.received', outcome: 'refused', detail: 'declaration_conflict' });
  });

  it('the same id sent under another institution\'s link is 409 declaration_conflict, and stays where it was', async () => {
    const body = form();
    await submit(body);
    expectError(await send({ ...body, linkToken: OTHER_INSTITUTION_LINK }), 409, 'declaration_conflict');
    const row = await t.db.selectFrom('declaration').select('institution_id').where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row.institution_id).toBe(t.demo.institution.id);
    expect(await rowCount(body.id)).toBe(1);
  });

  it('D3: a form with blanks but a name is stored; only the name (or kana, or patient number) is required', async () => {
    const blank = {
      id: randomUUID(),
      createdAt: '2026-11-22T00:40:00.000Z',
      linkToken,
      name: NAME,
    };
    const reply = await send(blank);
    expect(reply.status, reply.text).toBe(201);
    const row = await t.db.selectFrom('declaration').select('form_json').where('id', '=', blank.id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.form_json)).toMatchObject({ name: NAME, insuranceType: null, phone: '', signature: null, dateOfBirth: { era: null } });
    // The clinic's patient number alone is enough too (F4-style known patient).
    await submit({ name: '', nameKana: '', referenceNumber: 'K-0042' });
  });

  it('D3: no name, no kana and no patient number → 422 with per-field messages that never echo the input', async () => {
    const unusable = await send(form({ name: '', nameKana: '', referenceNumber: '' }));
    expect(expectError(unusable, 422, 'validation_failed').fields).toEqual({ name: DECLARATION_MESSAGES.usable });
    expect(unusable.text).not.toContain(ADDRESS);
    expect(unusable.text).not.toContain(PHONE);
    // Each wrong field gets the form's own fixed sentence (the schema checks D3 once the fields parse).
    const reply = await send(form({ phone: '12-SECRET-99', insurerName: 'x'.repeat(101), nameKana: 'SECRET' }));
    const error = expectError(reply, 422, 'validation_failed');
    expect(error.fields).toEqual({
      phone: DECLARATION_MESSAGES.phone,
      insurerName: DECLARATION_MESSAGES.tooLong,
      nameKana: DECLARATION_MESSAGES.kana,
    });
    expect(reply.text).not.toContain('SECRET');
    expect(reply.text).not.toContain('xxxx');
  });

  it('D4: an era date that does not exist (平成31年5月1日) → 422; the last day of Heisei (平成31年4月30日) is stored', async () => {
    const wrong = await send(form({ dateOfBirth: { era: 'heisei', year: 31, month: 5, day: 1 } }));
    const error = expectError(wrong, 422, 'validation_failed');
    expect(error.fields?.dateOfBirth).toBe(DECLARATION_MESSAGES.eraDate);
    await submit({ dateOfBirth: { era: 'heisei', year: 31, month: 4, day: 30 } });
    await submit({ dateOfBirth: { era: 'reiwa', year: '元', month: 5, day: 1 } });
  });

  it('P1: a field the form does not have (a My Number) is refused and nothing is stored', async () => {
    const body = { ...form(), myNumber: '123456789012' };
    const reply = await send(body);
    expectError(reply, 422, 'validation_failed');
    expect(reply.text).not.toContain('123456789012');
    expect(await rowCount(body.id)).toBe(0);
  });

  it('an unknown or reissued institution link → 404 link_invalid; a missing device id → 400', async () => {
    expectError(await send(form({ linkToken: 'no-such-institution-link' })), 404, 'link_invalid');
    const old = form();
    const fresh = 'reissued-link-token-000001';
    await t.db.updateTable('institution').set({ link_token: fresh }).where('id', '=', t.demo.institution.id).execute();
    try {
      expectError(await send(old), 404, 'link_invalid');
      expect((await send({ ...old, linkToken: fresh })).status).toBe(201);
    } finally {
      await t.db.updateTable('institution').set({ link_token: linkToken }).where('id', '=', t.demo.institution.id).execute();
    }
    expectError(await send(form(), { device: null }), 400, 'validation_failed');
  });

  it('a drawn signature up to its limit fits the request; a larger one is refused with its own message', async () => {
    const large = `data:image/png;base64,iVBORw0KGgo${'A'.repeat(SIGNATURE_MAX_CHARS - 40)}`;
    expect(large.length).toBeLessThanOrEqual(SIGNATURE_MAX_CHARS);
    await submit({ signature: large });
    const tooLarge = await send(form({ signature: `${large}${'A'.repeat(100)}` }));
    expect(expectError(tooLarge, 422, 'validation_failed').fields?.signature).toBe(DECLARATION_MESSAGES.signatureTooLarge);
  });

  it('F3/F6: the guide outcome rides along and is kept; one that is not this form\'s is refused', async () => {
    const body = form();
    const outcome = guideOutcome(body.id);
    const reply = await send({ ...body, guideOutcome: outcome });
    expect(reply.status, reply.text).toBe(201);
    expect((await send({ ...body, guideOutcome: outcome })).status).toBe(200);
    expect((await detail(body.id)).body.declaration.guideOutcome).toEqual(outcome);

    const other = form();
    const mismatched = await send({ ...other, guideOutcome: guideOutcome(randomUUID()) });
    expect(Object.keys(expectError(mismatched, 422, 'validation_failed').fields ?? {})).toEqual(['guideOutcome']);
    const malformed = await send({ ...other, guideOutcome: { ...guideOutcome(other.id), cause: 'SECRET-cause' } });
    expect(expectError(malformed, 422, 'validation_failed').fields).toEqual({ guideOutcome: expect.any(String) });
    expect(malformed.text).not.toContain('SECRET');
    expect(await rowCount(other.id)).toBe(0);
  });

  it('X5: a nurse signed in on the tablet is recorded as who (that staff account), what, when and from which device', async () => {
    const body = form();
    const cookie = await sessionOf('demo');
    const staffId = (await t.db.selectFrom('staff_account').select('id').where('login_id', '=', t.demo.loginId).executeTakeFirstOrThrow()).id;
    const now = t.clock.now().toISOString();
    expect((await send(body, { cookie })).status).toBe(201);
    const [event] = await auditOf(body.id);
    expect(event).toMatchObject({
      actor_type: 'staff',
      actor_id: staffId,
      action: 'declaration.received',
      at: now,
      institution_id: t.demo.institution.id,
      subject_id: body.id,
      device_id: DEVICE,
    });
    // Without a session the same receipt names no staff member (the patient's own device).
    const anonymous = form();
    expect((await send(anonymous)).status).toBe(201);
    expect((await auditOf(anonymous.id))[0]).toMatchObject({ actor_id: null, action: 'declaration.received', device_id: DEVICE });
  });
});

describe('the staff inbox', () => {
  it('requires a staff login (401) for every route', async () => {
    const { id } = await submit();
    expectError(await call('/api/staff/declarations'), 401, 'unauthenticated');
    expectError(await call(`/api/staff/declarations/${id}`), 401, 'unauthenticated');
    expectError(await call(`/api/staff/declarations/${id}/verify`, jsonRequest('POST', { qualification: 'current', note: 'x' })), 401, 'unauthenticated');
    expectError(await call(`/api/staff/declarations/${id}/claim`, jsonRequest('POST', { method: 'unknown' })), 401, 'unauthenticated');
    expectError(await call(`/api/staff/declarations/${id}/complete`, jsonRequest('POST', {})), 401, 'unauthenticated');
  });

  it('X5: lists newest first with the form\'s name, receipt time and status; filters by status; the view is audited', async () => {
    setClock('2026-11-23T01:00:00.000Z');
    const older = await submit({ name: '古い 申立' });
    t.clock.advance(60_000);
    const newer = await submit({ name: '', nameKana: '', referenceNumber: 'K-7' });
    const reply = await inbox();
    expect(reply.status, reply.text).toBe(200);
    const ids = reply.body.declarations.map((d) => d.id);
    expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
    expect(reply.body.declarations.find((d) => d.id === older.id)).toEqual({
      id: older.id,
      receivedAt: older.receivedAt,
      status: 'received',
      name: '古い 申立',
      nameKana: KANA,
      referenceNumber: '',
      // Issue 12 #15: sent without a device signature.
      sender: 'unverified',
    });
    expect(reply.body.declarations.find((d) => d.id === newer.id)?.referenceNumber).toBe('K-7');
    // The list shows no more than that: no phone, address or signature.
    expect(reply.text).not.toContain(PHONE);
    expect(reply.text).not.toContain('iVBORw0KGgo');

    await verify(older.id);
    const verified = await inbox('?status=verified');
    expect(verified.body.declarations.map((d) => d.id)).toContain(older.id);
    expect(verified.body.declarations.every((d) => d.status === 'verified')).toBe(true);
    expect((await inbox('?status=received')).body.declarations.map((d) => d.id)).not.toContain(older.id);
    expectError(await inbox('?status=lost'), 422, 'validation_failed');

    const listed = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'declaration.inbox_viewed').execute();
    expect(listed.length).toBeGreaterThan(0);
  });

  it('X5: opens one declaration in full (form and guide outcome), audited as declaration.viewed', async () => {
    const body = form();
    await send({ ...body, guideOutcome: guideOutcome(body.id) });
    const reply = await detail(body.id);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.declaration).toMatchObject({
      id: body.id,
      status: 'received',
      form: { name: NAME, phone: PHONE, address: ADDRESS, signature: SIGNATURE, dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 } },
      guideOutcome: { cause: 'networkOrTabletFailure', declarationId: body.id },
      verified: null,
      claimed: null,
      completed: null,
      purgeAfter: null,
    });
    const viewed = (await auditOf(body.id)).filter((e) => e.action === 'declaration.viewed');
    expect(viewed).toHaveLength(1);
    expect(viewed[0]).toMatchObject({ actor_type: 'staff', outcome: 'ok' });
    expectError(await detail('not-a-uuid'), 404, 'declaration_not_found');
    expectError(await detail(randomUUID()), 404, 'declaration_not_found');
  });

  it('is scoped to the institution: another clinic\'s declaration is 404 by id and absent from the list', async () => {
    const mine = await submit();
    const theirs = await submit({ linkToken: OTHER_INSTITUTION_LINK, name: '別院 患者' });
    expect((await inbox()).body.declarations.map((d) => d.id)).not.toContain(theirs.id);
    expectError(await detail(theirs.id), 404, 'declaration_not_found');
    expectError(await verify(theirs.id), 404, 'declaration_not_found');
    expectError(await claim(theirs.id, 'unknown'), 404, 'declaration_not_found');
    expectError(await complete(theirs.id), 404, 'declaration_not_found');
    const row = await t.db.selectFrom('declaration').select('status').where('id', '=', theirs.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('received');
    // The other clinic sees its own, and not ours.
    const theirInbox = await inbox('', 'other');
    expect(theirInbox.body.declarations.map((d) => d.id)).toEqual([theirs.id]);
    expectError(await detail(mine.id, 'other'), 404, 'declaration_not_found');
  });
});

describe('F6: the clinic\'s work on a declaration', () => {
  it('received → verified (current) → claimed with the current qualification → completed, each step audited with who', async () => {
    const { id } = await submit();
    const staffId = (await t.db.selectFrom('staff_account').select('id').where('login_id', '=', t.demo.loginId).executeTakeFirstOrThrow()).id;

    const verified = await verify(id, { qualification: 'current', note: '  協会けんぽ 東京 記号1234 番号56  ' });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body.declaration).toMatchObject({
      status: 'verified',
      verified: { at: BASE_TIME, staffId, staffName: 'デモ管理者', qualification: 'current', note: '協会けんぽ 東京 記号1234 番号56' },
      claimed: null,
    });
    // The transitions return where it stands, not the form.
    expect(verified.text).not.toContain(NAME);

    t.clock.advance(DAY_MS);
    const claimed = await claim(id, 'currentQualification');
    expect(claimed.status, claimed.text).toBe(200);
    expect(claimed.body.declaration).toMatchObject({ status: 'claimed', claimed: { method: 'currentQualification', staffId } });

    t.clock.advance(DAY_MS);
    const completed = await complete(id);
    expect(completed.status, completed.text).toBe(200);
    const completedAt = t.clock.now().getTime();
    expect(completed.body.declaration).toMatchObject({
      status: 'completed',
      completed: { at: new Date(completedAt).toISOString(), staffId },
      // D5: 30 days by default.
      purgeAfter: new Date(completedAt + 30 * DAY_MS).toISOString(),
    });

    const steps = (await auditOf(id)).filter((e) => e.actor_type === 'staff');
    expect(steps.map((e) => [e.action, e.outcome, e.detail])).toEqual([
      ['declaration.verified', 'ok', 'current'],
      ['declaration.claimed', 'ok', 'currentQualification'],
      ['declaration.completed', 'ok', null],
    ]);
    expect(steps.every((e) => e.actor_id === staffId)).toBe(true);
  });

  it('F6: received → claimed as 「不詳」 (unknown) only once the patient was asked for the numbers; or with the past one', async () => {
    const unknown = await submit();
    // F6: 「不詳」 only after asking the patient for the numbers: without the confirmation it is refused, nothing changes.
    expectError(await claim(unknown.id, 'unknown', 'demo', {}), 422, 'declaration_unknown_claim_not_asked');
    expectError(await claim(unknown.id, 'unknown', 'demo', { patientAskedForNumbers: false }), 422, 'declaration_unknown_claim_not_asked');
    expectError(await claim(unknown.id, 'unknown', 'demo', { patientAskedForNumbers: 'yes' }), 422, 'validation_failed');
    expect((await t.db.selectFrom('declaration').select('status').where('id', '=', unknown.id).executeTakeFirstOrThrow()).status).toBe('received');
    expect((await claim(unknown.id, 'unknown')).body.declaration).toMatchObject({ status: 'claimed', claimed: { method: 'unknown' }, verified: null });
    // The audit trail keeps that the patient was asked.
    expect((await auditOf(unknown.id)).filter((e) => e.action === 'declaration.claimed').map((e) => [e.outcome, e.detail])).toEqual([
      ['refused', 'declaration_unknown_claim_not_asked'],
      ['refused', 'declaration_unknown_claim_not_asked'],
      ['ok', 'unknown:patientAsked'],
    ]);
    expect((await complete(unknown.id)).body.declaration.status).toBe('completed');
    const past = await submit();
    expect((await claim(past.id, 'pastQualification')).body.declaration.claimed?.method).toBe('pastQualification');
  });

  it('each refused transition is a 409 with its own code, changes nothing, and is audited as refused', async () => {
    const { id } = await submit();
    expectError(await complete(id), 409, 'declaration_not_completable');
    // F6: a current qualification is claimed only once the clinic verified it.
    expectError(await claim(id, 'currentQualification'), 409, 'declaration_claim_method_not_allowed');
    expect((await verify(id, { qualification: 'current', note: '国保 123456' })).status).toBe(200);
    expectError(await verify(id), 409, 'declaration_not_verifiable');
    // Verified current: neither the past one nor 「不詳」 (F6's order).
    expectError(await claim(id, 'unknown'), 409, 'declaration_claim_method_not_allowed');
    expectError(await claim(id, 'pastQualification'), 409, 'declaration_claim_method_not_allowed');
    expect((await claim(id, 'currentQualification')).status).toBe(200);
    expectError(await claim(id, 'currentQualification'), 409, 'declaration_not_claimable');
    expectError(await verify(id), 409, 'declaration_not_verifiable');
    expect((await complete(id)).status).toBe(200);
    expectError(await complete(id), 409, 'declaration_not_completable');
    expectError(await claim(id, 'unknown'), 409, 'declaration_not_claimable');
    expectError(await verify(id), 409, 'declaration_not_verifiable');

    const row = await t.db.selectFrom('declaration').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', verified_qualification: 'current', claim_method: 'currentQualification' });
    const refused = (await auditOf(id)).filter((e) => e.outcome === 'refused').map((e) => [e.action, e.detail]);
    expect(refused).toEqual([
      ['declaration.completed', 'declaration_not_completable'],
      ['declaration.claimed', 'declaration_claim_method_not_allowed'],
      ['declaration.verified', 'declaration_not_verifiable'],
      ['declaration.claimed', 'declaration_claim_method_not_allowed'],
      ['declaration.claimed', 'declaration_claim_method_not_allowed'],
      ['declaration.claimed', 'declaration_not_claimable'],
      ['declaration.verified', 'declaration_not_verifiable'],
      ['declaration.completed', 'declaration_not_completable'],
      ['declaration.claimed', 'declaration_not_claimable'],
      ['declaration.verified', 'declaration_not_verifiable'],
    ]);
  });

  it('a verified past qualification is claimed as past; request bodies are checked without echoing them', async () => {
    const { id } = await submit();
    const bad = await verify(id, { qualification: 'SECRET-kind', note: '' });
    expect(Object.keys(expectError(bad, 422, 'validation_failed').fields ?? {}).sort()).toEqual(['note', 'qualification']);
    expect(bad.text).not.toContain('SECRET');
    expectError(await verify(id, { qualification: 'past', note: 'x'.repeat(201) }), 422, 'validation_failed');
    expect((await verify(id, { qualification: 'past', note: '旧 国保 123456' })).status).toBe(200);
    expectError(await claim(id, 'currentQualification'), 409, 'declaration_claim_method_not_allowed');
    expectError(await claim(id, 'SECRET-method'), 422, 'validation_failed');
    expect((await claim(id, 'pastQualification')).body.declaration.status).toBe('claimed');
  });
});

describe('D5: retention and purge', () => {
  it('D5: completed + retention days + 1 ms → purged on the next inbox list, audited by the system; the chain verifies; no audit row holds the name', async () => {
    setClock('2026-12-01T01:00:00.000Z');
    await setRetentionDays(t.demo.institution.id, 5);
    try {
      const { id } = await submit({ name: '消去 予定', nameKana: 'ショウキョ ヨテイ' });
      await claim(id, 'unknown');
      const completed = await complete(id);
      const completedAt = t.clock.now().getTime();
      expect(completed.body.declaration.purgeAfter).toBe(new Date(completedAt + 5 * DAY_MS).toISOString());

      // Exactly at purge_after it is still kept…
      t.clock.advance(5 * DAY_MS);
      expect((await inbox()).body.declarations.map((d) => d.id)).toContain(id);
      expect(await rowCount(id)).toBe(1);
      // …and one millisecond later the next list purges it.
      t.clock.advance(1);
      expect((await inbox()).body.declarations.map((d) => d.id)).not.toContain(id);
      expect(await rowCount(id)).toBe(0);
      expectError(await detail(id), 404, 'declaration_not_found');

      const purged = (await auditOf(id)).filter((e) => e.action === 'declaration.purged');
      expect(purged).toHaveLength(1);
      expect(purged[0]).toMatchObject({ actor_type: 'system', actor_id: null, institution_id: t.demo.institution.id, outcome: 'ok', detail: null });
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    } finally {
      await setRetentionDays(t.demo.institution.id, 30);
    }
  });

  it('D5: a declaration not completed is never purged, however old; retention is per institution', async () => {
    setClock('2027-01-10T01:00:00.000Z');
    // Whatever earlier tests left to expire goes first, so the counts below are this test's.
    await purgeExpiredDeclarations(t.db, t.clock.now());
    const open = await submit();
    const other = await submit({ linkToken: OTHER_INSTITUTION_LINK });
    await setRetentionDays(otherInstitutionId, 1);
    await claim(other.id, 'unknown', 'other');
    const mine = await submit();
    await claim(mine.id, 'unknown');
    await complete(mine.id);
    expect((await complete(other.id, 'other')).body.declaration.purgeAfter).toBe(new Date(t.clock.now().getTime() + DAY_MS).toISOString());

    t.clock.advance(2 * DAY_MS);
    expect(await purgeExpiredDeclarations(t.db, t.clock.now())).toBe(1);
    expect(await rowCount(other.id)).toBe(0);
    expect(await rowCount(mine.id)).toBe(1);

    t.clock.advance(400 * DAY_MS);
    await purgeExpiredDeclarations(t.db, t.clock.now());
    expect(await rowCount(mine.id)).toBe(0);
    expect(await rowCount(open.id)).toBe(1);
  });

  it('D5: the retention purge runs at once and on its interval until stopped', async () => {
    setClock('2028-03-01T01:00:00.000Z');
    const { id } = await submit();
    await claim(id, 'unknown');
    await complete(id);
    t.clock.advance(31 * DAY_MS);
    const stop = startRetentionPurge(t.db, t.clock.now, 10, [purgeExpiredDeclarations]);
    try {
      await expect.poll(() => rowCount(id), { timeout: 2000 }).toBe(0);
      const second = await submit();
      await claim(second.id, 'unknown');
      await complete(second.id);
      t.clock.advance(31 * DAY_MS);
      await expect.poll(() => rowCount(second.id), { timeout: 2000 }).toBe(0);
    } finally {
      stop();
    }
    const third = await submit();
    await claim(third.id, 'unknown');
    await complete(third.id);
    t.clock.advance(31 * DAY_MS);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await rowCount(third.id)).toBe(1);
  });
});

describe('X5: the audit trail', () => {
  it('X5: no audit row contains a declared name, kana, phone or address, and the chain verifies', async () => {
    const rows = await t.db.selectFrom('audit_event').selectAll().execute();
    expect(rows.some((r) => r.action === 'declaration.received')).toBe(true);
    const text = JSON.stringify(rows);
    for (const secret of [NAME, KANA, PHONE, ADDRESS, '古い 申立', '消去 予定', '別院 患者', '協会けんぽ', 'K-7']) {
      expect(text).not.toContain(secret);
    }
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });
});
