import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser, Page } from '@playwright/test';
import { chromium } from '@playwright/test';
import { DEMO_LINK_TOKEN, freePort, prepareDataDir, ROOT, startServer } from './support.ts';

/**
 * Front-end weight per route and a Lighthouse run. The weight of a route is what Chromium
 * actually requests while the route loads (empty cache; the service worker's precache fetches are not the page's requests and are not counted), each file
 * measured as gzip -9 of the built file in dist/: deterministic for a given build, and it follows
 * lazy chunks without knowing the bundler's chunk graph. The budget test (tests/e2e/
 * bundle-budget.spec.ts) uses the same measurement.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const DIST = path.join(ROOT, 'dist');

export interface RouteWeight {
  name: string;
  path: string;
  jsGzip: number;
  /** JS the first screen needs: the document's module script and the files it preloads (issue 18). */
  firstScreenJsGzip: number;
  cssGzip: number;
  /** Bytes on the wire for every response of the load, headers included, as the server sent them (Brotli where it could). */
  wireBytes: number;
  files: number;
  assets: Array<{ url: string; gzip: number }>;
}

const gzipCache = new Map<string, number>();
/** gzip -9 size of a built file, by its URL path; 0 for anything not in dist/. */
export function gzipSizeOf(urlPath: string): number {
  const file = path.join(DIST, decodeURIComponent(urlPath));
  if (!file.startsWith(DIST) || !fs.existsSync(file)) return 0;
  let size = gzipCache.get(file);
  if (size === undefined) {
    size = zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
    gzipCache.set(file, size);
  }
  return size;
}

/**
 * Loads a route and sums the gzipped JS and CSS it requested until the network went idle, the
 * part of that JS the first screen needs (named in the document itself), and the bytes that
 * crossed the wire for every response.
 */
export async function measureRoute(page: Page, url: string, name: string, ready?: (page: Page) => Promise<void>): Promise<RouteWeight> {
  const seen = new Set<string>();
  const sizes: Promise<number>[] = [];
  page.on('request', (req) => {
    const type = req.resourceType();
    if (type === 'script' || type === 'stylesheet') seen.add(new URL(req.url()).pathname);
  });
  page.on('requestfinished', (req) => {
    sizes.push(req.sizes().then((s) => s.responseBodySize + s.responseHeadersSize, () => 0));
  });
  const response = await page.goto(url, { waitUntil: 'networkidle' });
  if (ready) await ready(page);
  const html = (await response?.text()) ?? '';
  const named = [...html.matchAll(/<(?:script type="module"[^>]*\bsrc|link rel="modulepreload"[^>]*\bhref)="([^"]+\.js)"/g)].map((m) => m[1]!);
  const assets = [...seen].sort().map((u) => ({ url: u, gzip: gzipSizeOf(u) }));
  return {
    name,
    path: new URL(url).pathname,
    jsGzip: assets.filter((a) => a.url.endsWith('.js')).reduce((s, a) => s + a.gzip, 0),
    firstScreenJsGzip: [...new Set(named)].reduce((s, file) => s + gzipSizeOf(file), 0),
    cssGzip: assets.filter((a) => a.url.endsWith('.css')).reduce((s, a) => s + a.gzip, 0),
    wireBytes: (await Promise.all(sizes)).reduce((s, n) => s + n, 0),
    files: assets.length,
    assets,
  };
}

async function routeWeights(browser: Browser, base: string, staffCookie: string): Promise<RouteWeight[]> {
  const out: RouteWeight[] = [];
  const fresh = async (viewport: { width: number; height: number }, cookie?: string) => {
    const context = await browser.newContext({ viewport, locale: 'ja-JP' });
    if (cookie) {
      const [name, value] = cookie.split('=') as [string, string];
      await context.addCookies([{ name, value, url: base }]);
    }
    return context;
  };
  const routes: Array<{ name: string; path: string; viewport: { width: number; height: number }; staff?: boolean }> = [
    { name: 'patient', path: `/i/${DEMO_LINK_TOKEN}`, viewport: { width: 412, height: 915 } },
    // The nurse's tablet: the same link, signed in as staff.
    { name: 'tablet', path: `/i/${DEMO_LINK_TOKEN}`, viewport: { width: 1280, height: 800 }, staff: true },
    { name: 'staff', path: '/staff', viewport: { width: 1440, height: 900 }, staff: true },
    { name: 'fallback', path: `/i/${DEMO_LINK_TOKEN}/fallback`, viewport: { width: 1280, height: 800 } },
  ];
  for (const route of routes) {
    const context = await fresh(route.viewport, route.staff ? staffCookie : undefined);
    const page = await context.newPage();
    out.push(await measureRoute(page, `${base}${route.path}`, route.name));
    await context.close();
  }
  return out;
}

export interface LighthouseFigures {
  score: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  fcpMs: number;
  /**
   * The INP proxy (issue 18 #4): Lighthouse's Max Potential First Input Delay, the longest main-
   * thread task after the first paint, which is what an early tap would wait for. A page load has
   * no interaction, so INP itself cannot be measured here.
   */
  inpProxyMs: number;
}

/** Lighthouse's mobile preset (simulated throttling) on one URL, with Debian's Chromium. */
export async function lighthouseRun(url: string): Promise<LighthouseFigures> {
  const { default: lighthouse } = await import('lighthouse');
  const chromeLauncher = await import('chrome-launcher');
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
  try {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
    if (!result) throw new Error('Lighthouse returned nothing');
    const audits = result.lhr.audits;
    const value = (id: string) => Number(audits[id]?.numericValue ?? NaN);
    return {
      score: result.lhr.categories.performance?.score ?? NaN,
      lcpMs: value('largest-contentful-paint'),
      tbtMs: value('total-blocking-time'),
      cls: value('cumulative-layout-shift'),
      fcpMs: value('first-contentful-paint'),
      inpProxyMs: value('max-potential-fid'),
    };
  } finally {
    chrome.kill();
  }
}

/** Lighthouse runs per bench: a single simulated run moves by a few hundred ms from one to the next. */
const LIGHTHOUSE_RUNS = 3;

/** Each figure's median over the runs (figure by figure), and every run for the JSON. */
async function lighthouseMedian(url: string): Promise<{ median: LighthouseFigures; runs: LighthouseFigures[] }> {
  const runs: LighthouseFigures[] = [];
  for (let i = 0; i < LIGHTHOUSE_RUNS; i++) runs.push(await lighthouseRun(url));
  const median = (pick: (run: LighthouseFigures) => number) => {
    const sorted = runs.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  return {
    median: {
      score: median((r) => r.score),
      lcpMs: median((r) => r.lcpMs),
      tbtMs: median((r) => r.tbtMs),
      cls: median((r) => r.cls),
      fcpMs: median((r) => r.fcpMs),
      inpProxyMs: median((r) => r.inpProxyMs),
    },
    runs,
  };
}

export interface FrontEndReport {
  routes: RouteWeight[];
  /** Each figure's median over LIGHTHOUSE_RUNS runs. */
  lighthouse: LighthouseFigures | null;
  lighthouseRuns?: LighthouseFigures[];
  lighthouseError?: string;
  /**
   * Issue 18: the demo link in a tablet-size Chromium, no throttling, warm server, empty cache:
   * first contentful paint after the request started (performance paint timing), median of 5.
   */
  tabletFirstPaintMs: number | null;
}

/** First contentful paint of `url` at the tablet's size in fresh contexts (empty cache), median of `runs`. */
async function tabletFirstPaint(browser: Browser, url: string, runs = 5): Promise<number | null> {
  const times: number[] = [];
  // One visit first, so the server has rendered this link before (a warm server).
  for (let i = 0; i <= runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1.5, locale: 'ja-JP', serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const fcp = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          new PerformanceObserver((list) => {
            const entry = list.getEntriesByName('first-contentful-paint')[0];
            if (entry) resolve(entry.startTime);
          }).observe({ type: 'paint', buffered: true });
        }),
    );
    if (i > 0) times.push(fcp);
    await context.close();
  }
  times.sort((a, b) => a - b);
  return times.length > 0 ? times[Math.floor(times.length / 2)]! : null;
}

export async function frontEndReport(workDir: string): Promise<FrontEndReport> {
  const dataDir = path.join(workDir, 'frontend');
  const [inst] = await prepareDataDir(dataDir, 0);
  const server = await startServer({ dataDir, port: await freePort() });
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--disable-gpu', '--no-sandbox'] });
    let routes: RouteWeight[];
    let tabletFirstPaintMs: number | null;
    try {
      routes = await routeWeights(browser, server.url, inst!.cookie);
      tabletFirstPaintMs = await tabletFirstPaint(browser, `${server.url}/i/${DEMO_LINK_TOKEN}`);
    } finally {
      await browser.close();
    }
    try {
      const { median, runs } = await lighthouseMedian(`${server.url}/i/${DEMO_LINK_TOKEN}`);
      return { routes, lighthouse: median, lighthouseRuns: runs, tabletFirstPaintMs };
    } catch (err) {
      return { routes, lighthouse: null, lighthouseError: err instanceof Error ? err.message : String(err), tabletFirstPaintMs };
    }
  } finally {
    await server.stop();
  }
}
