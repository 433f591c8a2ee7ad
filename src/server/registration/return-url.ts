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
