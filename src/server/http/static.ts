import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';

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

export function serveApp(app: Hono<AppEnv>, staticDir: string): void {
  const root = path.relative(process.cwd(), staticDir) || '.';
  app.use('/*', async (c, next) => {
    await next();
    if (c.res.status !== 200 || c.res.headers.has('Cache-Control')) return;
    c.res.headers.set('Cache-Control', HASHED_ASSET.test(c.req.path) ? 'public, max-age=31536000, immutable' : 'no-cache');
  });
  app.use('/*', serveStatic({ root }));
  const shell = path.join(staticDir, 'index.html');
  app.get('/*', (c) => {
    if (!fs.existsSync(shell)) return c.text('The app has not been built. Run `npm run build`.', 503);
    // A missing file with an extension is a real 404, not a page of the app.
    if (/\.[a-z0-9]+$/i.test(c.req.path)) return c.text('Not found', 404);
    return c.html(fs.readFileSync(shell, 'utf8'));
  });
}
