import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.ts';
import { readConfig } from '../../src/server/config.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';

/**
 * Issue 7 §1 (front end): the build writes Brotli and gzip copies beside each text file
 * (vite.config.ts `precompress`) and the server picks the one the browser accepts; on a clinic
 * link the HTML names the reception chunks so they load with the entry. Runs over a small
 * built-app directory laid out as the build leaves it; the browser test
 * (tests/e2e/bundle-budget.spec.ts) checks the real build is served compressed.
 */
describe('static delivery: pre-compressed files and route preloads', () => {
  // Text that compresses, as built JS does.
  const script = Array.from({ length: 400 }, (_, i) => `export const label${i} = "受付の文言 ${i}";`).join('\n');
  let t: TestApp;
  let dir: string;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    t = await createTestApp();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-dist-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><html><head><title>在宅受付</title><script type="module" src="/assets/index-AbCd1234.js"></script>' +
        '<link rel="modulepreload" crossorigin href="/assets/shared-Qw3rTy12.js"></head><body></body></html>',
    );
    // Vite's build manifest, as `build.manifest` writes it: the reception chunk imports the
    // entry, a chunk the entry already preloads, and two of its own (one through the other).
    fs.mkdirSync(path.join(dir, '.vite'));
    fs.writeFileSync(
      path.join(dir, '.vite/manifest.json'),
      JSON.stringify({
        'index.html': { file: 'assets/index-AbCd1234.js', isEntry: true, imports: ['_shared-Qw3rTy12.js'], dynamicImports: ['reception/reception-page.tsx'] },
        '_shared-Qw3rTy12.js': { file: 'assets/shared-Qw3rTy12.js' },
        'reception/reception-page.tsx': { file: 'assets/reception-page-Rc1pT0n9.js', isDynamicEntry: true, imports: ['index.html', '_shared-Qw3rTy12.js', '_format-Fm7tAb12.js'] },
        '_format-Fm7tAb12.js': { file: 'assets/format-Fm7tAb12.js', imports: ['_era-Er4De5Fg.js'] },
        '_era-Er4De5Fg.js': { file: 'assets/era-Er4De5Fg.js' },
        'pages/staff-page.tsx': { file: 'assets/staff-page-St4ffP9e.js', isDynamicEntry: true },
      }),
    );
    fs.writeFileSync(path.join(dir, 'csp-hashes.json'), '[]');
    fs.writeFileSync(path.join(dir, 'assets/index-AbCd1234.js'), script);
    fs.writeFileSync(path.join(dir, 'assets/index-AbCd1234.js.br'), zlib.brotliCompressSync(script));
    fs.writeFileSync(path.join(dir, 'assets/index-AbCd1234.js.gz'), zlib.gzipSync(script));
    fs.writeFileSync(path.join(dir, 'assets/small-Zx_9-8yQ.css'), 'body{}');
    const config = { ...readConfig({ DATA_DIR: t.dataDir }), staticDir: dir };
    app = createApp({ db: t.db, dialect: t.dialect, config, schemaVersion: t.schemaVersion, national: t.national, secrets: t.secrets, now: t.clock.now, serveStatic: true });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const get = (file: string, acceptEncoding?: string) =>
    app.request(file, acceptEncoding === undefined ? undefined : { headers: { 'accept-encoding': acceptEncoding } });

  it('sends the Brotli copy to a browser that accepts it, as JavaScript, cached for good', async () => {
    const res = await get('/assets/index-AbCd1234.js', 'gzip, deflate, br, zstd');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript|^application\/javascript/);
    expect(res.headers.get('vary')).toMatch(/Accept-Encoding/i);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBeLessThan(Buffer.byteLength(script) / 3);
    expect(zlib.brotliDecompressSync(body).toString('utf8')).toBe(script);
  });

  it('sends gzip when that is all the browser accepts', async () => {
    const res = await get('/assets/index-AbCd1234.js', 'gzip');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(zlib.gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8')).toBe(script);
  });

  it('sends the plain file otherwise, still marked as varying by encoding', async () => {
    const res = await get('/assets/index-AbCd1234.js');
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/Accept-Encoding/i);
    expect(await res.text()).toBe(script);
  });

  it('names the reception chunks in the HTML of a clinic link, and only there', async () => {
    const preloads = async (page: string) => {
      const html = await (await app.request(page)).text();
      return [...html.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)"( fetchpriority="low")?>/g)].map((m) => m[1]).sort();
    };
    // The route's chunks wait behind the stylesheet, which is all a drawn page needs to paint.
    const lowPriority = async (page: string) =>
      [...(await (await app.request(page)).text()).matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)" fetchpriority="low">/g)].map((m) => m[1]).sort();
    const entryOnly = ['/assets/shared-Qw3rTy12.js'];
    const reception = ['/assets/era-Er4De5Fg.js', '/assets/format-Fm7tAb12.js', '/assets/reception-page-Rc1pT0n9.js', '/assets/shared-Qw3rTy12.js'];
    expect(await preloads('/i/some-clinic-token')).toEqual(reception);
    expect(await preloads('/i/some-clinic-token/')).toEqual(reception);
    expect(await lowPriority('/i/some-clinic-token')).toEqual(reception.filter((file) => !entryOnly.includes(file)));
    for (const page of ['/', '/staff', '/i/some-clinic-token/fallback', '/card-app']) expect(await preloads(page), page).toEqual(entryOnly);
  });

  it('never sends a compressed copy older than its file (a hand-patched build)', async () => {
    const file = path.join(dir, 'assets/patched-Pa7cHed1.js');
    fs.writeFileSync(file, `${script}\n// old`);
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(`${script}\n// old`));
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(`${script}\n// old`));
    fs.writeFileSync(file, `${script}\n// patched`);
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(`${file}.br`, past, past);
    fs.utimesSync(`${file}.gz`, past, past);
    const res = await get('/assets/patched-Pa7cHed1.js', 'br, gzip');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.text()).toBe(`${script}\n// patched`);
  });

  it('sends a file without compressed copies as it is', async () => {
    const res = await get('/assets/small-Zx_9-8yQ.css', 'br, gzip');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.text()).toBe('body{}');
  });
});
