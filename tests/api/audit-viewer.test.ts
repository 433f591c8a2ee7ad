import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../src/domain/shared/api.ts';
import { AUDIT_CSV_HEADER, type AuditEventsResponse, type AuditStaffResponse, type AuditVerifyResponse } from '../../src/domain/staff/audit-api.ts';
import type { AuditAction } from '../../src/domain/staff/audit-events.ts';
import { appendAudit } from '../../src/server/audit/audit.service.ts';
import { createTestApp, jsonRequest, loginAs, type TestApp } from './support/test-app.ts';

/** X5, P5: the admin's audit viewer — filters, paging, CSV export and chain verification. */

// Codes outside today's catalogue, as an older trail may hold: the viewer shows and filters them too.
const LEGACY_NOTE = 'note' as AuditAction;
const LEGACY_BULK = 'bulk.test' as AuditAction;

let t: TestApp;
let admin: string;
let clerkId: string;
let doctorId: string;
const OTHER_INSTITUTION = randomUUID();

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t, 'admin');
  const staff = await t.db.selectFrom('staff_account').select(['id', 'login_id']).execute();
  clerkId = staff.find((s) => s.login_id === 'demo-clerk')!.id;
  doctorId = staff.find((s) => s.login_id === 'demo-doctor')!.id;
  const inst = t.demo.institution.id;
  // 2026-11-20 and 2026-11-21 (JST), as events the services would write.
  const events: Array<[string, Parameters<typeof appendAudit>[1]]> = [
    ['2026-11-19T16:30:00.000Z', { institutionId: inst, actorType: 'staff', actorId: doctorId, action: 'clinical.viewed', personRef: 'p01', outcome: 'ok', detail: 'medication,clinical' }],
    ['2026-11-20T02:00:00.000Z', { institutionId: inst, actorType: 'staff', actorId: clerkId, action: 'consent.revoked', personRef: 'p02', outcome: 'ok', detail: 'careEnded' }],
    ['2026-11-20T14:59:59.000Z', { institutionId: inst, actorType: 'staff', actorId: doctorId, action: 'clinical.viewed', personRef: 'p02', outcome: 'nothing_shown', detail: 'expired' }],
    // 2026-11-21 00:00 JST: the next day.
    ['2026-11-20T15:00:00.000Z', { institutionId: inst, actorType: 'patient', action: 'consent.registered', personRef: 'p01', outcome: 'ok', detail: 'homeVisit' }],
    // Quote, comma, line break and a formula-looking value in the detail column.
    ['2026-11-20T16:00:00.000Z', { institutionId: inst, actorType: 'staff', actorId: clerkId, action: LEGACY_NOTE, personRef: 'p03', outcome: 'ok', detail: '=HYPERLINK("x"),\nline' }],
    ['2026-11-20T17:00:00.000Z', { institutionId: OTHER_INSTITUTION, actorType: 'staff', actorId: 'elsewhere', action: 'clinical.viewed', personRef: 'p01', outcome: 'ok', detail: 'medication' }],
  ];
  for (const [at, entry] of events) await t.db.transaction().execute((trx) => appendAudit(trx, entry, new Date(at)));
});
afterAll(async () => {
  await t.close();
});

async function events(query: string, cookie = admin) {
  const res = await t.app.request(`/api/staff/audit/events?${query}`, { headers: { cookie } });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as AuditEventsResponse & ApiErrorBody };
}

describe('audit viewer', () => {
  it('only the administrator may use it', async () => {
    for (const role of ['clerk', 'doctor'] as const) {
      const cookie = await loginAs(t, role);
      for (const [path, method] of [['/api/staff/audit/events', 'GET'], ['/api/staff/audit/events.csv', 'GET'], ['/api/staff/audit/staff', 'GET'], ['/api/staff/audit/verify', 'POST']] as const) {
        expect((await t.app.request(path, { method, headers: { cookie } })).status).toBe(403);
      }
    }
    expect((await t.app.request('/api/staff/audit/events')).status).toBe(401);
  });

  it('lists this institution’s events newest first, never another institution’s', async () => {
    const all = await events('');
    expect(all.status).toBe(200);
    expect(all.body.events.every((e) => e.actorId !== 'elsewhere')).toBe(true);
    const keys = all.body.events.map((e) => `${e.at}#${String(e.seq).padStart(8, '0')}`);
    expect(keys).toEqual([...keys].sort().reverse());
    expect(all.body.events.map((e) => e.action).slice(-5)).toEqual(['note', 'consent.registered', 'clinical.viewed', 'consent.revoked', 'clinical.viewed']);
  });

  it('filters by person, staff member, action and Japan-time date range, and combines them', async () => {
    const byPerson = await events('personRef=p01');
    expect(byPerson.body.events.map((e) => e.action)).toEqual(['consent.registered', 'clinical.viewed']);
    // Up to 2026-11-21: the clerk's own sign-ins (staff.login.*, at the test clock's today) stay out.
    const byStaff = await events(`staffId=${clerkId}&to=2026-11-21`);
    expect(byStaff.body.events.map((e) => e.personRef)).toEqual(['p03', 'p02']);
    const byAction = await events('action=clinical.viewed');
    expect(byAction.body.events.map((e) => e.personRef)).toEqual(['p02', 'p01']);
    // 2026-11-20 JST runs from 2026-11-19T15:00Z to 2026-11-20T15:00Z.
    const day = await events('from=2026-11-20&to=2026-11-20');
    expect(day.body.events.map((e) => e.at)).toEqual(['2026-11-20T14:59:59.000Z', '2026-11-20T02:00:00.000Z', '2026-11-19T16:30:00.000Z']);
    const combined = await events(`action=clinical.viewed&staffId=${doctorId}&personRef=p02&from=2026-11-20`);
    expect(combined.body.events.map((e) => e.detail)).toEqual(['expired']);
  });

  it('rejects a malformed filter with field messages that do not echo it', async () => {
    const bad = await events('from=2026-13-01&to=yesterday&personRef=%3Cscript%3E');
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields!).sort()).toEqual(['from', 'personRef', 'to']);
    expect(JSON.stringify(bad.body)).not.toContain('script');
    const reversed = await events('from=2026-11-21&to=2026-11-20');
    expect(reversed.body.error.fields).toHaveProperty('to');
  });

  it('pages with a cursor: 50 a page, the next page continues without overlap, even across events of the same instant', async () => {
    // Three events per instant, so the page boundary falls inside a run of equal times.
    for (let i = 0; i < 60; i++) {
      await t.db.transaction().execute((trx) =>
        appendAudit(trx, { institutionId: t.demo.institution.id, actorType: 'staff', actorId: doctorId, action: LEGACY_BULK, personRef: 'p09', outcome: 'ok' }, new Date(Date.UTC(2026, 10, 21, 0, Math.floor(i / 3)))),
      );
    }
    const first = await events('action=bulk.test');
    expect(first.body.events).toHaveLength(50);
    const last = first.body.events.at(-1)!;
    expect(first.body.next).toEqual({ at: last.at, seq: last.seq });
    const second = await events(`action=bulk.test&beforeAt=${encodeURIComponent(last.at)}&beforeSeq=${last.seq}`);
    expect(second.body.events).toHaveLength(10);
    expect(second.body.events[0]!.at).toBe(last.at);
    expect(second.body.next).toBeNull();
    expect((await events(`action=bulk.test&beforeSeq=${last.seq}`)).status).toBe(422);
    const seen = new Set([...first.body.events, ...second.body.events].map((e) => e.seq));
    expect(seen.size).toBe(60);
  });

  it('exports the filtered events as CSV: BOM, CRLF, quoted fields, only audit columns, and records the export', async () => {
    const res = await t.app.request(`/api/staff/audit/events.csv?staffId=${clerkId}&to=2026-11-21`, { headers: { cookie: admin } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_HEADER.join(','));
    // Newest first: the note (quoted, formula defused, line break kept inside quotes), then the revocation.
    expect(text).toContain(`,note,p03,,,ok,"'=HYPERLINK(""x""),\nline",`);
    expect(text).toContain(`,consent.revoked,p02,,,ok,careEnded,`);
    expect(text).not.toContain('clinical.viewed');
    // No names: the demo persons' names never appear (the table has none).
    expect(text).not.toMatch(/山田|佐藤|鈴木/);
    const exported = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'audit.exported').execute();
    expect(exported).toHaveLength(1);
    expect(exported[0]!.detail).toBe('2');
  });

  it('lists the institution’s staff for the filter', async () => {
    const res = await t.app.request('/api/staff/audit/staff', { headers: { cookie: admin } });
    const body = (await res.json()) as AuditStaffResponse;
    expect(body.staff.map((s) => s.loginId)).toEqual(['demo-admin', 'demo-clerk', 'demo-doctor']);
  });

  it('verifies the chain: ok, then a row changed in the database is found at its sequence number', async () => {
    const ok = await t.app.request('/api/staff/audit/verify', { method: 'POST', headers: { cookie: admin } });
    const okBody = (await ok.json()) as AuditVerifyResponse;
    expect(okBody.ok).toBe(true);
    expect(okBody.events).toBeGreaterThan(60);

    const target = await t.db.selectFrom('audit_event').select('seq').where('action', '=', 'consent.revoked').executeTakeFirstOrThrow();
    await t.db.updateTable('audit_event').set({ person_ref: 'p99' }).where('seq', '=', target.seq).execute();
    const broken = await t.app.request('/api/staff/audit/verify', { method: 'POST', headers: { cookie: admin } });
    const brokenBody = (await broken.json()) as AuditVerifyResponse;
    expect(brokenBody).toEqual({ ok: false, events: Number(target.seq) - 1, brokenAtSeq: Number(target.seq) });
    const recorded = await t.db.selectFrom('audit_event').selectAll().where('action', '=', 'audit.verified').orderBy('seq').execute();
    expect(recorded.map((r) => [r.outcome, r.detail])).toEqual([['ok', null], ['broken', String(target.seq)]]);
  });

  it('issue 17 #4: a check can start part-way (the screen sends each part’s nextSeq); bad starts are refused', async () => {
    const post = (body: unknown) => t.app.request('/api/staff/audit/verify', jsonRequest('POST', body, { cookie: admin }));
    // Before the changed row: the part from there on still finds it.
    const target = await t.db.selectFrom('audit_event').select('seq').where('person_ref', '=', 'p99').executeTakeFirstOrThrow();
    const from = await post({ fromSeq: Number(target.seq) - 1 });
    expect(await from.json()).toEqual({ ok: false, events: Number(target.seq) - 1, brokenAtSeq: Number(target.seq) });
    // Past the end of the chain (the broken check above was itself recorded).
    const head = await t.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow();
    expect(await (await post({ fromSeq: Number(head.seq) + 5 })).json()).toMatchObject({ ok: false, brokenAtSeq: Number(head.seq) + 1 });
    for (const bad of [{ fromSeq: 0 }, { fromSeq: 1.5 }, { fromSeq: '3' }, { from: 1 }]) {
      const res = await post(bad);
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
  });
});
