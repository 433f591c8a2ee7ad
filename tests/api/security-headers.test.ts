import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.ts';
import { readConfig } from '../../src/server/config.ts';
import { contentSecurityPolicy, readScriptHashes } from '../../src/server/http/security-headers.ts';
import { createTestApp, jsonRequest, loginAs, type TestApp } from './support/test-app.ts';

/**
 * Issue 7 §4: the security headers on every kind of response — the HTML shell, JSON answers,
 * JSON errors (401, 404, 413, 415, 429), the service worker, hashed and unhashed static assets,
 * icons, the manifest and the card simulator's API — and the caching rule of each. Runs over a
 * small built-app directory of the same layout as dist/ (so it needs no build), and over the real
 * dist/ as well when it has been built.
 */

const FAKE_HASH = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/ABCDE=';

function fakeDist(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-dist-'));
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  };
  write('index.html', '<!doctype html><title>在宅受付</title><script type="module" src="/assets/index-AbCd1234.js"></script>');
  write('sw.js', 'self.addEventListener("fetch", () => {});');
  write('manifest.webmanifest', '{"name":"在宅受付"}');
  write('robots.txt', 'User-agent: *\nDisallow: /\n');
  write('csp-hashes.json', JSON.stringify([FAKE_HASH]));
  write('assets/index-AbCd1234.js', 'console.log(1);');
  write('assets/index-legacy-Zx_9-8yQ.js', 'console.log(2);');
  write('assets/index-CzV7rcAH.css', 'body{}');
  write('assets/modern-check.js', 'if(!import.meta.resolve)throw Error("x");');
  write('icons/icon-192.png', '\x89PNG');
  write('icons/icon.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

type Kind = 'html' | 'sw' | 'hashed' | 'revalidated' | 'api' | 'error';

const SHARED_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(self), microphone=(), geolocation=(), payment=()',
  'cross-origin-opener-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};

function expectHeaders(res: Response, kind: Kind, csp: string, what: string): void {
  const h = res.headers;
  expect(h.get('content-security-policy'), what).toBe(csp);
  for (const [name, value] of Object.entries(SHARED_HEADERS)) expect(h.get(name), `${what}: ${name}`).toBe(value);
  const cache = h.get('cache-control');
  switch (kind) {
    case 'html':
    case 'sw':
    case 'revalidated':
      expect(cache, what).toBe('no-cache');
      break;
    case 'hashed':
      expect(cache, what).toBe('public, max-age=31536000, immutable');
      break;
    case 'api':
    case 'error':
      expect(cache, what).toBe('no-store');
      expect(h.get('content-type'), what).toMatch(/^application\/json/);
      break;
  }
}

describe.each([
  { name: 'a dist/-shaped directory', real: false },
  { name: 'the real dist/ (after npm run build)', real: true },
])('security headers over $name', ({ real }) => {
  const distDir = path.resolve('dist');
  const built = fs.existsSync(path.join(distDir, 'index.html'));
  let t: TestApp;
  let app: ReturnType<typeof createApp>;
  let staticDir: string;
  let csp: string;

  beforeAll(async () => {
    if (real && !built) return;
    t = await createTestApp();
    staticDir = real ? distDir : fakeDist();
    const base = readConfig({ DATA_DIR: t.dataDir, PUBLIC_URL: 'https://zaitaku.example' });
    // One failed login per account, so that a 429 is one request away.
    const config = { ...base, staticDir, rateLimits: { ...base.rateLimits, loginPerAccount: { limit: 1, windowMs: 60_000 } } };
    app = createApp({ db: t.db, dialect: t.dialect, config, schemaVersion: t.schemaVersion, national: t.national, secrets: t.secrets, now: t.clock.now, serveStatic: true });
    csp = contentSecurityPolicy(readScriptHashes(staticDir));
  }, 60_000);
  afterAll(async () => {
    if (real && !built) return;
    await t.close();
    if (!real) fs.rmSync(staticDir, { recursive: true, force: true });
  });

  it.skipIf(real && !built)('puts the build\'s inline-script hashes, and nothing unsafe, in the CSP', () => {
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|data:[^;]*script|\*/);
    if (!real) expect(csp).toContain(`'sha256-${FAKE_HASH}'`);
  });

  it.skipIf(real && !built)('HTML pages: the shell at /, deep links, and the patient and staff routes', async () => {
    for (const page of ['/', '/index.html', '/staff', '/staff/consents/123', '/r/e2e-demo-link-token-0001', '/card-app']) {
      const res = await app.request(page);
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-type'), page).toMatch(/^text\/html/);
      expectHeaders(res, 'html', csp, page);
    }
  });

  it.skipIf(real && !built)('the service worker is revalidated on every load', async () => {
    const res = await app.request('/sw.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expectHeaders(res, 'sw', csp, '/sw.js');
  });

  it.skipIf(real && !built)('every static file: hashed assets immutable, everything else revalidated', async () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else files.push(`/${path.relative(staticDir, full).split(path.sep).join('/')}`);
      }
    };
    walk(staticDir);
    expect(files.some((f) => f.endsWith('.css'))).toBe(true);
    expect(files.some((f) => f.startsWith('/icons/'))).toBe(true);
    // The build's own folders (.ssr: the server-rendering bundle, .vite: the manifest) are the server's, not the web's.
    const internal = files.filter((f) => f.startsWith('/.'));
    for (const file of internal) expect((await app.request(file)).status, file).toBe(404);
    for (const file of files.filter((f) => !internal.includes(f))) {
      const res = await app.request(file);
      expect(res.status, file).toBe(200);
      // Only a file whose name carries a content hash may be cached for good.
      const hashed = /^\/assets\/.+-[A-Za-z0-9_-]{8}\.(?:js|css)$/.test(file);
      expectHeaders(res, hashed ? 'hashed' : 'revalidated', csp, file);
    }
  });

  it.skipIf(real && !built)('JSON answers and JSON errors of the API', async () => {
    const cookie = await loginAs(t, 'clerk');
    const cases: [string, RequestInit | undefined, number][] = [
      ['/api/health', undefined, 200],
      ['/api/staff/me', { headers: { cookie } }, 200],
      ['/api/staff/me', undefined, 401],
      ['/api/nothing-here', undefined, 404],
      ['/api/staff/login', { method: 'POST', body: 'x' }, 415],
      ['/api/staff/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(1024 * 1024 + 10)}"` }, 413],
      ['/api/staff/login', jsonRequest('POST', { loginId: 'someone', password: 'wrong' }), 401],
      // The test limit allows one failure per account: the next answer is 429.
      ['/api/staff/login', jsonRequest('POST', { loginId: 'someone', password: 'wrong' }), 429],
    ];
    for (const [url, init, status] of cases) {
      const res = await app.request(url, init);
      expect(res.status, url).toBe(status);
      expectHeaders(res, status < 400 ? 'api' : 'error', csp, `${url} ${status}`);
      if (status === 429) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
  });

  it.skipIf(real && !built)('the card simulator\'s API', async () => {
    for (const [url, init, status] of [
      ['/sim/api/cards', undefined, 200],
      ['/sim/api/cards/none/sign', jsonRequest('POST', { pin: 'x' }), 422],
      ['/sim/api/nothing', undefined, 404],
    ] as const) {
      const res = await app.request(url, init);
      expect(res.status, url).toBe(status);
      expectHeaders(res, status < 400 ? 'api' : 'error', csp, url);
    }
  });

  it.skipIf(real && !built)('a missing file is a 404 that still carries the headers', async () => {
    const res = await app.request('/assets/missing-AbCd1234.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toBe(csp);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Not cached for a year: the file may exist after the next deploy.
    expect(res.headers.get('cache-control') ?? '').not.toContain('immutable');
  });
});
