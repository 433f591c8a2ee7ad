import { expect, test, waitForServiceWorkerControl } from './support/fixtures.ts';
import { LINK } from './support/reception.ts';
import { signInStaff } from './support/staff-login.ts';

/**
 * The message catalogues are split (issue 7): only the Japanese core comes with the entry;
 * English and the staff and fallback sections load when needed. Each screen must still show
 * every string in the chosen language: after a switch, after a reload, and offline.
 */

const FALLBACK = `${LINK}/fallback`;

test('the fallback switches to English and stays English after a reload', async ({ page }) => {
  await page.goto(FALLBACK);
  await expect(page.getByRole('heading', { level: 1, name: '資格確認ができないとき' })).toBeVisible();
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'When eligibility cannot be checked' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // A reload starts in English: the English core and fallback strings load before the first render.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'When eligibility cannot be checked' })).toBeVisible();
  await page.getByRole('button', { name: '日本語に切り替える' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '資格確認ができないとき' })).toBeVisible();
});

test('the staff console switches to English, its section strings included', async ({ page }) => {
  await signInStaff(page, '/staff/revoke', 'admin');
  await expect(page.getByRole('navigation', { name: '職員用メニュー' })).toBeVisible();
  await page.getByRole('button', { name: 'Switch to English' }).click();
  const nav = page.getByRole('navigation', { name: 'Staff menu' });
  await expect(nav).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Revoke', exact: true })).toBeVisible();

  // Another section after a reload, still in English.
  await page.goto('/staff/requery');
  await expect(page.getByRole('navigation', { name: 'Staff menu' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Re-query (before later home visits)' })).toBeVisible();
  await page.getByRole('button', { name: '日本語に切り替える' }).click();
  await expect(page.getByRole('button', { name: 'Switch to English' })).toBeVisible();
});

test('English chosen before, the fallback opens in English with the network cut off', async ({ page, context }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Zaitaku Uketsuke' })).toBeVisible();
  await waitForServiceWorkerControl(page);
  await context.setOffline(true);
  // Every catalogue chunk comes from the precache.
  await page.goto(FALLBACK);
  await expect(page.getByRole('heading', { level: 1, name: 'When eligibility cannot be checked' })).toBeVisible();
  await page.getByRole('button', { name: '日本語に切り替える' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '資格確認ができないとき' })).toBeVisible();
  await context.setOffline(false);
});
