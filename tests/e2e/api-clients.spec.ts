import { randomBytes } from 'node:crypto';
import { expect, expectNoSeriousA11yViolations, snapshot, test } from './support/fixtures.ts';
import { signInStaff } from './support/staff-login.ts';

/**
 * Issue 19 #2: an administrator creates an API client for the clinic's EHR, copies its secret
 * (shown once), sees it listed without the secret, and revokes it after a confirmation. The
 * secret is tried against the change feed before and after the revocation.
 */
test('an administrator creates an API client, copies its secret once, and revokes it', async ({ page, context }, info) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signInStaff(page, '/staff/api-clients');
  await expect(page.getByRole('heading', { level: 1, name: '連携システムのAPIクライアント' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: '職員用メニュー' }).getByRole('link', { name: '連携システム（API）' })).toHaveAttribute('aria-current', 'page');

  // Nothing chosen: both fields say what is missing, and nothing is created.
  await page.getByRole('button', { name: '作成する' }).click();
  await expect(page.getByText('名前を入力してください（100文字まで）。')).toBeVisible();
  await expect(page.getByText('読み取れる情報を1つ以上選んでください。')).toBeVisible();

  const name = `電子カルテ ${randomBytes(3).toString('hex')}`;
  await page.getByLabel('名前', { exact: true }).fill(name);
  await page.getByRole('checkbox', { name: '同意の状態' }).check();
  await page.getByRole('checkbox', { name: '変更の通知（変更フィード）' }).check();
  await page.getByRole('button', { name: '作成する' }).click();

  const secretPanel = page.getByRole('region', { name: `「${name}」のシークレット` });
  await expect(secretPanel).toBeVisible();
  await expect(secretPanel.getByText('このシークレットは今回だけ表示されます。', { exact: false })).toBeVisible();
  const secret = await secretPanel.getByRole('textbox', { name: 'シークレット' }).inputValue();
  expect(secret).toMatch(/^zuk_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
  await secretPanel.getByRole('button', { name: 'コピーする' }).click();
  await expect(secretPanel.getByRole('status')).toHaveText('コピーしました。');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await snapshot(page, 'staff-api-clients-secret', info.project.name);
  await expectNoSeriousA11yViolations(page);

  // The secret works (the change feed, scope feed.read).
  const feed = await page.request.get('/api/feed/changes', { headers: { authorization: `Bearer ${secret}` } });
  expect(feed.status()).toBe(200);

  await secretPanel.getByRole('button', { name: '保存しました（表示を閉じる）' }).click();
  await expect(secretPanel).toBeHidden();
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row).toContainText('同意の状態、変更の通知（変更フィード）');
  await expect(row).toContainText('有効');

  // Shown once: after a reload the page has the client but never its secret.
  await page.reload();
  await expect(row).toContainText('有効');
  expect(await page.content()).not.toContain(secret.slice(-43));

  await row.getByRole('button', { name: `「${name}」を失効させる` }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText(`「${name}」を失効させますか？`);
  await confirm.getByRole('button', { name: '失効させる' }).click();
  await expect(page.getByRole('status').filter({ hasText: `「${name}」を失効させました。` })).toBeVisible();
  await expect(row).toContainText('失効（');
  await expect(row.getByRole('button')).toHaveCount(0);

  const refused = await page.request.get('/api/feed/changes', { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('api_client_unauthenticated');
});
