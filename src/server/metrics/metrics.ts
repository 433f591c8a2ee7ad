import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import client from 'prom-client';
import { API_CLIENT_SCOPES } from '../../domain/api-client/api-client-scopes.ts';
import type { Db } from '../db/database.ts';
import type { GroupCommitStats } from '../db/group-commit.ts';
import type { AppEnv } from '../http/app-env.ts';
import { AppError } from '../http/errors.ts';
import { clientAddress } from '../http/rate-limit.ts';
import { DEFAULT_RATE_LIMITS } from '../http/rate-limit-config.ts';
import type { CardTrust } from '../national/card-trust.ts';
import { webhookQueueSize } from '../webhook/webhook.service.ts';
import { newestBackupAt } from './backup-age.ts';
import { parseMetricsAllowList } from './metrics-access.ts';
import type { ApiClientRequestOutcome, MetricsSink } from './metrics-sink.ts';

/**
 * `/metrics` in Prometheus text format (prom-client), for operators and the bench (issue 17 #6,
 * issue 20 #3). Every label value comes from a fixed set in the code: route patterns, methods,
 * status classes, rate-limit names, error codes (ERROR_CODES), scopes. Never a path with ids in
 * it, a token, or anything a patient typed. The README's "Metrics" table lists every name.
 */
export interface Metrics {
  /** Times and classifies each request; mounted first, so it sees every answer. */
  middleware: MiddlewareHandler<AppEnv>;
  routes: Hono<AppEnv>;
}

export interface MetricsOptions {
  /** `METRICS_TOKEN`: `Authorization: Bearer <token>` opens `/metrics` from anywhere. */
  token: string | undefined;
  /** `METRICS_ALLOW_FROM`: addresses and networks that need no token. */
  allowFrom: readonly string[];
  db: Db;
  /** The embedded database's commit counts and times (absent on PostgreSQL). */
  commitStats?: GroupCommitStats | undefined;
  /** The card PKI: the age of its revocation lists. */
  cardTrust: CardTrust;
  /** Where backups are written: the newest manifest's time is the last backup's. */
  backupDir?: string | undefined;
  now: () => Date;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const RATE_LIMIT_NAMES = new Set(Object.keys(DEFAULT_RATE_LIMITS));

/** The routes that start a card handoff (a new challenge for the card app), by what started it. */
const HANDOFF_STARTS: Readonly<Record<string, string>> = {
  'POST /api/public/registrations': 'registration',
  'POST /api/public/card-requests': 'card_request',
  'POST /api/public/registrations/:id/challenge': 'new_challenge',
};
/** The card app's answer: completes or fails a handoff. */
const HANDOFF_ANSWER = 'POST /api/handoff';
/** What the devices' outboxes send (P4): declarations, and guide records without a form. */
const OUTBOX_INTAKE: Readonly<Record<string, string>> = {
  'POST /api/public/declarations': 'declaration',
  'POST /api/public/guide-records': 'guide_record',
};

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new client.Registry();
  // Process CPU seconds, resident memory, event-loop lag, heap: what the bench divides by requests.
  client.collectDefaultMetrics({ register: registry });

  const duration = new client.Histogram({
    name: 'zaitaku_http_request_duration_seconds',
    help: 'Time to answer, by route pattern, method and status class (its _count is the request count).',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  databaseMetrics(registry, options.commitStats);

  const refusals = new client.Counter({
    name: 'zaitaku_rate_limit_refusals_total',
    help: 'Requests refused with 429 by a rate limit, by the limit (RateLimitConfig) name.',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  for (const limit of RATE_LIMIT_NAMES) refusals.inc({ limit }, 0);

  const handoffsStarted = new client.Counter({
    name: 'zaitaku_handoffs_started_total',
    help: 'Card handoffs started (a challenge issued for the card app), by what started them.',
    labelNames: ['via'] as const,
    registers: [registry],
  });
  for (const via of Object.values(HANDOFF_STARTS)) handoffsStarted.inc({ via }, 0);
  const handoffsCompleted = new client.Counter({
    name: 'zaitaku_handoffs_completed_total',
    help: "Card app answers accepted (POST /api/handoff answered 2xx): the patient's card confirmed the registration.",
    registers: [registry],
  });
  const handoffsFailed = new client.Counter({
    name: 'zaitaku_handoffs_failed_total',
    help: 'Card app answers refused, by error code (handoff rejections such as certificate_revoked, or rate_limited, validation_failed, internal).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });

  const intake = new client.Counter({
    name: 'zaitaku_outbox_intake_total',
    help: "Submissions from the devices' outboxes, by kind and outcome (created, resent: an idempotent resend, refused).",
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  for (const kind of Object.values(OUTBOX_INTAKE)) for (const outcome of ['created', 'resent', 'refused']) intake.inc({ kind, outcome }, 0);
  const intakeRefused = new client.Counter({
    name: 'zaitaku_outbox_intake_refusals_total',
    help: "Outbox submissions refused, by kind and error code (conflict, validation_failed, rate_limited, link_invalid, …).",
    labelNames: ['kind', 'reason'] as const,
    registers: [registry],
  });

  const apiClientRequests = new client.Counter({
    name: 'zaitaku_api_client_requests_total',
    help: "Requests of clinic systems' API clients, by the scope the route needs and outcome (admitted to the route, unauthenticated, rate_limited, scope_missing).",
    labelNames: ['scope', 'outcome'] as const,
    registers: [registry],
  });

  revocationListMetrics(registry, options.cardTrust, options.now);
  backupMetrics(registry, options.backupDir);
  webhookMetrics(registry, options.db);

  const sink: MetricsSink = {
    rateLimitRefused(limit) {
      refusals.inc({ limit: RATE_LIMIT_NAMES.has(limit) ? limit : 'other' });
    },
    apiClientRequest(scope, outcome: ApiClientRequestOutcome) {
      apiClientRequests.inc({ scope: (API_CLIENT_SCOPES as readonly string[]).includes(scope) ? scope : 'other', outcome });
    },
  };

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const end = duration.startTimer();
    c.set('metrics', sink);
    try {
      await next();
    } finally {
      const status = c.res.status;
      // The matched pattern (`/api/public/registrations/:id`), or one label for everything unmatched.
      const route = c.req.routePath && c.req.routePath !== '/*' ? c.req.routePath : 'unmatched';
      end({ route, method: METHODS.has(c.req.method) ? c.req.method : 'other', status: `${Math.floor(status / 100)}xx` });

      const target = answeringRoute(c);
      if (target && HANDOFF_STARTS[target] && status === 201) handoffsStarted.inc({ via: HANDOFF_STARTS[target] });
      if (target === HANDOFF_ANSWER) {
        if (status < 300) handoffsCompleted.inc();
        else handoffsFailed.inc({ reason: reasonOf(c, status) });
      }
      const kind = target ? OUTBOX_INTAKE[target] : undefined;
      if (kind) {
        if (status === 201) intake.inc({ kind, outcome: 'created' });
        else if (status < 300) intake.inc({ kind, outcome: 'resent' });
        else {
          intake.inc({ kind, outcome: 'refused' });
          intakeRefused.inc({ kind, reason: reasonOf(c, status) });
        }
      }
    }
  };

  const allowList = parseMetricsAllowList(options.allowFrom);
  const expected = options.token === undefined ? null : Buffer.from(`Bearer ${options.token}`);
  const admitted = (c: Context<AppEnv>): boolean => {
    const given = Buffer.from(c.req.header('authorization') ?? '');
    if (expected && given.length === expected.length && timingSafeEqual(given, expected)) return true;
    // The same client address the rate limits key on: the socket's, or behind TRUST_PROXY the proxy's X-Forwarded-For.
    return allowList.allows(clientAddress(c));
  };
  const routes = new Hono<AppEnv>().get('/', async (c) => {
    // Not "forbidden": for anyone else the endpoint does not exist.
    if (!admitted(c)) return c.json({ error: { code: 'not_found', message: 'The requested resource does not exist.' } }, 404);
    c.header('Cache-Control', 'no-store');
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });
  return { middleware, routes };
}

/**
 * `METHOD /pattern` of the route that answers (or would have, had a middleware before it not
 * refused: a rate limit, the body limit), from the patterns matched for this request. Middleware
 * and the catch-all are registered for every method (`ALL`) and never match.
 */
function answeringRoute(c: Context<AppEnv>): string | undefined {
  for (const route of matchedRoutes(c)) {
    if (route.method === 'ALL') continue;
    const key = `${route.method} ${route.path}`;
    if (HANDOFF_STARTS[key] || key === HANDOFF_ANSWER || OUTBOX_INTAKE[key]) return key;
  }
  return undefined;
}

/** Why a request failed: its error code (from ERROR_CODES), else a word for the status. */
function reasonOf(c: Context<AppEnv>, status: number): string {
  if (c.error instanceof AppError) return c.error.code;
  if (status === 429) return 'rate_limited';
  if (status === 413) return 'payload_too_large';
  if (status >= 500) return 'internal';
  return 'other';
}

/** The embedded database's group commit (db/group-commit.ts): commits, transactions, COMMIT time. */
function databaseMetrics(registry: client.Registry, stats: GroupCommitStats | undefined): void {
  if (!stats) return;
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
  const commitTime = new client.Histogram({
    name: 'zaitaku_db_commit_duration_seconds',
    help: 'Time of each COMMIT of the embedded database that held writes (the fsync every write request waits for).',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  stats.observeCommit = (seconds) => commitTime.observe(seconds);
}

/** The card PKI's revocation lists (national/card-trust.ts): a stale list refuses its cards. */
function revocationListMetrics(registry: client.Registry, cardTrust: CardTrust, now: () => Date): void {
  const status = () => cardTrust.status(now());
  new client.Gauge({
    name: 'zaitaku_card_crl_age_seconds',
    help: "Age (since thisUpdate) of the oldest card revocation list held; NaN when none is held.",
    registers: [registry],
    collect() {
      const ages = status().lists.map((list) => list.ageSeconds);
      this.set(ages.length > 0 ? Math.max(...ages) : Number.NaN);
    },
  });
  new client.Gauge({
    name: 'zaitaku_card_crl_lists',
    help: 'Card revocation lists held, and of them not fresh (past nextUpdate and the grace: their cards are refused).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const lists = status().lists;
      this.set({ state: 'fresh' }, lists.filter((list) => list.fresh).length);
      this.set({ state: 'stale' }, lists.filter((list) => !list.fresh).length);
    },
  });
  new client.Gauge({
    name: 'zaitaku_card_crl_failing_sources',
    help: 'Configured revocation-list sources whose last fetch failed or held no usable list.',
    registers: [registry],
    collect() {
      this.set(status().failingSources);
    },
  });
}

/** The last backup's age (metrics/backup-age.ts, over the backup module's listing); NaN when there is none or no BACKUP_DIR. */
function backupMetrics(registry: client.Registry, backupDir: string | undefined): void {
  new client.Gauge({
    name: 'zaitaku_backup_age_seconds',
    help: 'Seconds since the newest complete backup in BACKUP_DIR (one with its manifest) was taken; NaN when there is none.',
    registers: [registry],
    collect() {
      const at = backupDir ? newestBackupAt(backupDir) : null;
      // The wall clock the backups are named by, not the app's (tests move that one).
      this.set(at ? Math.max(0, (Date.now() - at.getTime()) / 1000) : Number.NaN);
    },
  });
}

/** The webhook outbox (issue 19 #3), all institutions together. */
function webhookMetrics(registry: client.Registry, db: Db): void {
  let pending: Promise<{ pending: number; dead: number }> | null = null;
  // One query per scrape for both gauges; a database that does not answer gives NaN, not a failed scrape.
  const queue = () => {
    pending ??= webhookQueueSize(db)
      .catch(() => ({ pending: Number.NaN, dead: Number.NaN }))
      .finally(() => setImmediate(() => (pending = null)));
    return pending;
  };
  new client.Gauge({
    name: 'zaitaku_webhook_deliveries_pending',
    help: 'Webhook deliveries waiting to be sent (or retried).',
    registers: [registry],
    async collect() {
      this.set((await queue()).pending);
    },
  });
  new client.Gauge({
    name: 'zaitaku_webhook_dead_letters',
    help: 'Webhook deliveries given up after their retries (dead letters), until staff retry them.',
    registers: [registry],
    async collect() {
      this.set((await queue()).dead);
    },
  });
}
