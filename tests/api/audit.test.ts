import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, appendAuditMany, eventHash, GENESIS_HASH, verifyAuditChain, verifyAuditSegment, type AuditEntry } from '../../src/server/audit/audit.service.ts';
import type { AuditEventRow, AuditEventTable } from '../../src/server/audit/audit.table.ts';
import { openDatabase, type Db } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';

/**
 * X5: the audit trail is a hash chain. Appends ride in the caller's transaction; verification
 * finds any changed, removed or inserted event. (Not createTestApp: the trail needs no app.)
 */

const AT = new Date('2026-11-22T01:00:00.000Z');
const CLI = path.resolve('src/server/audit/verify-cli.ts');

async function openAuditDb(dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-audit-'))) {
  const opened = openDatabase({ dataDir, databaseUrl: undefined });
  await migrateToLatest(opened.db);
  return {
    db: opened.db,
    dataDir,
    async close(removeData = true) {
      await opened.db.destroy();
      if (removeData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function entry(n: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    institutionId: 'inst-1',
    actorType: n % 2 === 0 ? 'staff' : 'patient',
    actorId: n % 2 === 0 ? `staff-${n}` : null,
    action: n % 3 === 0 ? 'consent.registered' : 'registration.started',
    personRef: n % 3 === 0 ? `p${String(n).padStart(2, '0')}` : null,
    deviceId: `device-${n}`,
    subjectId: `subject-${n}`,
    outcome: 'ok',
    detail: n % 2 === 0 ? null : 'homeVisit',
    ...overrides,
  };
}

/** Appends events one transaction each, as the services do. */
async function appendEvents(db: Db, count: number, from = 1): Promise<void> {
  for (let n = from; n < from + count; n++) {
    await db.transaction().execute((trx) => appendAudit(trx, entry(n), new Date(AT.getTime() + n * 1000)));
  }
}

async function rows(db: Db): Promise<AuditEventRow[]> {
  return db.selectFrom('audit_event').selectAll().orderBy('seq').execute();
}

async function head(db: Db) {
  return db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
}

/** What someone with write access and this source could compute: the hash of a forged event. */
const forgedHash = eventHash;

describe('X5: building the chain', () => {
  let a: Awaited<ReturnType<typeof openAuditDb>>;
  beforeAll(async () => {
    a = await openAuditDb();
  });
  afterAll(async () => {
    await a.close();
  });

  it('X5: an empty trail verifies', async () => {
    expect(await verifyAuditChain(a.db)).toEqual({ ok: true, events: 0 });
  });

  it('X5: appends in transactions build a chain that verifyAuditChain accepts', async () => {
    await appendEvents(a.db, 4);
    // Several events in one transaction, as a handoff that supersedes a consent writes them.
    await a.db.transaction().execute(async (trx) => {
      await appendAudit(trx, entry(5), AT);
      await appendAudit(trx, entry(6), AT);
    });
    const all = await rows(a.db);
    expect(all.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prev_hash).toBe(all[i - 1]!.hash);
    expect(new Set(all.map((r) => r.hash)).size).toBe(all.length);
    expect(await head(a.db)).toMatchObject({ seq: 6, hash: all[5]!.hash });
    expect(all[2]).toMatchObject({ action: 'consent.registered', person_ref: 'p03', device_id: 'device-3', subject_id: 'subject-3', at: '2026-11-22T01:00:03.000Z' });
    expect(await verifyAuditChain(a.db)).toEqual({ ok: true, events: 6 });
  });

  it('X5: concurrent appends queue on the chain head and keep it intact', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => a.db.transaction().execute((trx) => appendAudit(trx, entry(100 + i), AT))),
    );
    expect(await verifyAuditChain(a.db)).toEqual({ ok: true, events: 16 });
  });
});

describe('X5: many events at once (a batch re-query writes one per person)', () => {
  it('X5: appendAuditMany chains exactly as one-by-one appends, across insert chunks, and the chain continues', async () => {
    const one = await openAuditDb();
    const many = await openAuditDb();
    try {
      const entries = Array.from({ length: 1203 }, (_, i) => entry(i + 1));
      await one.db.transaction().execute(async (trx) => {
        for (const e of entries) await appendAudit(trx, e, AT);
      });
      await many.db.transaction().execute(async (trx) => {
        await appendAuditMany(trx, [], AT); // nothing to write: the head does not move
        await appendAuditMany(trx, entries, AT);
      });
      const a = await rows(one.db);
      const b = await rows(many.db);
      expect(b).toHaveLength(1203);
      expect(b).toEqual(a);
      expect(await head(many.db)).toEqual(await head(one.db));
      await many.db.transaction().execute((trx) => appendAudit(trx, entry(2000), AT));
      expect(await verifyAuditChain(many.db)).toEqual({ ok: true, events: 1204 });
    } finally {
      await one.close();
      await many.close();
    }
  });
});

describe('X5: tampering is detected', () => {
  let a: Awaited<ReturnType<typeof openAuditDb>>;
  beforeAll(async () => {
    a = await openAuditDb();
  });
  afterAll(async () => {
    await a.close();
  });
  beforeEach(async () => {
    // A fresh chain of 5 events for each case.
    await a.db.deleteFrom('audit_event').execute();
    await a.db.updateTable('audit_head').set({ seq: 0, hash: GENESIS_HASH }).execute();
    await appendEvents(a.db, 5);
    expect(await verifyAuditChain(a.db)).toEqual({ ok: true, events: 5 });
  });

  it('X5: changing the detail of a past row (UPDATE … WHERE seq = 2) breaks the chain at #2', async () => {
    await sql`UPDATE audit_event SET detail = 'houseCall' WHERE seq = 2`.execute(a.db);
    expect(await verifyAuditChain(a.db)).toEqual({ ok: false, events: 1, brokenAtSeq: 2 });
  });

  it('X5: changing any field of a past row is detected, and putting it back restores the chain', async () => {
    const original = (await rows(a.db))[1]!;
    const changes: Array<Partial<AuditEventTable>> = [
      { at: '2026-11-22T01:00:09.000Z' },
      { institution_id: 'inst-2' },
      { institution_id: null },
      { actor_type: 'system' },
      { actor_id: 'staff-99' },
      { actor_id: null },
      { action: 'consent.revoked' },
      { person_ref: 'p99' },
      { device_id: 'device-x' },
      { device_id: null },
      { subject_id: 'subject-x' },
      { outcome: 'refused' },
      { detail: 'null' },
      { detail: 'x' },
      { prev_hash: GENESIS_HASH },
      { hash: createHash('sha256').update('x').digest('hex') },
      { seq: 20 },
    ];
    expect(original.detail).toBeNull();
    for (const change of changes) {
      await a.db.updateTable('audit_event').set(change).where('seq', '=', 2).execute();
      const verdict = await verifyAuditChain(a.db);
      expect(verdict, JSON.stringify(change)).toEqual({ ok: false, events: 1, brokenAtSeq: 2 });
      const seq = 'seq' in change ? change.seq! : 2;
      await a.db.updateTable('audit_event').set(original).where('seq', '=', seq).execute();
      expect(await verifyAuditChain(a.db), JSON.stringify(change)).toEqual({ ok: true, events: 5 });
    }
  });

  it('X5: changing a row and recomputing its hash still breaks the link to the next one', async () => {
    const second = (await rows(a.db))[1]!;
    const { hash: _old, ...changed } = { ...second, detail: 'houseCall' };
    await a.db.updateTable('audit_event').set({ detail: 'houseCall', hash: forgedHash(changed) }).where('seq', '=', 2).execute();
    expect(await verifyAuditChain(a.db)).toEqual({ ok: false, events: 2, brokenAtSeq: 3 });
  });

  it('X5: deleting the last row is detected at its sequence number', async () => {
    await a.db.deleteFrom('audit_event').where('seq', '=', 5).execute();
    expect(await verifyAuditChain(a.db)).toEqual({ ok: false, events: 4, brokenAtSeq: 5 });
  });

  it('X5: deleting a row in the middle or the first row is detected', async () => {
    await a.db.deleteFrom('audit_event').where('seq', '=', 3).execute();
    expect(await verifyAuditChain(a.db)).toEqual({ ok: false, events: 2, brokenAtSeq: 3 });
    await a.db.deleteFrom('audit_event').where('seq', '=', 1).execute();
    expect(await verifyAuditChain(a.db)).toEqual({ ok: false, events: 0, brokenAtSeq: 1 });
  });

  it('X5: a forged row inserted after the last one is detected at its sequence number', async () => {
    const last = (await rows(a.db))[4]!;
    const forged = { ...last, seq: 6, detail: 'forged', prev_hash: '1'.repeat(64), hash: '2'.repeat(64) };
    await a.db.insertInto('audit_event').values(forged).execute();
    expect(await verifyAuditChain(a.db)).toEqual({ ok: false, events: 5, brokenAtSeq: 6 });
  });

  it('X5: a forged row with a correctly computed hash is still detected (the head does not know it)', async () => {
    const last = (await rows(a.db))[4]!;
    const { hash: _h, ...body } = { ...last, seq: 6, action: 'consent.revoked', prev_hash: last.hash };
    await a.db.insertInto('audit_event').values({ ...body, hash: forgedHash(body) }).execute();
    expect(await verifyAuditChain(a.db)).toEqual({ ok: false, events: 5, brokenAtSeq: 6 });
  });

  it('X5: the last row replaced by a consistent forgery is detected at its sequence number', async () => {
    const last = (await rows(a.db))[4]!;
    await a.db.deleteFrom('audit_event').where('seq', '=', 5).execute();
    const { hash: _h, ...body } = { ...last, person_ref: 'p99' };
    await a.db.insertInto('audit_event').values({ ...body, hash: forgedHash(body) }).execute();
    expect(await verifyAuditChain(a.db)).toEqual({ ok: false, events: 4, brokenAtSeq: 5 });
  });

  it('X5: an audit append inside a rolled-back transaction leaves no trace; the chain still verifies and continues', async () => {
    const before = { rows: await rows(a.db), head: await head(a.db) };
    await expect(
      a.db.transaction().execute(async (trx) => {
        await appendAudit(trx, entry(6), AT);
        await appendAudit(trx, entry(7), AT);
        throw new Error('the recorded change failed');
      }),
    ).rejects.toThrow('the recorded change failed');
    expect(await rows(a.db)).toEqual(before.rows);
    expect(await head(a.db)).toEqual(before.head);
    expect(await verifyAuditChain(a.db)).toEqual({ ok: true, events: 5 });
    await appendEvents(a.db, 1, 8);
    const after = await rows(a.db);
    expect(after.at(-1)).toMatchObject({ seq: 6, subject_id: 'subject-8', prev_hash: before.head.hash });
    expect(await verifyAuditChain(a.db)).toEqual({ ok: true, events: 6 });
  });
});

describe('issue 17 #4: the chain checked a part at a time', () => {
  let a: Awaited<ReturnType<typeof openAuditDb>>;
  beforeAll(async () => {
    a = await openAuditDb();
    await appendEvents(a.db, 25);
  });
  afterAll(async () => {
    await a.close();
  });

  /** Walks the whole chain in parts of `limit`, as the staff screen does. */
  async function inParts(limit: number) {
    const parts = [];
    let fromSeq = 1;
    for (;;) {
      const part = await verifyAuditSegment(a.db, fromSeq, limit);
      parts.push(part);
      if (!part.ok || part.nextSeq === null) return parts;
      fromSeq = part.nextSeq;
    }
  }

  it('X5: parts of 10 cover 25 events in three answers with the progress of each', async () => {
    expect(await inParts(10)).toEqual([
      { ok: true, events: 10, total: 25, nextSeq: 11 },
      { ok: true, events: 20, total: 25, nextSeq: 21 },
      { ok: true, events: 25, total: 25, nextSeq: null },
    ]);
  });

  it('X5: a change in a later part, at a part boundary, or the last event replaced is found', async () => {
    for (const seq of [17, 11, 25]) {
      const row = await a.db.selectFrom('audit_event').select(['person_ref']).where('seq', '=', seq).executeTakeFirstOrThrow();
      await a.db.updateTable('audit_event').set({ person_ref: 'p-forged' }).where('seq', '=', seq).execute();
      const parts = await inParts(10);
      expect(parts.at(-1)).toEqual({ ok: false, events: seq - 1, brokenAtSeq: seq });
      await a.db.updateTable('audit_event').set({ person_ref: row.person_ref }).where('seq', '=', seq).execute();
    }
    expect((await inParts(10)).at(-1)).toEqual({ ok: true, events: 25, total: 25, nextSeq: null });
  });

  it('X5: an event inserted beyond the head, and a start past the end, are refused', async () => {
    expect(await verifyAuditSegment(a.db, 27, 10)).toEqual({ ok: false, events: 0, brokenAtSeq: 26 });
    const last = await a.db.selectFrom('audit_event').selectAll().where('seq', '=', 25).executeTakeFirstOrThrow();
    const forged = { ...last, seq: 26, prev_hash: last.hash };
    await a.db.insertInto('audit_event').values({ ...forged, hash: forgedHash({ ...forged }) }).execute();
    expect((await inParts(10)).at(-1)).toEqual({ ok: false, events: 25, brokenAtSeq: 26 });
    await a.db.deleteFrom('audit_event').where('seq', '=', 26).execute();
  });
});

describe('X5: verify-cli', () => {
  function runCli(dataDir: string) {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    const result = spawnSync(process.execPath, [CLI], { env, encoding: 'utf8', timeout: 30_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('X5: prints "ok" with the event count and exits 0, then "BROKEN at event #2" and exits 1 after tampering', async () => {
    const a = await openAuditDb();
    try {
      await appendEvents(a.db, 3);
      await a.close(false);
      const intact = runCli(a.dataDir);
      expect(intact.stdout, intact.stderr).toBe('audit chain ok: 3 events\n');
      expect(intact.status).toBe(0);

      const again = await openAuditDb(a.dataDir);
      await sql`UPDATE audit_event SET detail = 'tampered' WHERE seq = 2`.execute(again.db);
      await again.close(false);
      const broken = runCli(a.dataDir);
      expect(broken.stdout, broken.stderr).toBe('audit chain BROKEN at event #2\n');
      expect(broken.status).toBe(1);
    } finally {
      fs.rmSync(a.dataDir, { recursive: true, force: true });
    }
  });

  it('X5: refuses (exit 2) a data directory without a database instead of reporting an empty chain as ok', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-audit-empty-'));
    try {
      const result = runCli(empty);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/not checked/);
      expect(fs.readdirSync(empty)).toEqual([]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
