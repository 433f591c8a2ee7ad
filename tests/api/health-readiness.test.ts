import { describe, expect, it } from 'vitest';
import type { HealthResponse, ReadinessResponse } from '../../src/domain/shared/api.ts';
import { createApp } from '../../src/server/app.ts';
import { readConfig } from '../../src/server/config.ts';
import type { Phase } from '../../src/server/health/readiness.ts';
import { createTestApp } from './support/test-app.ts';

/**
 * Issue 20 #4: liveness and readiness. `/api/health/live` answers while the process does;
 * `/api/health/ready` is 503 while starting or draining and when the database does not answer
 * `SELECT 1`; `/api/health` stays as it was (200 with the start-up summary). Both databases.
 */
describe('issue 20 #4: /api/health/live and /api/health/ready', () => {
  it('ready only in the ready phase with a database that answers; live and /api/health all along; 503 once the database is closed', async () => {
    const t = await createTestApp();
    let phase: Phase = 'ready';
    const app = createApp({
      db: t.db,
      dialect: t.dialect,
      config: readConfig({ DATA_DIR: t.dataDir, PORT: '0', PUBLIC_URL: 'https://zaitaku.example' }),
      schemaVersion: t.schemaVersion,
      national: t.national,
      secrets: t.secrets,
      serveStatic: false,
      phase: () => phase,
    });
    const ready = async () => {
      const res = await app.request('/api/health/ready');
      expect(res.headers.get('cache-control')).toBe('no-store');
      return { status: res.status, body: (await res.json()) as ReadinessResponse, retryAfter: res.headers.get('retry-after') };
    };
    try {
      expect(await ready()).toEqual({ status: 200, body: { status: 'ready' }, retryAfter: null });
      for (const p of ['starting', 'draining'] as const) {
        phase = p;
        expect(await ready()).toEqual({ status: 503, body: { status: p }, retryAfter: '2' });
        expect((await app.request('/api/health/live')).status).toBe(200);
        const health = await app.request('/api/health');
        expect(health.status).toBe(200);
        expect(((await health.json()) as HealthResponse).status).toBe('ok');
      }
      phase = 'ready';
      expect((await ready()).status).toBe(200);
    } finally {
      await t.close();
    }
    // The database is gone: not ready, still alive.
    expect(await ready()).toEqual({ status: 503, body: { status: 'database_unreachable' }, retryAfter: '2' });
    expect(await (await app.request('/api/health/live')).json()).toEqual({ status: 'ok' });
  });
});
