import { timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import client from 'prom-client';
import type { GroupCommitStats } from '../db/group-commit.ts';
import type { AppEnv } from '../http/app-env.ts';

/**
 * `/metrics` in Prometheus text format (prom-client), for operators and the bench (issue 17 #6;
 * issue 20 #3 extends it). Labels are route patterns, methods and status classes: never a path
 * with ids in it, a token, or anything a patient typed.
 */
export interface Metrics {
  /** Times each request by route pattern; mounted first, so it sees every answer. */
  middleware: MiddlewareHandler<AppEnv>;
  routes: Hono<AppEnv>;
}

export function createMetrics(options: { token: string; commitStats?: GroupCommitStats | undefined }): Metrics {
  const registry = new client.Registry();
  // Process CPU seconds, resident memory, event-loop lag, heap: what the bench divides by requests.
  client.collectDefaultMetrics({ register: registry });
  const stats = options.commitStats;
  if (stats) {
    new client.Counter({
      name: 'zaitaku_db_commits_total',
      help: 'COMMITs of the embedded database that held writes (one fsync each; group commit shares them).',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stats.commits);
      },
    });
    new client.Counter({
      name: 'zaitaku_db_transactions_total',
      help: 'Transactions run on the embedded database (each a savepoint of a shared commit).',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stats.transactions);
      },
    });
  }
  const duration = new client.Histogram({
    name: 'zaitaku_http_request_duration_seconds',
    help: 'Time to answer, by route pattern, method and status class.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const expected = Buffer.from(`Bearer ${options.token}`);
  const routes = new Hono<AppEnv>().get('/', async (c) => {
    const given = Buffer.from(c.req.header('authorization') ?? '');
    // Not "forbidden": without the token the endpoint does not exist.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return c.json({ error: { code: 'not_found', message: 'The requested resource does not exist.' } }, 404);
    c.header('Cache-Control', 'no-store');
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const end = duration.startTimer();
    try {
      await next();
    } finally {
      // The matched pattern (`/api/public/registrations/:id`), or one label for everything unmatched.
      const route = c.req.routePath && c.req.routePath !== '/*' ? c.req.routePath : 'unmatched';
      end({ route, method: c.req.method, status: `${Math.floor(c.res.status / 100)}xx` });
    }
  };
  return { middleware, routes };
}
