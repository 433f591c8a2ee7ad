import { E2E_DEMO_PASSWORD, E2E_LINK_TOKEN, E2E_PORTS } from '../../playwright.config.ts';
import { expect, test } from './support/fixtures.ts';
import { enterTotp } from './support/staff-login.ts';

// The login, second-factor and dashboard screens' look and axe scans are in screens.spec.ts.
test('a staff member logs in, sees the institution link and logs out', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: '職員用ページを開く' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('職員用ページ');
  await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();

  // Empty fields are explained beside each field.
  await page.getByRole('button', { name: 'ログインする' }).click();
  await expect(page.getByText('入力してください。')).toHaveCount(2);

  // A wrong password is refused; the login ID typed stays.
  await page.getByLabel('ログインID').fill('demo-admin');
  await page.getByLabel('パスワード').fill('not-the-password');
  await page.getByRole('button', { name: 'ログインする' }).click();
  await expect(page.getByRole('alert')).toHaveText('ログインIDまたはパスワードが正しくありません。');
  await expect(page.getByLabel('ログインID')).toHaveValue('demo-admin');

  await page.getByLabel('パスワード').fill(E2E_DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログインする' }).click();
  // The password alone opens nothing: the second step asks for the authenticator app's code.
  await expect(page.getByRole('heading', { name: '2段階認証' })).toBeVisible();
  await enterTotp(page, page.getByText('デモ管理者（管理者）でログイン中'));
  await expect(page.getByText('在宅受付デモクリニック')).toBeVisible();
  await expect(page.getByText('デモ管理者（管理者）でログイン中')).toBeVisible();
  // Issue 12 #3: the demo mode `npm start` runs in says so in the console's header.
  await expect(page.locator('.toolbar').getByText('デモ環境', { exact: true })).toBeVisible();
  const link = page.locator('a.link-text');
  await expect(link).toHaveText(`http://localhost:${E2E_PORTS.tablet}/i/${E2E_LINK_TOKEN}`);

  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();
});
