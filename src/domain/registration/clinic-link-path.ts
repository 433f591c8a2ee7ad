// Which paths are a clinic link's pages: shared by the server (which draws their first screen),
// the app (which loads their code before its first render) and the service worker (which keeps
// the drawn reception pages for offline), so it imports nothing.

/** The two pages of a clinic link whose first screen the server draws (issue 18 #1). */
export type ClinicLinkPage = 'reception' | 'fallback';

const PAGE_PATHS: readonly (readonly [ClinicLinkPage, RegExp])[] = [
  ['reception', /^\/i\/([^/]+)\/?$/],
  ['fallback', /^\/i\/([^/]+)\/fallback\/?$/],
];

/**
 * The page and still-encoded token of a clinic link's path: `/i/<token>` (the reception) or
 * `/i/<token>/fallback` (the outage guide's first screen); null for any other path.
 */
export function clinicLinkPath(pathname: string): { page: ClinicLinkPage; encodedToken: string } | null {
  for (const [page, pattern] of PAGE_PATHS) {
    const token = pattern.exec(pathname)?.[1];
    if (token !== undefined) return { page, encodedToken: token };
  }
  return null;
}

/**
 * Whether the server draws this page's first screen: a clinic link's reception (with or without
 * `?visit=`) or its fallback guide, but not an app's arrival (`?return=`, which the app checks
 * itself before anything is shown).
 */
export function isDrawnClinicLinkPage(pathname: string, search: { has(name: string): boolean }): boolean {
  const target = clinicLinkPath(pathname);
  return target !== null && !(target.page === 'reception' && search.has('return'));
}
