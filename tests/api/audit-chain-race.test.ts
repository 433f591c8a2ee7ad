import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from '../../src/server/audit/audit.service.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';

/**
 * X5: the audit chain stays whole when events are appended at the same time, whether the caller
 * is inside a transaction (most changes) or not (the login steps append on their own). Found by a
 * browser run: a second-factor event and a consent registered at once both chained onto the same
 * head, and the tamper check reported the trail broken.
 */
describe('X5: simultaneous audit appends keep one chain', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('60 appends at once, half outside any transaction, chain in order with no gap', async () => {
    const entry = (i: number) => ({ institutionId: t.demo.institution.id, actorType: 'system' as const, action: 'staff.login.password' as const, subjectId: `race-${i}`, outcome: 'ok' as const });
    const before = await verifyAuditChain(t.db);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0 ? appendAudit(t.db, entry(i), t.clock.now()) : t.db.transaction().execute((trx) => appendAudit(trx, entry(i), t.clock.now())),
      ),
    );
    const after = await verifyAuditChain(t.db);
    expect(after).toEqual({ ok: true, events: before.events + 60 });
    // Every append got its own number.
    const seqs = (await t.db.selectFrom('audit_event').select('seq').where('subject_id', 'like', 'race-%').execute()).map((r) => Number(r.seq));
    expect(new Set(seqs).size).toBe(60);
  });
});
