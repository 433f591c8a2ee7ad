import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import preact from '@preact/preset-vite';
import legacy from '@vitejs/plugin-legacy';
import { build, defineConfig, type Plugin } from 'vite';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const OUT_DIR = path.join(ROOT, 'dist');
const MANIFEST_FILE = path.join(ROOT, 'manifest.webmanifest');

/** Serves and emits the top-level manifest.webmanifest, refusing a build that lacks a PWA field. */
function webManifest(): Plugin {
  const read = () => {
    const text = fs.readFileSync(MANIFEST_FILE, 'utf8');
    const manifest = JSON.parse(text) as Record<string, unknown>;
    for (const key of ['name', 'short_name', 'lang', 'start_url', 'scope', 'display', 'icons']) {
      if (!(key in manifest)) throw new Error(`manifest.webmanifest: "${key}" is missing`);
    }
    return text;
  };
  return {
    name: 'web-manifest',
    configureServer(server) {
      server.middlewares.use('/manifest.webmanifest', (_req, res) => {
        res.setHeader('Content-Type', 'application/manifest+json');
        res.end(read());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'manifest.webmanifest', source: read() });
    },
  };
}

/**
 * Keeps the Content-Security-Policy strict: no 'unsafe-inline' and no data: scripts.
 *
 * plugin-legacy tells modern from legacy browsers by importing a `data:` module that throws when
 * `import.meta.resolve` is missing. A CSP without data: blocks that import, and every browser
 * then falls back to the large legacy bundles. The same check is served as a same-origin file
 * instead, which the CSP allows. The hashes of the few inline scripts left in index.html (the
 * legacy loader) are written to csp-hashes.json for the server's header.
 */
function strictCsp(): Plugin {
  const CHECK_FILE = 'assets/modern-check.js';
  const dataImport = /import\s*(['"])data:text\/javascript,(?:"[^"]*";)?if\(!import\.meta\.resolve\)throw Error\("import\.meta\.resolve not supported"\)\1/g;
  const inlineScript = /<script\b[^>]*>([\s\S]*?)<\/script>/g;
  return {
    name: 'strict-csp',
    apply: 'build',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        let replaced = 0;
        for (const file of Object.values(bundle)) {
          if (file.type === 'chunk') {
            file.code = file.code.replace(dataImport, () => (replaced++, `import'/${CHECK_FILE}'`));
          } else if (file.fileName.endsWith('.html') && typeof file.source === 'string') {
            file.source = file.source.replace(dataImport, () => (replaced++, `import'/${CHECK_FILE}'`));
            const hashes = [...file.source.matchAll(inlineScript)]
              .map((m) => m[1] ?? '')
              .filter((body) => body.trim() !== '')
              .map((body) => createHash('sha256').update(body).digest('base64'));
            this.emitFile({ type: 'asset', fileName: 'csp-hashes.json', source: JSON.stringify(hashes) });
          }
        }
        if (replaced > 0) {
          this.emitFile({
            type: 'asset',
            fileName: CHECK_FILE,
            source: 'if(!import.meta.resolve)throw Error("import.meta.resolve not supported");\n',
          });
        }
      },
    },
  };
}

/** Which built files the service worker precaches: the modern shell, not the legacy bundles. */
function precacheEntries(outDir: string): { url: string; revision: string | null }[] {
  const files = fs.readdirSync(outDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const entries: { url: string; revision: string | null }[] = [];
  for (const entry of files) {
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(outDir, full).split(path.sep).join('/');
    if (rel.startsWith('.ssr/') || rel.startsWith('.vite/') || rel === 'sw.js' || rel === 'csp-hashes.json' || rel === 'robots.txt' || /-legacy[-.]/.test(rel)) continue;
    if (!/\.(html|js|css|webmanifest|png|svg|woff2)$/.test(rel)) continue;
    // Files under assets/ carry a content hash in their names; the rest get one as a revision.
    const revision = rel.startsWith('assets/') ? null : createHash('sha256').update(fs.readFileSync(full)).digest('hex').slice(0, 16);
    entries.push({ url: `/${rel}`, revision });
  }
  return entries.sort((a, b) => a.url.localeCompare(b.url));
}

/**
 * A plugin that runs `work` once the app's build has written dist/. closeBundle also runs when
 * the app build failed; there is then nothing to work on.
 */
function afterAppBuild(name: string, work: () => Promise<void> | void): Plugin {
  return {
    name,
    apply: 'build',
    closeBundle: {
      sequential: true,
      order: 'post',
      async handler(error?: Error) {
        if (error || !fs.existsSync(path.join(OUT_DIR, 'index.html'))) return;
        await work();
      },
    },
  };
}

/** What every build run from a plugin shares: no config file of its own, no public dir, quiet. */
const SUB_BUILD = { configFile: false, logLevel: 'warn', publicDir: false } as const;

/** After the app is written, builds sw/ into dist/sw.js with the precache list filled in. */
function serviceWorker(): Plugin {
  return afterAppBuild('service-worker', async () => {
    await build({
      ...SUB_BUILD,
      define: {
        __PRECACHE_MANIFEST__: JSON.stringify(precacheEntries(OUT_DIR)),
        'process.env.NODE_ENV': JSON.stringify('production'),
      },
      build: {
        outDir: OUT_DIR,
        emptyOutDir: false,
        copyPublicDir: false,
        target: 'es2017',
        minify: true,
        lib: {
          entry: path.join(ROOT, 'sw/index.ts'),
          formats: ['iife'],
          name: 'zaitakuServiceWorker',
          fileName: () => 'sw.js',
        },
      },
    });
  });
}

/** Where the server-rendering bundle goes: inside dist, never served (src/server/http/static.ts). */
const SSR_DIR = '.ssr';

/**
 * After the app is written, builds src/app/ssr/render-clinic-link.tsx for Node into dist/.ssr/:
 * the server renders a clinic link's first screen with the app's own components (issue 18 #1).
 * Dependencies stay external (the server resolves them from node_modules), so the app and its
 * server rendering share one Preact.
 */
function serverRendering(): Plugin {
  return afterAppBuild('server-rendering', async () => {
    await build({
      ...SUB_BUILD,
      root: path.join(ROOT, 'src/app'),
      plugins: [preact()],
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        ssr: path.join(ROOT, 'src/app/ssr/render-clinic-link.tsx'),
        outDir: path.join(OUT_DIR, SSR_DIR),
        emptyOutDir: true,
        copyPublicDir: false,
        target: 'node24',
        minify: false,
        rollupOptions: { output: { entryFileNames: 'render-clinic-link.js' } },
      },
    });
  });
}

/** Files the server sends compressed when the browser accepts it (text, not images or fonts). */
const COMPRESSIBLE = /\.(html|js|css|svg|webmanifest|json)$/;

/**
 * Writes a Brotli (`.br`) and a gzip (`.gz`) copy beside every compressible built file, so the
 * server sends pre-compressed bytes (serveStatic `precompressed`) at no cost per request: the
 * patient's phone on a mobile network downloads a third of the bytes. Runs after the service
 * worker is built so sw.js is compressed too; the precache list only names the originals.
 */
function precompress(): Plugin {
  return afterAppBuild('precompress', () => {
    const files = fs
      .readdirSync(OUT_DIR, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && COMPRESSIBLE.test(e.name) && !e.parentPath.includes(`${path.sep}${SSR_DIR}`));
    for (const entry of files) {
      const full = path.join(entry.parentPath, entry.name);
      const source = fs.readFileSync(full);
      // Below about a kilobyte the headers outweigh what compression saves.
      if (source.length < 1024) continue;
      const br = zlib.brotliCompressSync(source, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: source.length },
      });
      const gz = zlib.gzipSync(source, { level: 9 });
      if (br.length < source.length) fs.writeFileSync(`${full}.br`, br);
      if (gz.length < source.length) fs.writeFileSync(`${full}.gz`, gz);
    }
  });
}

export default defineConfig({
  root: path.join(ROOT, 'src/app'),
  publicDir: path.join(ROOT, 'public'),
  plugins: [
    preact(),
    legacy({ targets: ['defaults', 'chrome >= 64', 'safari >= 12', 'ios >= 12', 'not dead'] }),
    webManifest(),
    strictCsp(),
    serviceWorker(),
    serverRendering(),
    precompress(),
  ],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    sourcemap: false,
    // The server reads it to name a route's chunks in the HTML it sends (src/server/http/static.ts).
    manifest: true,
  },
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
});
