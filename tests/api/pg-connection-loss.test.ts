import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app.ts';

/**
 * PostgreSQL ends idle connections now and then (a restart, a failover, an administrator's
 * pg_terminate_backend). The pool hears that as an error; the server must drop the connection and
 * go on, not end the process (an unheard pool error is an uncaught exception in Node).
 */
describe.runIf(Boolean(process.env.DATABASE_URL))('PostgreSQL: an idle connection ended by the server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is dropped, and the next requests are answered', async () => {
    // Several pooled connections, idle afterwards.
    const link = `/api/public/institutions/${t.demo.institution.link_token}`;
    const before = await Promise.all(Array.from({ length: 5 }, () => t.app.request(link)));
    expect(before.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      const database = new URL(t.databaseUrl!).pathname.slice(1);
      const ended = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database]);
      expect(ended.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // The pool's error events arrive; nothing may throw out of them.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await Promise.all(Array.from({ length: 5 }, () => t.app.request(link)));
    expect(after.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await t.db.selectFrom('institution').select('id').execute()).not.toHaveLength(0);
  });
});
