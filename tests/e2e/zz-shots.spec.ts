import { expect, test } from './support/fixtures.ts';
import { LINK } from './support/reception.ts';

test('shots', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${LINK}/fallback/form`);
  await page.getByLabel('氏名', { exact: true }).fill('在宅 花子');
  await page.getByRole('group', { name: '性別' }).getByRole('radio', { name: '女' }).check();
  await page.screenshot({ path: '/tmp/shot-form.png', fullPage: true });
  await page.goto(`${LINK}/fallback`);
  await page.getByRole('button', { name: 'はじめからやり直す' }).click().catch(() => undefined);
  await page.goto(`${LINK}/fallback`);
  await page.getByRole('button', { name: /暗証番号がロックされた/ }).click();
  await page.screenshot({ path: '/tmp/shot-guide-f7.png', fullPage: true });
  await page.getByRole('button', { name: '次へ' }).click();
  for (const answer of ['ない', 'ない', 'そろっていない', 'できない', '当てはまらない', '何も持っていない・保険証の交付がない']) {
    await page.getByRole('button', { name: answer, exact: true }).click();
  }
  await expect(page.getByRole('heading', { level: 2, name: /何も持っていない/ })).toBeVisible();
  await page.screenshot({ path: '/tmp/shot-guide-f5.png', fullPage: true });
  await page.goto('/i/no-such-link-token-123456/fallback/form');
  await expect(page.getByRole('heading', { name: 'このリンクは使えません' })).toBeVisible();
  await page.screenshot({ path: '/tmp/shot-invalid.png', fullPage: true });
});
