import fs from 'node:fs';
import path from 'node:path';
import { E2E_LINK_TOKEN } from '../../playwright.config.ts';
import { gzipSizeOf, measureRoute } from '../bench/frontend.ts';
// The plain test, not support/fixtures.ts: this measures bytes; page behaviour is the other specs' job.
import { expect, test } from '@playwright/test';
import { PHONE } from './support/fixtures.ts';

/**
 * The patient flow's first-load budget (issue 7): what a phone downloads before the reception
 * page can be used, as gzip -9 of the built files (deterministic for a build; see
 * tests/bench/frontend.ts). Sizes, not times: this test cannot be flaky on a busy machine.
 *
 * The target is 40 KiB for the patient flow. The i18n catalogues are split (src/app/i18n/ja.ts):
 * only the Japanese core loads with the entry; English, the staff console's and the fallback's
 * strings load when used, and so do workbox-window and the QR encoder. The gates sit just above
 * the sizes measured then (entry 48.6 → 23.5 KiB, route 59.2 → 33.9 KiB) to stop growth.
 */
const KiB = 1024;
/**
 * The entry: index.html's module script and its preloaded imports (23.5 KiB when set; 26.2 KiB
 * after issue 12, whose outbox sealing, institution-key cache and device signing ship with the
 * outbox, which is still in the entry: moving it out is issue 18 §3; 27.1 KiB after issue 15's
 * patient-facing texts — R10, R11, R12, U4, E2 — in the core catalogue, which the entry carries).
 */
const ENTRY_BUDGET = 28 * KiB;
/**
 * Everything the patient route /i/<token> loads, the lazy reception chunk included (33.9 KiB when
 * set, 37.1 KiB after issue 12's sealing, signing and token handling, 38.6 KiB after issue 15's
 * E2 result screen and the R2/R6/R11 texts — their strings are in the core catalogue, and the
 * result's record → declaration mapping loads only when its buttons are pressed; target 40).
 * 39.9 KiB after issue 16's 和暦 display: the result and done screens write every date as
 * 「昭和61年6月14日（1986年）」, so the era calendar (era.ts, shared with the fallback's chunk)
 * now loads with the route; the typed-date parser and its messages stay in the staff chunks.
 */
const ROUTE_BUDGET = 40 * KiB;

// Sizes do not depend on the viewport; measured as the patient's phone.
test.use({ serviceWorkers: 'block', ...PHONE });

test('patient flow first-load JS stays within its budget', async ({ page }, info) => {
  const html = fs.readFileSync(path.join(process.cwd(), 'dist/index.html'), 'utf8');
  // Modern entry only: the nomodule legacy bundles never load in a current browser.
  const entryFiles = [...html.matchAll(/<(?:script type="module"[^>]*\bsrc|link rel="modulepreload"[^>]*\bhref)="([^"]+\.js)"/g)].map((m) => m[1]!);
  expect(entryFiles.length, 'index.html names its entry script').toBeGreaterThan(0);
  const entry = entryFiles.reduce((sum, file) => sum + gzipSizeOf(file), 0);

  const route = await measureRoute(page, `/i/${E2E_LINK_TOKEN}`.replace(/^/, info.project.use.baseURL ?? ''), 'patient');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const list = route.assets.map((a) => `${a.url} ${a.gzip}`).join('\n');
  // The measurement must have seen the entry itself, or it measured nothing.
  for (const file of entryFiles) expect(route.assets.map((a) => a.url), list).toContain(file);

  // What travels is smaller still: the build's Brotli copies (vite.config.ts `precompress`).
  const response = await page.request.get(entryFiles[0]!, { headers: { 'accept-encoding': 'br, gzip' } });
  expect(response.headers()['content-encoding'], `${entryFiles[0]} is sent compressed`).toBe('br');

  expect(entry, `entry JS ${(entry / KiB).toFixed(1)} KiB gz over ${ENTRY_BUDGET / KiB} KiB\n${list}`).toBeLessThanOrEqual(ENTRY_BUDGET);
  expect(route.jsGzip, `patient route JS ${(route.jsGzip / KiB).toFixed(1)} KiB gz over ${ROUTE_BUDGET / KiB} KiB\n${list}`).toBeLessThanOrEqual(ROUTE_BUDGET);
});
