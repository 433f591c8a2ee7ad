import type { InstitutionRow } from '../institution/institution.table.ts';
import { ReturnUrlNotAllowedError } from './registration-errors.ts';

/**
 * Return addresses of telemedicine apps: honoured only when they start with a prefix on the
 * institution's allow-list, compared as parsed URLs so that `https://app.example.evil` does not
 * pass for `https://app.example`.
 */
export function isReturnUrlAllowed(candidate: string, allowedPrefixes: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && url.hostname === 'localhost')) return false;
  if (url.username || url.password) return false;
  return allowedPrefixes.some((prefix) => {
    let allowed: URL;
    try {
      allowed = new URL(prefix);
    } catch {
      return false;
    }
    if (allowed.origin !== url.origin) return false;
    const base = allowed.pathname.endsWith('/') ? allowed.pathname : `${allowed.pathname}/`;
    return url.pathname === allowed.pathname || url.pathname.startsWith(base) || allowed.pathname === '/';
  });
}

/** The institution's allow-list of app return addresses, one per line in its settings. */
export function allowedReturnUrls(institution: Pick<InstitutionRow, 'allowed_return_urls'>): string[] {
  return institution.allowed_return_urls.split('\n').map((s) => s.trim()).filter(Boolean);
}

/** R1: an app's return address must be on the institution's allow-list. */
export function assertReturnUrlAllowed(returnUrl: string, institution: Pick<InstitutionRow, 'allowed_return_urls'>): void {
  if (!isReturnUrlAllowed(returnUrl, allowedReturnUrls(institution))) throw new ReturnUrlNotAllowedError();
}
