import type { PrecacheEntry } from 'workbox-precaching';

// Replaced at build time with the app shell's files and their revisions (see vite.config.ts).
declare const __PRECACHE_MANIFEST__: PrecacheEntry[];

/** The app shell: everything needed to render with no network after one online visit. */
export const PRECACHE_ENTRIES: PrecacheEntry[] = __PRECACHE_MANIFEST__;

/** The page every navigation falls back to when it is not a file. */
export const SHELL_URL = '/index.html';

/**
 * Names this build (from every precached file's name and revision): a page drawn by the server
 * refers to this build's files, so pages kept from another build are dropped when it activates.
 */
export const BUILD_ID = fnv1a(PRECACHE_ENTRIES.map((entry) => (typeof entry === 'string' ? entry : `${entry.url} ${entry.revision ?? ''}`)).join('\n'));

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
