import { expect, test, waitForServiceWorkerControl } from './support/fixtures.ts';
import { LINK } from './support/reception.ts';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('the manifest is served, valid and its icons exist at their stated sizes', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBe('/manifest.webmanifest');

  const res = await request.get('/manifest.webmanifest');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/application\/manifest\+json/);
  const manifest = (await res.json()) as Record<string, unknown> & { icons: { src: string; sizes: string; purpose: string }[] };
  expect(manifest).toMatchObject({ lang: 'ja', start_url: '/', scope: '/', display: 'standalone', short_name: '在宅受付' });
  expect(String(manifest.name)).toMatch(/在宅受付/);
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

  const pngIcons = manifest.icons.filter((i) => i.src.endsWith('.png'));
  expect(pngIcons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(pngIcons.some((i) => i.purpose.split(' ').includes('maskable'))).toBe(true);
  for (const icon of pngIcons) {
    const iconRes = await request.get(icon.src);
    expect(iconRes.status(), icon.src).toBe(200);
    const { width, height } = pngSize(await iconRes.body());
    expect(`${width}x${height}`).toBe(icon.sizes);
  }
});

test('a modern browser runs the modern bundle, never the legacy one, under the strict CSP', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (req) => {
    if (req.resourceType() === 'script') scripts.push(new URL(req.url()).pathname);
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(scripts.some((s) => /^\/assets\/index-[\w-]+\.js$/.test(s) && !s.includes('legacy'))).toBe(true);
  expect(scripts.filter((s) => s.includes('legacy'))).toEqual([]);
});

test('the service worker takes control, and the shell renders offline after one visit', async ({ page, context }) => {
  await page.goto('/');
  await waitForServiceWorkerControl(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('在宅受付へようこそ');

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('在宅受付へようこそ');
  await expect(page.getByRole('status').filter({ hasText: 'オフラインです' })).toBeVisible();

  // A page never opened before comes from the cached shell too, with its own code.
  await page.goto('/staff');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('職員用ページ');
  await expect(page.getByRole('alert')).toContainText('通信できませんでした');
  await context.setOffline(false);
});

test('the server sends security headers with the app shell, scripts and the worker', async ({ request }) => {
  for (const path of ['/', '/staff', '/sw.js', '/manifest.webmanifest']) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    const headers = res.headers();
    expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy'], path).not.toContain('unsafe-inline');
    expect(headers['x-content-type-options'], path).toBe('nosniff');
    expect(headers['referrer-policy'], path).toBe('no-referrer');
  }
  const sw = await request.get('/sw.js');
  expect(sw.headers()['cache-control']).toBe('no-cache');
});

// Issue 18 #1: the service worker keeps the page the server drew for a clinic link, so with no
// connection the link still opens with its clinic's name (and says it cannot reach the clinic).
test("a clinic link opened once online opens offline with its clinic's name", async ({ page, context }) => {
  await page.goto(LINK);
  await expect(page.locator('.institution-banner')).toHaveText('在宅受付デモクリニック');
  await waitForServiceWorkerControl(page);
  // The worker keeps a copy of the page that installed it once it is active.
  await expect.poll(() => page.evaluate(async (url) => (await caches.match(url)) !== undefined, page.url())).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('alert')).toContainText('通信できませんでした');
  await expect(page.locator('.institution-banner')).toHaveText('在宅受付デモクリニック');
  // It is the server's drawing, with the data it was drawn from.
  await expect(page.locator('#clinic-link-data')).toHaveCount(1);
  await page.getByRole('link', { name: '通信できないときの手順（申立書）' }).click();
  await expect(page.getByRole('heading', { name: '何が起きていますか？' })).toBeVisible();

  // A link never opened online gets the plain shell: no name to show.
  await page.goto('/i/never-opened-link-0001');
  await expect(page.getByRole('alert')).toContainText('通信できませんでした');
  await expect(page.locator('.institution-banner')).toHaveCount(0);

  // Online again, the page comes from the server first (fresh details), through the worker.
  await context.setOffline(false);
  await page.goto(LINK);
  await expect(page.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

// Issue 18 #3: the English catalogues (the reception's and the fallback's) are precached, so the
// language switch works with no connection on a device that opened the link once in Japanese.
// (Offline the reception cannot reach the clinic's details and says so; its fallback works.)
test('English works offline after one online visit in Japanese', async ({ page, context }) => {
  await page.goto(LINK);
  await expect(page.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
  await waitForServiceWorkerControl(page);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('alert')).toContainText('通信できませんでした');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('alert')).toHaveText('Could not connect. Check the signal and try again.');
  await page.getByRole('link', { name: 'What to do without a connection (declaration form)' }).click();
  await expect(page.getByRole('heading', { name: 'What is happening?' })).toBeVisible();
  await page.getByRole('button', { name: '日本語に切り替える' }).click();
  await expect(page.getByRole('heading', { name: 'What is happening?' })).toBeHidden();
  await context.setOffline(false);
});
