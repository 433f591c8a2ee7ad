import { Hono } from 'hono';
import { createMetrics } from './metrics/metrics.ts';
import type { GroupCommitStats } from './db/group-commit.ts';
import { bodyLimit } from 'hono/body-limit';
import type { ServerConfig } from './config.ts';
import type { Db, Dialect } from './db/database.ts';
import { healthRoutes } from './health/health.routes.ts';
import type { AppEnv } from './http/app-env.ts';
import { errorBody, handleError, NotFoundError, PayloadTooLargeError } from './http/errors.ts';
import { requestLog } from './http/logger.ts';
import { readScriptHashes, securityHeaders } from './http/security-headers.ts';
import { mountRateLimits } from './http/rate-limits.ts';
import { refuseCrossOrigin } from './http/same-origin.ts';
import { serveApp } from './http/static.ts';
import { cardSimulatorProxy } from './national/embedded/card-simulator/sim-proxy.ts';
import type { NationalServices } from './national/national-services.ts';
import type { Keyring } from './secrets/keyring.ts';
import { receptionRoutes } from './registration/registration.routes.ts';
import { staffRoutes } from './staff/staff.routes.ts';
import { consentRoutes } from './consent/consent.routes.ts';
import { consentReceiptRoutes } from './consent/consent-receipt.routes.ts';
import { consentDashboardRoutes, personRoutes } from './person/person.routes.ts';
import { requeryRoutes } from './requery/requery.routes.ts';
import { reconfirmationRoutes } from './reconfirmation/reconfirmation.routes.ts';
import { declarationPublicRoutes, declarationStaffRoutes } from './declaration/declaration.routes.ts';
import { institutionRoutes } from './institution/institution.routes.ts';
import { deviceEnrolmentRoutes, deviceRoutes } from './device/device.routes.ts';
import { clinicalRoutes } from './clinical/clinical.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { apiClientRoutes } from './api-client/api-client.routes.ts';
import { guideRecordPublicRoutes, guideRecordStaffRoutes } from './guide-record/guide-record.routes.ts';
import { changeFeedRoutes } from './change-feed/change-feed.routes.ts';
import { webhookRoutes } from './webhook/webhook.routes.ts';
import { SessionCache } from './staff/session-cache.ts';
import { fhirRoutes } from './fhir/fhir.routes.ts';
import type { ChangeWatch } from './db/change-watch.ts';
import type { Phase } from './health/readiness.ts';

export interface AppOptions {
  db: Db;
  dialect: Dialect;
  config: ServerConfig;
  schemaVersion: string;
  national: NationalServices;
  /** Seals secrets stored in the database (TOTP secrets, institution keys). */
  secrets: Keyring;
  now?: () => Date;
  /** Serve the built app from `config.staticDir` (off for API-only tests). */
  serveStatic?: boolean;
  /** The embedded database's commit counts, for `/metrics`. */
  commitStats?: GroupCommitStats | undefined;
  /** The embedded database's change stamps: with them, staff sessions are cached (staff/session-cache.ts). */
  changes?: ChangeWatch | undefined;
  /** Where the server is in its life, for `/api/health/ready` (lifecycle/lifecycle.ts); always `ready` without it. */
  phase?: (() => Phase) | undefined;
}

const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Q6: the batch query takes up to 5000 persons in one request, which as JSON or CSV with the
 * cost-limit values may pass 1 MiB; only these two routes get the larger limit.
 */
const MAX_BATCH_BODY_BYTES = 8 * 1024 * 1024;
const BATCH_QUERY_PATHS = new Set(['/api/staff/requery/batch', '/api/staff/requery/batch/csv']);

export function createApp(options: AppOptions): Hono<AppEnv> {
  const now = options.now ?? (() => new Date());
  const app = new Hono<AppEnv>();
  // Issue 20 #3: with a token or addresses to answer, else there is no `/metrics`.
  const metrics =
    options.config.metricsToken || options.config.metricsAllowFrom.length > 0
      ? createMetrics({
          token: options.config.metricsToken,
          allowFrom: options.config.metricsAllowFrom,
          db: options.db,
          commitStats: options.commitStats,
          cardTrust: options.national.cardTrust,
          backupDir: options.config.backupDir,
          now,
        })
      : null;
  if (metrics) app.use(metrics.middleware);
  const sessionCache = options.changes ? new SessionCache(options.changes) : null;
  app.use(requestLog());
  app.use(securityHeaders(readScriptHashes(options.config.staticDir)));
  app.use(async (c, next) => {
    c.set('db', options.db);
    c.set('dialect', options.dialect);
    c.set('config', options.config);
    c.set('national', options.national);
    c.set('secrets', options.secrets);
    c.set('now', now);
    c.set('sessionCache', sessionCache);
    await next();
  });

  const api = new Hono<AppEnv>();
  const limitOf = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new PayloadTooLargeError();
      },
    });
  // First, so that it also wraps the body limit's 413 (found by tests/api/security-headers.test.ts).
  api.use(async (c, next) => {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });
  const standardLimit = limitOf(MAX_BODY_BYTES);
  const batchLimit = limitOf(MAX_BATCH_BODY_BYTES);
  // A NUL byte in a path can name no record, and PostgreSQL refuses it in text (a 500 instead of
  // the SQLite lane's 404): such a path is "not found" before any route reads it.
  api.use(async (c, next) => {
    if (/%00/i.test(c.req.path) || c.req.path.includes('\u0000')) throw new NotFoundError('The requested resource does not exist.');
    await next();
  });
  // The limit is chosen by the exact path: every other route keeps 1 MiB.
  api.use((c, next) => (BATCH_QUERY_PATHS.has(c.req.path) ? batchLimit : standardLimit)(c, next));
  // Every staff change carries the session cookie (login sets it): another site's page sends none (issue 12 #11).
  api.use('/staff/*', refuseCrossOrigin());
  // Login, the staff sign-in steps and the patient handoff (issue 7 §4); after the body limit.
  mountRateLimits(api, options.config.rateLimits);
  api.route('/health', healthRoutes(options.schemaVersion, options.phase));
  api.route('/staff', staffRoutes);
  api.route('/staff/consents', consentRoutes);
  api.route('/staff/consent-receipts', consentReceiptRoutes);
  api.route('/staff/consent-dashboard', consentDashboardRoutes);
  api.route('/staff/persons', personRoutes);
  api.route('/staff/requery', requeryRoutes);
  api.route('/staff/reconfirmations', reconfirmationRoutes);
  api.route('/staff/declarations', declarationStaffRoutes);
  api.route('/staff/clinical', clinicalRoutes);
  api.route('/staff/audit', auditRoutes);
  api.route('/staff/api-clients', apiClientRoutes);
  // Issue 19 #3: the change feed (API clients) and its webhooks (administrators).
  api.route('/feed', changeFeedRoutes);
  api.route('/staff/webhooks', webhookRoutes);
  api.route('/public/declarations', declarationPublicRoutes);
  // Institution set-up, the link (M1) and devices (P4).
  api.route('/staff/institution', institutionRoutes);
  api.route('/staff/devices', deviceRoutes);
  api.route('/public/device-enrolments', deviceEnrolmentRoutes);
  api.route('/staff/guide-records', guideRecordStaffRoutes);
  api.route('/public/guide-records', guideRecordPublicRoutes);
  api.route('/', receptionRoutes);
  api.all('/*', () => {
    throw new NotFoundError('There is no such API endpoint.');
  });
  app.route('/api', api);
  // The clinic systems' FHIR R4 read API (issue 19 #2): its own errors (OperationOutcome), API-client credentials.
  app.route('/fhir/r4', fhirRoutes);
  if (metrics) app.route('/metrics', metrics.routes);

  // The card-app simulator stands in for the national card app (and the card's chip) in demo
  // mode. It runs as its own process with its own keys (issue 12 #3); `/sim/api` is forwarded to
  // it so the card-app page stays same-origin. The reception routes never see a PIN (P2).
  if (options.national.cardSimulator) app.route('/sim/api', cardSimulatorProxy(options.national.cardSimulator));

  if (options.serveStatic !== false) serveApp(app, options.config.staticDir);
  app.notFound((c) => c.json(errorBody('not_found', 'The requested resource does not exist.'), 404));
  app.onError(handleError);
  return app;
}
