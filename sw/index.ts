/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { isPageToWorkerMessage } from '../src/domain/shared/sw-messages.ts';
import { handleOutboxSync } from './outbox-sync.ts';
import { PRECACHE_ENTRIES } from './precache.ts';
import { clinicLinkPageRoute, dropOtherBuildsPages, hashedAssetStrategy, isHashedAsset, keepOpenClinicPages, shellNavigationRoute } from './strategies.ts';

declare const self: ServiceWorkerGlobalScope;

// Event wiring only: what to cache lives in precache.ts, how to answer in strategies.ts.
precacheAndRoute(PRECACHE_ENTRIES);
cleanupOutdatedCaches();
// Routes match in the order registered: clinic links before the shell that answers every page.
registerRoute(clinicLinkPageRoute());
registerRoute(shellNavigationRoute());
registerRoute(({ url }) => isHashedAsset(url, self.location.origin), hashedAssetStrategy());

// A new version waits until the page says the user agreed (sw-bridge → 「更新する」).
self.addEventListener('message', (event) => {
  if (isPageToWorkerMessage(event.data) && event.data.type === 'SKIP_WAITING') void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(dropOtherBuildsPages().then(keepOpenClinicPages));
});

// A Background Sync asks open pages to send their outbox (the page owns IndexedDB).
handleOutboxSync(self);

// The first version takes over open pages at once, so the shell is cached from the first visit.
clientsClaim();
