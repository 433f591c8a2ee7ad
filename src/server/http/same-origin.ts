import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import { CrossSiteRefusedError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** `none`: typed into the address bar or a bookmark; `same-origin`: our own pages. */
const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Did a page of another origin send this request? SameSite=Strict does not answer that: a
 * sibling subdomain (another tenant's host under the same registrable domain) is "same-site",
 * so its forms and fetches carry our cookie. Browsers say where a request comes from with
 * `Sec-Fetch-Site` and, on every cross-origin request and every POST, `Origin`; either one
 * naming another origin is refused. Neither header means no browser sent it (curl, a script, the
 * in-process tests): such a client holds the cookie itself, so there is no forgery to stop.
 */
export function isCrossOrigin(c: Context<AppEnv>): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && !ALLOWED_FETCH_SITES.has(site.toLowerCase())) return true;
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  // PUBLIC_URL is what staff reach (behind a proxy the request's own URL is the internal one).
  return origin !== new URL(c.var.config.publicUrl).origin && origin !== new URL(c.req.url).origin;
}

/** Refuses changes (anything but GET/HEAD/OPTIONS) that another origin's page sent: 403 `cross_site_refused`. */
export function refuseCrossOrigin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) && isCrossOrigin(c)) throw new CrossSiteRefusedError();
    await next();
  };
}
