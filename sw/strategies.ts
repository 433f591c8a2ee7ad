import { createHandlerBoundToURL } from 'workbox-precaching';
import { NavigationRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { SHELL_URL } from './precache.ts';

/**
 * Every page navigation is answered with the precached shell, so the app opens offline; the
 * API is never served from a cache (a stale eligibility answer would be worse than none).
 */
export function shellNavigationRoute(): NavigationRoute {
  return new NavigationRoute(createHandlerBoundToURL(SHELL_URL), {
    denylist: [/^\/api\//, /^\/sw\.js$/],
  });
}

/**
 * Hashed build files that are not in the precache (the legacy bundles older tablets load) are
 * cached on first use: their names change whenever their content does.
 */
export function hashedAssetStrategy(): CacheFirst {
  return new CacheFirst({
    cacheName: 'zaitaku-assets',
    plugins: [new ExpirationPlugin({ maxEntries: 80, purgeOnQuotaError: true })],
  });
}

export function isHashedAsset(url: URL, origin: string): boolean {
  return url.origin === origin && url.pathname.startsWith('/assets/');
}
