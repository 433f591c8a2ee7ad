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

  // Issue 16: today's work as counts, each a link to the list that deals with it (the
  // administrator also sees locked accounts); the nav in four headed groups, home marked current.
  const todo = page.getByRole('region', { name: '今日の作業' });
  await expect(todo.getByRole('link', { name: /^\d+件 月1回の確認が必要な訪問診療等の同意$/ })).toHaveAttribute('href', '/staff/consents?due=1');
  await expect(todo.getByRole('link', { name: /^\d+件 24時間以内に期限が切れる同意$/ })).toHaveAttribute('href', '/staff/consents?status=expiring');
  await expect(todo.getByRole('link', { name: /^\d+件 確認待ちの申立書$/ })).toHaveAttribute('href', '/staff/inbox?status=received');
  await expect(todo.getByRole('link', { name: /ロック中の職員アカウント$/ })).toBeVisible();
  const nav = page.getByRole('navigation', { name: '職員用メニュー' });
  await expect(nav.getByRole('heading')).toHaveText(['受付・同意', '照会', '申立書', '管理']);
  await expect(nav.getByRole('list', { name: '照会' }).getByRole('link')).toHaveText(['再照会', '一括照会']);
  await expect(nav.getByRole('link', { name: 'ホーム' })).toHaveAttribute('aria-current', 'page');
  await todo.getByRole('link', { name: /確認待ちの申立書$/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('被保険者資格申立書の受信箱');
  await expect(nav.getByRole('link', { name: '申立書の受信箱' })).toHaveAttribute('aria-current', 'page');
  await page.goto('/staff');

  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();
});
