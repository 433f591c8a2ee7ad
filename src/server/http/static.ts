import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';
import { clinicLinkPage } from '../registration/clinic-link-page.ts';
import { clinicLinkPath, type ClinicLinkPage } from '../../domain/registration/clinic-link-path.ts';

/**
 * Serves the built app. Hashed files under /assets never change, so they are cached for a year;
 * everything else (index.html, sw.js, the manifest) is revalidated on every load so that a new
 * version is found. Any other page path gets the app shell, and the app's router takes over.
 */
/**
 * A build file whose name carries its content hash (Vite: `name-AbCd1234.js`). Unhashed files
 * under /assets (the build's `modern-check.js`) would otherwise be kept a year even if a later
 * build changed them (found by tests/api/security-headers.test.ts).
 */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8}\.(?:js|css)$/;

/** Paths the build may have pre-compressed copies of (see vite.config.ts `precompress`). */
const COMPRESSIBLE_PATH = /\.(?:html|js|css|svg|webmanifest|json)$/;

export function serveApp(app: Hono<AppEnv>, staticDir: string): void {
  const root = path.relative(process.cwd(), staticDir) || '.';
  app.use('/*', async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    // A cache between us and the browser must keep compressed and plain copies apart.
    if (COMPRESSIBLE_PATH.test(c.req.path) && !c.res.headers.has('Vary')) c.res.headers.set('Vary', 'Accept-Encoding');
    if (c.res.headers.has('Cache-Control')) return;
    c.res.headers.set('Cache-Control', HASHED_ASSET.test(c.req.path) ? 'public, max-age=31536000, immutable' : 'no-cache');
  });
  // The build's own folders (.ssr: the server-rendering bundle, .vite: the manifest) are the
  // server's to read, not the web's.
  app.use('/.*', async (c) => c.text('Not found', 404));
  // The build writes .br and .gz beside each text file (vite.config.ts `precompress`).
  const compressed = serveStatic({ root, precompressed: true });
  const plain = serveStatic({ root });
  app.use('/*', (c, next) => (hasStaleCopy(staticDir, c.req.path) ? plain(c, next) : compressed(c, next)));
  const shell = path.join(staticDir, 'index.html');
  app.get('/*', async (c) => {
    if (!fs.existsSync(shell)) return c.text('The app has not been built. Run `npm run build`.', 503);
    // A missing file with an extension is a real 404, not a page of the app.
    if (/\.[a-z0-9]+$/i.test(c.req.path)) return c.text('Not found', 404);
    const html = fs.readFileSync(shell, 'utf8');
    const target = clinicLinkPath(c.req.path);
    if (!target) return c.html(html);
    let token: string;
    try {
      token = decodeURIComponent(target.encodedToken);
    } catch {
      return c.html(html); // A mangled link: the app says so.
    }
    return c.html(await clinicLinkPage(c, token, withPreloads(html, routeChunks(staticDir, PAGE_CHUNKS[target.page])), staticDir));
  });
}

/**
 * True when a file was changed after its compressed copies were written (a hand-patched build):
 * the stale copy must not be sent in its place.
 */
function hasStaleCopy(staticDir: string, urlPath: string): boolean {
  if (!COMPRESSIBLE_PATH.test(urlPath)) return false;
  let file: string;
  try {
    file = path.join(staticDir, decodeURIComponent(urlPath));
  } catch {
    return false; // serveStatic refuses such a path itself
  }
  if (!file.startsWith(staticDir + path.sep)) return false;
  const mtime = (f: string) => fs.statSync(f, { throwIfNoEntry: false })?.mtimeMs;
  const original = mtime(file);
  if (original === undefined) return false;
  return ['.br', '.gz'].some((ext) => {
    const copy = mtime(file + ext);
    return copy !== undefined && copy < original;
  });
}

/** Each drawn page's source, as the build manifest names it (relative to src/app). */
const PAGE_CHUNKS: Record<ClinicLinkPage, string> = {
  reception: 'reception/reception-page.tsx',
  fallback: 'fallback/fallback-page.tsx',
};

interface ManifestChunk {
  file: string;
  imports?: string[];
}

let manifestCache: { path: string; mtimeMs: number; chunks: Record<string, ManifestChunk> } | null = null;

/**
 * The built files one lazy route needs, from Vite's build manifest: the route's chunk and every
 * chunk it imports, in no particular order. Empty when the build has no manifest.
 */
function routeChunks(staticDir: string, source: string): string[] {
  const file = path.join(staticDir, '.vite/manifest.json');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return [];
  }
  if (!manifestCache || manifestCache.path !== file || manifestCache.mtimeMs !== stat.mtimeMs) {
    manifestCache = { path: file, mtimeMs: stat.mtimeMs, chunks: JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, ManifestChunk> };
  }
  const chunks = manifestCache.chunks;
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = chunks[key];
    // index.html is the entry itself, already in the page.
    if (!chunk || key === 'index.html' || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(source);
  return [...files];
}

/**
 * Names a route's chunks in the page's head, so the phone fetches them alongside the entry
 * instead of one round trip after it (the reception is a lazy chunk: staff screens and the
 * simulator stay out of the patient's download). Files the page already names are left out.
 * At low priority: on a drawn page the screen needs only the stylesheet to paint, and the scripts
 * (which only take the screen over) must not share a slow link with it. Measured with Lighthouse's
 * simulated mobile link, 3 runs each: FCP 1,471–1,565 ms → 1,109–1,174 ms.
 */
function withPreloads(html: string, files: string[]): string {
  const links = files
    .filter((file) => !html.includes(`/${file}"`))
    .map((file) => `<link rel="modulepreload" crossorigin href="/${file}" fetchpriority="low">`)
    .join('');
  return links ? html.replace('</head>', `${links}</head>`) : html;
}
