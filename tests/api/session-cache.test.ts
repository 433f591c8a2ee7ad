import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/server/db/database.ts';
import { WriteEpochs, writeTarget } from '../../src/server/db/change-watch.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { SESSION_LOCK_IDLE_MS } from '../../src/server/staff/session.ts';
import { createTestApp, jsonRequest, loginAs, TEST_PASSWORD, type TestApp } from './support/test-app.ts';

/**
 * Issue 17 #3: staff sessions are kept in memory between requests on the embedded database
 * (src/server/staff/session-cache.ts), and anything that ends or changes a session is seen by the
 * very next request: here, in another connection to the same database (another process), and
 * after the idle limits pass.
 */
describe('issue 17 #3: the session cache never outlives a change', () => {
  let t: TestApp;
  let sessionReads = 0;

  beforeEach(async () => {
    t = await createTestApp({
      onQuery: (sql) => {
        if (/^select\b.*\bfrom "staff_session"/is.test(sql)) sessionReads++;
      },
    });
  });
  afterEach(async () => {
    await t.close();
  });

  const me = (cookie: string) => t.app.request('/api/staff/me', { headers: { cookie } });
  const accounts = (cookie: string) => t.app.request('/api/staff/accounts', { headers: { cookie } });
  /** Runs `write` over another connection to the same database, as another server process or the institution CLI has. */
  const fromOtherConnection = async (write: (db: Db) => Promise<unknown>): Promise<void> => {
    const other = openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl }).db;
    try {
      await write(other);
    } finally {
      await other.destroy();
    }
  };

  it.skipIf(Boolean(process.env.DATABASE_URL))('repeated staff requests read the session once (embedded database)', async () => {
    const cookie = await loginAs(t, 'clerk');
    expect((await me(cookie)).status).toBe(200);
    const before = sessionReads;
    for (let i = 0; i < 5; i++) expect((await me(cookie)).status).toBe(200);
    expect(sessionReads - before).toBe(0);
  });

  it('a logout ends the session for the next request', async () => {
    const cookie = await loginAs(t, 'clerk');
    expect((await me(cookie)).status).toBe(200);
    expect((await t.app.request('/api/staff/logout', jsonRequest('POST', {}, { cookie }))).status).toBeLessThan(300);
    expect((await me(cookie)).status).toBe(401);
  });

  it('a role change applies to the next request of the changed account', async () => {
    const clerk = await loginAs(t, 'clerk');
    const admin = await loginAs(t, 'admin');
    expect((await accounts(clerk)).status).toBe(403);
    const clerkId = ((await (await me(clerk)).json()) as { staff: { id: string } }).staff;
    const changed = await t.app.request(`/api/staff/accounts/${clerkId.id}/role`, jsonRequest('PATCH', { role: 'admin' }, { cookie: admin }));
    expect(changed.status).toBe(200);
    expect((await accounts(clerk)).status).toBe(200);
    await t.app.request(`/api/staff/accounts/${clerkId.id}/role`, jsonRequest('PATCH', { role: 'clerk' }, { cookie: admin }));
    expect((await accounts(clerk)).status).toBe(403);
  });

  it('a disabled account is refused at its next request', async () => {
    const clerk = await loginAs(t, 'clerk');
    const admin = await loginAs(t, 'admin');
    const { id } = ((await (await me(clerk)).json()) as { staff: { id: string } }).staff;
    expect((await t.app.request(`/api/staff/accounts/${id}/disable`, jsonRequest('POST', {}, { cookie: admin }))).status).toBe(200);
    expect((await me(clerk)).status).toBe(401);
  });

  it('P4: a lock answers session_locked at once, and the unlock opens it again', async () => {
    const cookie = await loginAs(t, 'clerk');
    expect((await me(cookie)).status).toBe(200);
    expect((await t.app.request('/api/staff/auth/lock', jsonRequest('POST', {}, { cookie }))).status).toBe(204);
    const locked = await me(cookie);
    expect(locked.status).toBe(401);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('session_locked');
    expect((await t.app.request('/api/staff/auth/unlock', jsonRequest('POST', { password: TEST_PASSWORD }, { cookie }))).status).toBe(204);
    expect((await me(cookie)).status).toBe(200);
  });

  it('P4: the idle lock still falls on time for a session read from memory', async () => {
    const cookie = await loginAs(t, 'clerk');
    expect((await me(cookie)).status).toBe(200);
    t.clock.advance(SESSION_LOCK_IDLE_MS + 1000);
    expect((await me(cookie)).status).toBe(401);
  });

  it('a session deleted by another connection (another process) is refused at the next request here', async () => {
    const cookie = await loginAs(t, 'clerk');
    expect((await me(cookie)).status).toBe(200);
    await fromOtherConnection((other) => other.deleteFrom('staff_session').execute());
    expect((await me(cookie)).status).toBe(401);
  });

  it('an institution suspended from another connection (the institution CLI) ends its sessions here at once', async () => {
    const cookie = await loginAs(t, 'clerk');
    expect((await me(cookie)).status).toBe(200);
    await fromOtherConnection((other) => other.updateTable('institution').set({ activated_at: null }).where('id', '=', t.demo.institution.id).execute());
    expect((await me(cookie)).status).toBe(401);
  });

  it('a role changed from another connection applies here at the next request', async () => {
    const cookie = await loginAs(t, 'clerk');
    expect((await accounts(cookie)).status).toBe(403);
    await fromOtherConnection((other) => other.updateTable('staff_account').set({ role: 'admin' }).where('login_id', '=', 'demo-clerk').execute());
    expect((await accounts(cookie)).status).toBe(200);
  });
});

describe('issue 17 #3: what moves the change stamp (src/server/db/change-watch.ts)', () => {
  const tables = ['staff_session'];

  it('counts writes by their target table; reads move nothing; an unknown write counts for every table', () => {
    const epochs = new WriteEpochs();
    const at = () => epochs.count(tables);
    const start = at();
    epochs.noteWrite(writeTarget('select * from "staff_session" where "token_hash" = ?'));
    epochs.noteWrite(writeTarget('PRAGMA data_version'));
    expect(at()).toBe(start);
    epochs.noteWrite(writeTarget('insert into "audit_event" ("seq") values (?)'));
    epochs.noteWrite(writeTarget('update "institution_device" set "last_seen_at" = ?'));
    expect(at()).toBe(start);
    epochs.noteWrite(writeTarget('update "staff_session" set "last_seen_at" = ? where "token_hash" = ?'));
    expect(at()).toBe(start + 1);
    epochs.noteWrite(writeTarget('delete from "staff_session" where "staff_id" = ?'));
    epochs.noteWrite(writeTarget('insert or replace into staff_session values (?)'));
    expect(at()).toBe(start + 3);
    epochs.noteWrite(writeTarget('with "x" as (select 1) update "anything" set "a" = 1'));
    expect(at()).toBe(start + 4);
    epochs.noteRollback();
    expect(at()).toBe(start + 5);
  });

  it.skipIf(Boolean(process.env.DATABASE_URL))('a transaction rolled back after writing a session table moves the stamp', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-stamp-'));
    const opened = openDatabase({ dataDir });
    try {
      await migrateToLatest(opened.db);
      const before = opened.changes!.stamp(tables);
      await expect(
        opened.db.transaction().execute(async (trx) => {
          await trx.deleteFrom('staff_session').execute();
          throw new Error('abandoned');
        }),
      ).rejects.toThrow('abandoned');
      const after = opened.changes!.stamp(tables);
      expect(after).not.toBe(before);
      await opened.db.selectFrom('staff_session').selectAll().execute();
      expect(opened.changes!.stamp(tables)).toBe(after);
    } finally {
      await opened.db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
