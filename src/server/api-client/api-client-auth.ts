import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { ApiClientScope } from '../../domain/api-client/api-client-scopes.ts';
import type { AppEnv } from '../http/app-env.ts';
import { clientAddress, RateCounter, RateLimitedError } from '../http/rate-limit.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from '../http/rate-limit-config.ts';
import { log } from '../http/logger.ts';
import { ApiClientScopeMissingError, ApiClientUnauthenticatedError } from './api-client-errors.ts';
import { authenticateApiClient, outcomeOfStatus, parseBearerToken, recordApiClientCall, type ApiClientCall } from './api-client.service.ts';

/**
 * Issue 19 #2: guards a route of the clinic systems' API (FHIR, change feed) by an API client's
 * bearer token and one scope. Everything such a route needs happens here, so each route gets it
 * by naming its scope:
 *
 * - `Authorization: Bearer zuk_<id>_<secret>`; missing, malformed, unknown, wrong secret, revoked,
 *   or an institution that is suspended: 401 `api_client_unauthenticated`, the same answer for
 *   all. A client without the scope: 403 `api_client_scope_missing`.
 * - Each client's requests are counted in the shared database limiter (`apiClientRequests`),
 *   before the work: over the limit, 429 `rate_limited` with Retry-After. Refused credentials are
 *   counted per address (`apiClientFailuresPerClient`), which caps how many of them are audited.
 * - Every request of an identified client leaves one audit event (actor `api_client`): method,
 *   route pattern, status and outcome; never the path's ids, a query, a body or the secret.
 * - Sets `c.var.apiClient`; the route reads only its institution's data.
 */
export function requireApiClient(scope: ApiClientScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const db = c.var.db;
    const now = c.var.now();
    const counters = countersFor(c.var.config.rateLimits);
    const presented = parseBearerToken(c.req.header('authorization'));
    const result = presented ? await authenticateApiClient(db, presented) : ({ kind: 'unknown' } as const);

    if (result.kind !== 'ok') {
      const slot = await counters.failures.take(db, clientAddress(c), now);
      if (counters.failures.over(slot)) {
        c.var.metrics?.rateLimitRefused(counters.failures.name);
        c.var.metrics?.apiClientRequest(scope, 'rate_limited');
        throw new RateLimitedError(slot.retryAfterSeconds);
      }
      c.var.metrics?.apiClientRequest(scope, 'unauthenticated');
      if (result.kind !== 'unknown') {
        await record(c, { clientId: result.clientId, institutionId: result.institutionId, status: 401, outcome: 'refused', reason: REASONS[result.kind] }, false);
      }
      throw new ApiClientUnauthenticatedError();
    }

    const client = result.client;
    const who = { clientId: client.id, institutionId: client.institutionId };
    const slot = await counters.requests.take(db, client.id, now);
    if (counters.requests.over(slot)) {
      c.var.metrics?.rateLimitRefused(counters.requests.name);
      c.var.metrics?.apiClientRequest(scope, 'rate_limited');
      await record(c, { ...who, status: 429, outcome: 'rate_limited' }, false);
      throw new RateLimitedError(slot.retryAfterSeconds);
    }
    if (!client.scopes.includes(scope)) {
      c.var.metrics?.apiClientRequest(scope, 'scope_missing');
      await record(c, { ...who, status: 403, outcome: 'refused', reason: 'scope_missing' }, false);
      throw new ApiClientScopeMissingError();
    }

    c.set('apiClient', client);
    c.var.metrics?.apiClientRequest(scope, 'admitted');
    try {
      await next();
    } catch (err) {
      // Hono answers a route's error before it reaches here; should one arrive, it still counts.
      await record(c, { ...who, status: 500, outcome: 'error' }, true);
      throw err;
    }
    await record(c, { ...who, status: c.res.status, outcome: outcomeOfStatus(c.res.status) }, true);
  };
}

const REASONS = { wrongSecret: 'wrong_secret', revoked: 'revoked', inactive: 'institution_inactive' } as const;

/** One audit event for this request (and the client's last use when it was served). */
async function record(
  c: Context<AppEnv>,
  event: Omit<ApiClientCall, 'method' | 'route'>,
  served: boolean,
): Promise<void> {
  // The pattern of the route that answers (the last one matched), never the concrete path.
  const route = routePath(c, -1) || '(none)';
  const call: ApiClientCall = { ...event, method: c.req.method, route: route.slice(0, 150) };
  const now = c.var.now();
  try {
    await c.var.db.transaction().execute((trx) => recordApiClientCall(trx, call, now, served));
  } catch (err) {
    // The answer is already decided; a lost event is logged (without request data), not hidden.
    log('error', 'api_client_audit_failed', { route, errorName: err instanceof Error ? err.name : 'unknown' });
    throw err;
  }
}

interface Counters {
  requests: RateCounter;
  failures: RateCounter;
}

/** One pair of counters per configuration (an app's), so each keeps its own purge timer. */
const countersByConfig = new WeakMap<RateLimitConfig, Counters>();

function countersFor(limits: RateLimitConfig): Counters {
  let counters = countersByConfig.get(limits);
  if (!counters) {
    counters = {
      requests: new RateCounter('apiClientRequests', limits.apiClientRequests ?? DEFAULT_RATE_LIMITS.apiClientRequests),
      failures: new RateCounter('apiClientFailuresPerClient', limits.apiClientFailuresPerClient ?? DEFAULT_RATE_LIMITS.apiClientFailuresPerClient),
    };
    countersByConfig.set(limits, counters);
  }
  return counters;
}
