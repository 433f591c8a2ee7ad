import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect, test, waitForServiceWorkerControl } from './support/fixtures.ts';
import { startServerWithOwnBuild, type RunningServer } from './support/server.ts';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startServerWithOwnBuild();
});
test.afterAll(async () => {
  await server.stop();
});

/**
 * Deploys a new version: any byte change to sw.js makes the browser install it at its next
 * check. The build also writes sw.js's compressed copies (vite.config.ts `precompress`), which
 * the server prefers, so a deploy replaces those too.
 */
function deployNewServiceWorker(marker: string): void {
  const file = path.join(server.staticDir, 'sw.js');
  fs.appendFileSync(file, `\n// ${marker} ${Date.now()}\n`);
  const source = fs.readFileSync(file);
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(source));
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(source));
}

test('a waiting new version is offered, and the page reloads only when the user agrees', async ({ page }) => {
  await page.goto(`${server.url}/`);
  await waitForServiceWorkerControl(page);
  await expect(page.getByText('新しいバージョンがあります。')).toHaveCount(0);

  deployNewServiceWorker('deployed');
  await page.reload();
  const prompt = page.getByRole('alertdialog');
  await expect(prompt).toContainText('新しいバージョンがあります。', { timeout: 15_000 });

  // Left alone, nothing reloads: a marker on the page survives and the new worker keeps waiting.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await page.waitForTimeout(1000);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null)).toBe(true);

  await Promise.all([page.waitForEvent('framenavigated'), prompt.getByRole('button', { name: '更新する' }).click()]);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('在宅受付へようこそ');
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
});

test('「あとで」 hides the prompt and keeps the page as it is', async ({ page }) => {
  await page.goto(`${server.url}/`);
  await waitForServiceWorkerControl(page);
  deployNewServiceWorker('deployed again');
  await page.reload();
  const prompt = page.getByRole('alertdialog');
  await expect(prompt).toBeVisible({ timeout: 15_000 });
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 2));
  await prompt.getByRole('button', { name: 'あとで' }).click();
  await expect(prompt).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(2);
});
