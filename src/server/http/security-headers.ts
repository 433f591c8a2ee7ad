import fs from 'node:fs';
import path from 'node:path';
import type { MiddlewareHandler } from 'hono';

/**
 * The build writes the hashes of the few inline scripts @vitejs/plugin-legacy needs (module
 * detection and the SystemJS loader) to `csp-hashes.json`; only those are allowed, never
 * 'unsafe-inline'.
 */
export function readScriptHashes(staticDir: string): string[] {
  try {
    const hashes: unknown = JSON.parse(fs.readFileSync(path.join(staticDir, 'csp-hashes.json'), 'utf8'));
    return Array.isArray(hashes) ? hashes.filter((h): h is string => typeof h === 'string' && /^[A-Za-z0-9+/=]+$/.test(h)) : [];
  } catch {
    return [];
  }
}

export function contentSecurityPolicy(scriptHashes: readonly string[]): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${scriptHashes.map((h) => `'sha256-${h}'`).join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(scriptHashes: readonly string[]): MiddlewareHandler {
  const csp = contentSecurityPolicy(scriptHashes);
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('Content-Security-Policy', csp);
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    // Institution links carry their token in the path: never send it on to another site.
    h.set('Referrer-Policy', 'no-referrer');
    h.set('Permissions-Policy', 'camera=(self), microphone=(), geolocation=(), payment=()');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    h.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}
