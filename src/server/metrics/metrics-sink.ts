import type { ApiClientScope } from '../../domain/api-client/api-client-scopes.ts';

/**
 * What code outside the metrics middleware reports to `/metrics` (`c.var.metrics`; absent when
 * there is no `/metrics`). A leaf module: app-env.ts imports its type. Every argument is a name
 * from a fixed set in the code, never a request's data.
 */
export interface MetricsSink {
  /** A request refused by the rate limit of this name (a `RateLimitConfig` key). */
  rateLimitRefused(limit: string): void;
  /** A request of a clinic system's API client to a route that needs `scope`, and how it ended. */
  apiClientRequest(scope: ApiClientScope, outcome: ApiClientRequestOutcome): void;
}

export type ApiClientRequestOutcome = 'admitted' | 'unauthenticated' | 'rate_limited' | 'scope_missing';
