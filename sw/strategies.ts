/// <reference lib="webworker" />
import { createHandlerBoundToURL } from 'workbox-precaching';
import { NavigationRoute, Route } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { clinicLinkPath, isDrawnClinicLinkPage } from '../src/domain/registration/clinic-link-path.ts';
import { BUILD_ID, SHELL_URL } from './precache.ts';

declare const self: ServiceWorkerGlobalScope;

const CLINIC_PAGES_PREFIX = 'zaitaku-clinic-pages-';
/** The last drawn page of each clinic link opened on this device, for this build's files. */
const CLINIC_PAGES_CACHE = `${CLINIC_PAGES_PREFIX}${BUILD_ID}`;
/** A slow network gives way to the kept page after this long (the page then refreshes itself). */
const CLINIC_PAGE_NETWORK_SECONDS = 4;

/**
 * A clinic link's reception page as the server draws it. The fallback is left to the shell: it
 * must open at once in an outage, never after waiting on the network.
 */
function isDrawnReception(url: URL): boolean {
  return clinicLinkPath(url.pathname)?.page === 'reception' && isDrawnClinicLinkPage(url.pathname, url.searchParams);
}

function isClinicLinkNavigation(request: Request, url: URL): boolean {
  return request.mode === 'navigate' && url.origin === self.location.origin && isDrawnReception(url);
}

/**
 * Issue 18 #1: a clinic link's page comes from the server (drawn with the clinic's name and fresh
 * details), and a copy is kept; with no network the kept copy is served, so the link still opens
 * with its clinic's name; a link never opened online gets the plain shell, as any page does.
 * Only complete (200) pages are kept.
 */
export function clinicLinkPageRoute(): Route {
  const network = new NetworkFirst({
    cacheName: CLINIC_PAGES_CACHE,
    networkTimeoutSeconds: CLINIC_PAGE_NETWORK_SECONDS,
    plugins: [new ExpirationPlugin({ maxEntries: 30, purgeOnQuotaError: true })],
  });
  const shell = createHandlerBoundToURL(SHELL_URL);
  return new Route(
    ({ request, url }) => isClinicLinkNavigation(request, url),
    async (options) => {
      try {
        return await network.handle(options);
      } catch {
        return shell(options);
      }
    },
  );
}

/**
 * On the first install the page that installed the worker was not fetched through it: keep a
 * copy of each open clinic link's page now, so it opens offline after that one visit.
 */
export async function keepOpenClinicPages(): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window' });
  const cache = await caches.open(CLINIC_PAGES_CACHE);
  await Promise.all(
    windows.map(async (client) => {
      const url = new URL(client.url);
      if (url.origin !== self.location.origin || !isDrawnReception(url)) return;
      if (await cache.match(url.href)) return;
      try {
        const response = await fetch(url.href, { credentials: 'same-origin' });
        if (response.status === 200) await cache.put(url.href, response);
      } catch {
        // Offline already: the next online visit keeps it.
      }
    }),
  );
}

/** Pages kept by another build point at files this one no longer has. */
export async function dropOtherBuildsPages(): Promise<void> {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(CLINIC_PAGES_PREFIX) && name !== CLINIC_PAGES_CACHE).map((name) => caches.delete(name)));
}

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
