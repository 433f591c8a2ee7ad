import { Hono } from 'hono';
import type { HealthResponse, LivenessResponse, ReadinessResponse } from '../../domain/shared/api.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { Db } from '../db/database.ts';
import { pingDatabase } from './health.repository.ts';
import { DATABASE_PING_TIMEOUT_MS, type Phase } from './readiness.ts';

/**
 * `/api/health`: the start-up summary (schema version, database, revocation lists); 200 whenever
 * the app answers, draining included. `/api/health/live`: the process answers. `/api/health/ready`:
 * 200 only when new work should be sent here: not while starting (migrations) or draining, and
 * only if the database answers `SELECT 1` within DATABASE_PING_TIMEOUT_MS (issue 20 #4).
 */
export function healthRoutes(schemaVersion: string, phase: () => Phase = () => 'ready') {
  return new Hono<AppEnv>()
    .get('/', (c) => {
      const body: HealthResponse = {
        status: 'ok',
        schemaVersion,
        database: c.var.dialect,
        time: c.var.now().toISOString(),
        cardRevocation: c.var.national.cardTrust.status(c.var.now()),
      };
      c.header('Cache-Control', 'no-store');
      return c.json(body);
    })
    .get('/live', (c) => {
      c.header('Cache-Control', 'no-store');
      const body: LivenessResponse = { status: 'ok' };
      return c.json(body);
    })
    .get('/ready', async (c) => {
      c.header('Cache-Control', 'no-store');
      const now = phase();
      let body: ReadinessResponse;
      if (now !== 'ready') body = { status: now };
      else body = { status: (await databaseAnswers(c.var.db)) ? 'ready' : 'database_unreachable' };
      if (body.status !== 'ready') c.header('Retry-After', '2');
      return c.json(body, body.status === 'ready' ? 200 : 503);
    });
}

async function databaseAnswers(db: Db): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      pingDatabase(db).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), DATABASE_PING_TIMEOUT_MS))),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
