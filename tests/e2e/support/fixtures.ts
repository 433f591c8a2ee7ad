import { AxeBuilder } from '@axe-core/playwright';
import { expect, test as base, type Page } from '@playwright/test';

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

/** axe: no serious or critical violations. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/** A screenshot kept with the test results, to look at what each viewport shows. */
export async function snapshot(page: Page, name: string, projectName: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${projectName}/${name}.png`, fullPage: true });
}
