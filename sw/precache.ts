import type { PrecacheEntry } from 'workbox-precaching';

// Replaced at build time with the app shell's files and their revisions (see vite.config.ts).
declare const __PRECACHE_MANIFEST__: PrecacheEntry[];

/** The app shell: everything needed to render with no network after one online visit. */
export const PRECACHE_ENTRIES: PrecacheEntry[] = __PRECACHE_MANIFEST__;

/** The page every navigation falls back to when it is not a file. */
export const SHELL_URL = '/index.html';
