import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { LINK } from './support/reception.ts';

/**
 * Issue 18 #1: a clinic link's page arrives with its first screen drawn by the server (the app's
 * own components, src/app/ssr/render-clinic-link.tsx), and the app takes it over in place.
 */

const DEMO_CLINIC = '在宅受付デモクリニック';

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the clinic link shows its menu with the clinic name, from the page and its stylesheet alone', async ({ page }) => {
    // Issue 18 #2: nothing but the page, its stylesheet and its scripts (preloaded, unused here)
    // is fetched for the first screen: no image, font or API call.
    const requested: string[] = [];
    page.on('request', (req) => requested.push(`${req.resourceType()} ${new URL(req.url()).pathname}`));
    await page.goto(LINK);
    await expect(page.locator('.institution-banner')).toHaveText(DEMO_CLINIC);
    await expect(page.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
    await expect(page.getByRole('button', { name: /訪問診療等/ })).toBeVisible();
    await expect(page.getByRole('link', { name: 'オンラインで資格確認ができないとき（通信がなくても使えます）' })).toBeVisible();
    expect(requested.filter((r) => /^(image|font|fetch|xhr) /.test(r))).toEqual([]);
    expect(requested).toContain(`document ${LINK}`);
  });

  test('a link from an app opens on its preparation screen, as the app would', async ({ page }) => {
    await page.goto(`${LINK}?visit=homeVisit`);
    await expect(page.getByRole('heading', { name: 'ご準備ください' })).toBeVisible();
  });

  test('an unknown or reissued link shows its refusal in Japanese and English', async ({ page }) => {
    const res = await page.goto('/i/no-longer-valid-link-0001');
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1, name: 'このリンクは使えません' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'This link cannot be used' })).toBeVisible();
    await expect(page.locator('.institution-banner')).toHaveCount(0);
  });

  test("the link's outage guide shows its first question", async ({ page }) => {
    await page.goto(`${LINK}/fallback`);
    await expect(page.getByRole('heading', { name: '何が起きていますか？' })).toBeVisible();
    await expect(page.getByRole('button', { name: /カードリーダーが使えない/ })).toBeVisible();
  });

  test("a reissued link's outage guide shows the refusal", async ({ page }) => {
    await page.goto('/i/no-longer-valid-link-0001/fallback');
    await expect(page.getByRole('heading', { level: 1, name: 'このリンクは使えません' })).toBeVisible();
    await expect(page.getByRole('heading', { name: '何が起きていますか？' })).toHaveCount(0);
  });
});

/**
 * Opens `url` and checks that the app's first render kept the server's drawing: the same words
 * (textContent: the styles may not have arrived yet), no element removed (a "loading" flash would
 * remove them all), no layout shift. Returns the drawn text.
 */
async function expectTakeover(page: Page, url: string): Promise<string> {
  // Before the page's module scripts run (readyState 'interactive' comes first), keep the words the
  // server drew; count every layout shift.
  await page.addInitScript(() => {
    const w = window as unknown as { drawnText?: string; shifts: number; removed: string[] };
    w.shifts = 0;
    w.removed = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.shifts += (entry as unknown as { value: number }).value;
    }).observe({ type: 'layout-shift', buffered: true });
    document.addEventListener('readystatechange', () => {
      if (document.readyState !== 'interactive') return;
      const app = document.getElementById('app')!;
      w.drawnText = app.textContent ?? undefined;
      new MutationObserver((records) => {
        for (const record of records) {
          for (const node of record.removedNodes) if (node.nodeType === Node.ELEMENT_NODE) w.removed.push((node as Element).outerHTML.slice(0, 80));
        }
      }).observe(app, { childList: true, subtree: true });
    });
  });
  await page.goto(url);
  const drawn = await page.evaluate(() => (window as unknown as { drawnText?: string }).drawnText);
  // The app's first render drops the server's markers (comments) around the lazy route.
  await page.waitForFunction(() => {
    const walker = document.createTreeWalker(document.getElementById('app')!, NodeFilter.SHOW_COMMENT);
    return walker.nextNode() === null;
  });
  // The clinic's details request has been answered and applied too.
  await page.waitForLoadState('networkidle');
  expect(await page.evaluate(() => document.getElementById('app')!.textContent)).toBe(drawn);
  expect(await page.evaluate(() => (window as unknown as { shifts: number }).shifts)).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { removed: string[] }).removed)).toEqual([]);
  return drawn ?? '';
}

test('the app takes over the drawn screen without changing a word or moving anything', async ({ page }) => {
  const drawn = await expectTakeover(page, LINK);
  expect(drawn).toContain(DEMO_CLINIC);
  expect(drawn).toContain('ご用件を選んでください');
  // And it is the app now: the menu's buttons work.
  await page.getByRole('button', { name: /訪問診療等/ }).click();
  await expect(page.getByRole('heading', { name: 'ご準備ください' })).toBeVisible();
});

test("the app takes over the drawn outage guide the same way", async ({ page }) => {
  const drawn = await expectTakeover(page, `${LINK}/fallback`);
  expect(drawn).toContain('何が起きていますか？');
  await page.getByRole('button', { name: /カードリーダーが使えない/ }).click();
  await expect(page.getByRole('heading', { name: '何が起きていますか？' })).toBeHidden();
});

test('a button tapped before the app has taken the screen over is pressed once the app is there', async ({ page }) => {
  // Hold back the reception's code, so the tap lands on the drawn screen while it cannot act yet.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let heldRequest = false;
  await page.route(/\/assets\/reception-page-[\w-]+\.js$/, async (route) => {
    heldRequest = true;
    await held;
    await route.continue();
  });
  await page.goto(LINK);
  await expect.poll(() => heldRequest).toBe(true);
  await page.getByRole('button', { name: /訪問診療等/ }).click();
  // Nothing can happen yet: the drawn menu stays.
  await expect(page.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
  release();
  await expect(page.getByRole('heading', { name: 'ご準備ください' })).toBeVisible();
});
