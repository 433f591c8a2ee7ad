import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import { guideOutcome } from '../../src/domain/fallback/fallback-walk.ts';
import { GUIDE_RECORD_MESSAGES, type GuideRecordInput, type GuideRecordListResponse, type GuideRecordReceipt } from '../../src/domain/fallback/guide-record.ts';
import type { AuditEventRow } from '../../src/server/audit/audit.table.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { createTestApp, jsonRequest, loginWithTotp, TEST_PASSWORD, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/**
 * Guide outcomes without a form through the HTTP API (issue 5 §2): the outbox's idempotent send
 * (P4), refusals with a code, the read-only staff list scoped to the institution, retention (D5)
 * and the audit trail (X5).
 */

const BASE_TIME = '2026-11-22T01:00:00.000Z';
const DAY_MS = 24 * 60 * 60 * 1000;
const DEVICE = '7a1e2f3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const OTHER_LINK = 'other-clinic-link-for-guide-records';
const OTHER_PASSWORD = 'other-password-2';
const KANA = 'ガイド キロク';

let t: TestApp;
let linkToken: string;

beforeAll(async () => {
  t = await createTestApp();
  linkToken = t.demo.institution.link_token;
  const otherId = randomUUID();
  await t.db
    .insertInto('institution')
    .values({ ...t.demo.institution, id: otherId, code: '1310000017', name: '別の診療所', link_token: OTHER_LINK })
    .execute();
  await t.db
    .insertInto('staff_account')
    .values({
      id: randomUUID(),
      institution_id: otherId,
      login_id: 'other-guide-clerk',
      display_name: '別の受付',
      role: 'clerk',
      password_hash: await hashPassword(OTHER_PASSWORD),
      totp_secret: TEST_TOTP_SECRET,
      created_at: BASE_TIME,
    })
    .execute();
  // Password hashing and migrations are slow on a loaded machine.
}, 60_000);
afterAll(async () => {
  await t.close();
});
beforeEach(() => t.clock.advance(Date.parse(BASE_TIME) - t.clock.now().getTime()));

async function call<T = unknown>(path: string, init?: RequestInit): Promise<{ status: number; text: string; body: T }> {
  const res = await t.app.request(path, init);
  const text = await res.text();
  return { status: res.status, text, body: (text ? JSON.parse(text) : null) as T };
}

async function login(loginId: string, password: string): Promise<string> {
  return loginWithTotp(t, loginId, password, TEST_TOTP_SECRET);
}

function record(overrides: Partial<GuideRecordInput> = {}): GuideRecordInput {
  return {
    id: randomUUID(),
    linkToken,
    visitDate: '2026-11-22',
    steps: ['explainCardUnusable', 'proofMynaportalScreen'],
    outcome: guideOutcome({ cause: 'cardUnusable', resolution: 'proofMynaportalScreen', copayPercent: 30, recordedAt: '2026-11-22T00:55:00.000Z' }),
    patientKana: KANA,
    note: '',
    ...overrides,
  };
}

const send = (body: unknown, headers: Record<string, string> = { 'x-device-id': DEVICE }) =>
  call<GuideRecordReceipt & ApiErrorBody>('/api/public/guide-records', jsonRequest('POST', body, headers));

async function list(cookie: string) {
  return call<GuideRecordListResponse & ApiErrorBody>('/api/staff/guide-records', { headers: { cookie } });
}

describe('POST /api/public/guide-records: outbox resends are harmless (idempotent intake)', () => {
  it('sent twice, stored once; the resend gets the same receipt; audited as received then duplicate', async () => {
    const body = record();
    const first = await send(body);
    expect(first.status, first.text).toBe(201);
    expect(first.body).toEqual({ id: body.id, receivedAt: BASE_TIME });
    t.clock.advance(60_000);
    const again = await send(body);
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual(first.body);
    const rows = await t.db.selectFrom('guide_record').selectAll().where('id', '=', body.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ institution_id: t.demo.institution.id, device_id: DEVICE, purge_after: new Date(Date.parse(BASE_TIME) + 30 * DAY_MS).toISOString() });
    const audit = (await t.db.selectFrom('audit_event').selectAll().where('subject_id', '=', body.id).orderBy('seq').execute()) as AuditEventRow[];
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ['guide_record.received', 'ok'],
      ['guide_record.received', 'duplicate'],
    ]);
    expect(JSON.stringify(audit)).not.toContain(KANA);
  });

  it('a different record under a taken id is a 409 with its code; the stored one is unchanged', async () => {
    const body = record();
    expect((await send(body)).status).toBe(201);
    const clash = await send({ ...body, note: '別の内容' });
    expect(clash.status, clash.text).toBe(409);
    expect(clash.body.error.code).toBe('guide_record_conflict');
    const row = await t.db.selectFrom('guide_record').select('record_json').where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row.record_json).not.toContain('別の内容');
  });

  it('4xx with a code on malformed input; the messages never echo what was sent; nothing stored', async () => {
    const myNumber = '987654321098';
    const bad = record({ note: `番号 ${myNumber}`, patientKana: '山田' });
    const reply = await send(bad);
    expect(reply.status, reply.text).toBe(422);
    expect(reply.body.error.code).toBe('validation_failed');
    expect(reply.body.error.fields).toEqual({ note: GUIDE_RECORD_MESSAGES.myNumber, patientKana: GUIDE_RECORD_MESSAGES.kana });
    expect(reply.text).not.toContain(myNumber);
    expect(reply.text).not.toContain('山田');
    const withForm = guideOutcome({ cause: 'cardUnusable', resolution: 'declarationForm', declarationId: randomUUID(), recordedAt: BASE_TIME });
    expect((await send(record({ outcome: withForm }))).body.error.fields).toEqual({ outcome: GUIDE_RECORD_MESSAGES.form });
    expect((await send(record(), {})).body.error.code).toBe('validation_failed');
    const unknownLink = await send(record({ linkToken: 'no-such-link' }));
    expect(unknownLink.status).toBe(404);
    expect(unknownLink.body.error.code).toBe('link_invalid');
    const stored = await t.db.selectFrom('guide_record').select('id').where('id', 'in', [bad.id]).execute();
    expect(stored).toHaveLength(0);
  });
});

describe('GET /api/staff/guide-records', () => {
  it('staff of the institution see the record (audited as a view); another institution’s staff do not; signed out is 401', async () => {
    const body = record({ note: '次回 保険証 確認' });
    expect((await send(body)).status).toBe(201);
    const cookie = await login(t.demo.loginId, TEST_PASSWORD);
    const mine = await list(cookie);
    expect(mine.status, mine.text).toBe(200);
    const item = mine.body.guideRecords.find((r) => r.id === body.id);
    expect(item).toMatchObject({ patientKana: KANA, note: '次回 保険証 確認', visitDate: '2026-11-22', receivedAt: BASE_TIME, steps: body.steps });
    expect(item?.outcome).toEqual(body.outcome);
    const viewed = await t.db.selectFrom('audit_event').select(['action', 'actor_id']).where('action', '=', 'guide_record.list_viewed').execute();
    expect(viewed.length).toBeGreaterThan(0);

    const theirs = await list(await login('other-guide-clerk', OTHER_PASSWORD));
    expect(theirs.status).toBe(200);
    expect(theirs.body.guideRecords.map((r) => r.id)).not.toContain(body.id);

    const anonymous = await list('');
    expect(anonymous.status).toBe(401);
  });

  it('D5: purged once received + retention days have passed, audited by the system', async () => {
    const body = record();
    expect((await send(body)).status).toBe(201);
    t.clock.advance(30 * DAY_MS);
    const cookie = await login(t.demo.loginId, TEST_PASSWORD);
    expect((await list(cookie)).body.guideRecords.map((r) => r.id)).toContain(body.id);
    t.clock.advance(1);
    const after = await list(await login(t.demo.loginId, TEST_PASSWORD));
    expect(after.body.guideRecords.map((r) => r.id)).not.toContain(body.id);
    expect(await t.db.selectFrom('guide_record').select('id').where('id', '=', body.id).executeTakeFirst()).toBeUndefined();
    const purged = await t.db.selectFrom('audit_event').select(['actor_type']).where('subject_id', '=', body.id).where('action', '=', 'guide_record.purged').execute();
    expect(purged).toEqual([{ actor_type: 'system' }]);
  });
});
