import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';

/**
 * Did this request reach us over HTTPS? The connection's own scheme (the server speaks plain
 * HTTP, so a TLS terminator in front is the usual way), or, only when the operator says a
 * reverse proxy is in front (TRUST_PROXY), the proxy's `X-Forwarded-Proto` (its first entry,
 * the one the client used). Without TRUST_PROXY a client-sent `X-Forwarded-Proto` changes nothing.
 */
export function requestIsHttps(c: Context<AppEnv>): boolean {
  if (c.var.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    if (forwarded) return forwarded === 'https';
  }
  return new URL(c.req.url).protocol === 'https:';
}
