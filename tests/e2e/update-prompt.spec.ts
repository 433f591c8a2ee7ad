import fs from 'node:fs';
import path from 'node:path';
import { expect, test, waitForServiceWorkerControl } from './support/fixtures.ts';
import { startServerWithOwnBuild, type RunningServer } from './support/server.ts';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startServerWithOwnBuild();
});
test.afterAll(async () => {
  await server.stop();
});

test('a waiting new version is offered, and the page reloads only when the user agrees', async ({ page }) => {
  await page.goto(`${server.url}/`);
  await waitForServiceWorkerControl(page);
  await expect(page.getByText('新しいバージョンがあります。')).toHaveCount(0);

  // Deploy a new version: any byte change to sw.js makes the browser install it next check.
  fs.appendFileSync(path.join(server.staticDir, 'sw.js'), `\n// deployed ${Date.now()}\n`);
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
  fs.appendFileSync(path.join(server.staticDir, 'sw.js'), `\n// deployed again ${Date.now()}\n`);
  await page.reload();
  const prompt = page.getByRole('alertdialog');
  await expect(prompt).toBeVisible({ timeout: 15_000 });
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 2));
  await prompt.getByRole('button', { name: 'あとで' }).click();
  await expect(prompt).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(2);
});
