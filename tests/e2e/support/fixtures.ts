import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { devices, expect, test as base, type Page } from '@playwright/test';
import { e2eDataDir } from '../../../playwright.config.ts';

/**
 * Every page test also fails on a Content-Security-Policy violation or an uncaught error:
 * the CSP must hold for the real app, not only in the header tests.
 */
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) errors.push(msg.text());
      });
      await use(errors);
      expect(errors, 'no CSP violations or uncaught errors').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** Waits until the service worker controls the page (it claims clients on its first install). */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe: no serious or critical violations. axe is injected once per document and run with
 * `axe.run` over the whole page (the app has no frames), reporting violations only: the
 * @axe-core/playwright builder injected its 550 KB source twice per scan and finished each run in a
 * new blank page, about 1.4 s of the 1.9 s a scan took (measured in a trace).
 */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; help: string; impact?: string | null }[] }> } }).axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map(({ id, help, impact }) => ({ id, help, impact }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/**
 * Replaces the browser's print dialog (which would block a headless page) with a counter; the
 * returned function reads how often the page asked to print.
 */
export async function stubPrintDialog(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const counted = window as unknown as { printed: number };
    counted.printed = 0;
    window.print = () => {
      counted.printed++;
    };
  });
  return () => page.evaluate(() => (window as unknown as { printed: number }).printed);
}

const { defaultBrowserType: _browser, ...pixel7 } = devices['Pixel 7'];
/**
 * Behaviour flows run in the tablet project; a flow that belongs to another device says so with
 * `test.use(PHONE)` or `test.use(DESKTOP)` (the same sizes as the screens spec's projects).
 */
export const PHONE = pixel7;
export const DESKTOP = { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false };

/** The running project's server data (each project has its own server and demo institution). */
export function projectDataDir(): string {
  return e2eDataDir(base.info().project.name);
}

/**
 * A screenshot of what the viewport shows, kept with the test's attachments and under
 * test-results/screens/<project>/ to look at what each size shows.
 */
export async function snapshot(page: Page, name: string, projectName: string): Promise<void> {
  const file = path.join('test-results', 'screens', projectName, `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const body = await page.screenshot({ path: file });
  await base.info().attach(name, { body, contentType: 'image/png' });
}
