import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { E2E_DEMO_PASSWORD, E2E_DEMO_TOTP_SECRET, E2E_LINK_TOKEN } from '../../playwright.config.ts';
import { expect, expectNoSeriousA11yViolations, snapshot, test } from './support/fixtures.ts';
import { startServerWithOwnBuild } from './support/server.ts';
import { signInStaff } from './support/staff-login.ts';

/**
 * Q6: the batch query before visits in the browser. It runs once a day per institution, so the
 * test that runs it starts a server (and demo institution) of its own: every run, and every
 * rerun of that test, spends a fresh day's allowance and checks every result (issue 14 #1).
 * The form's look and axe scan at phone and desktop size are in screens.spec.ts.
 *
 * p03 (鈴木　一郎, 無効（新しい資格あり）, no cost-limit certificate) has no consent on that server
 * (Q7: the batch needs none): one row sends no 区分 (the flag cannot be computed, Q8), another
 * sends one (changed: none is registered). Q9: the result is shown again after leaving the page.
 */
const P03 = '06270011,8,2291,00,1975-01-23';
const HEADER = '保険者番号,記号,番号,枝番,生年月日,限度額適用認定証区分,限度額適用区分';
const CSV = [
  `\uFEFF${HEADER}`,
  `${P03},,`,
  `${P03},限度額適用認定証,ウ`,
  // Nobody with these numbers is in the registry.
  '06999991,,20000,,1970-01-01,,',
  // A wrong insurer number and a cost-limit value without its pair.
  'not-a-number,,1,,1970-01-01,限度額適用認定証,',
  '',
].join('\r\n');


async function chooseFile(page: Page): Promise<void> {
  await page.getByLabel('CSVファイル', { exact: true }).setInputFiles({ name: 'visits-tomorrow.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
  await page.getByRole('button', { name: 'ファイルを確認する' }).click();
}

test('Q6: the batch screen offers the template and asks before spending the day\'s run', async ({ page }, info) => {
  await signInStaff(page, '/staff');
  await page.getByRole('navigation', { name: '職員用メニュー' }).getByRole('link', { name: '一括照会' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('訪問前の一括照会');
  await expect(page.getByText('特定疾病の情報は一括照会では確認できません', { exact: false })).toBeVisible();
  await expect(page.getByText('一括照会は1日1回だけ実行できます。')).toBeVisible();

  const templateDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'テンプレートをダウンロード' }).click();
  const template = await templateDownload;
  expect(template.suggestedFilename()).toBe('batch-template.csv');
  expect(fs.readFileSync(await template.path(), 'utf8')).toBe(`\uFEFF${HEADER}\r\n`);

  // Nothing is sent before the confirmation; the invalid row is pointed out first.
  await chooseFile(page);
  const confirm = page.getByRole('group', { name: '本日の一括照会を実行しますか？' });
  await expect(confirm.getByRole('heading')).toBeFocused();
  await expect(confirm).toContainText('「visits-tomorrow.csv」の4人分を照会します。');
  await expect(confirm).toContainText('うち1行に入力の誤りがあります。');
  await snapshot(page, 'staff-batch-2-confirm', info.project.name);
  await expectNoSeriousA11yViolations(page);
  await confirm.getByRole('button', { name: 'やめる' }).click();
  await expect(page.getByRole('button', { name: 'ファイルを確認する' })).toBeVisible();
});

test('Q6–Q9: a clerk runs today\'s batch query from a CSV (no consents needed), downloads the per-row result and finds it again after leaving', async ({ page }, info) => {
  test.setTimeout(120_000);
  const server = await startServerWithOwnBuild({
    env: { DEMO_PASSWORD: E2E_DEMO_PASSWORD, DEMO_LINK_TOKEN: E2E_LINK_TOKEN, DEMO_TOTP_SECRET: E2E_DEMO_TOTP_SECRET },
  });
  try {
    await runTheBatch(page, info.project.name, server.url);
  } finally {
    await server.stop();
  }
});

async function runTheBatch(page: Page, projectName: string, url: string): Promise<void> {
  // A fresh login: the server is new, so no kept session applies.
  await signInStaff(page, `${url}/staff/batch`, 'admin', { fresh: true });
  await chooseFile(page);
  const confirm = page.getByRole('group', { name: '本日の一括照会を実行しますか？' });
  await expect(confirm).toContainText('「visits-tomorrow.csv」の4人分を照会します。');
  await expect(confirm).toContainText('うち1行に入力の誤りがあります。');
  await snapshot(page, 'staff-batch-2-confirm', projectName);
  await confirm.getByRole('button', { name: '一括照会を実行する' }).click();

  // A server of its own: today's run is always unspent here, so the result must come.
  const result = page.getByRole('heading', { name: '一括照会の結果（4行）' });
  await expect(result).toBeVisible({ timeout: 20_000 });
  await expect(result).toBeFocused();
  const counts = page.locator('.outcome-counts');
  const count = (label: string) => counts.locator('div').filter({ has: page.getByText(label, { exact: true }) }).locator('dd');
  await expect(count('照会できました')).toHaveText('2');
  await expect(count('限度額に変更あり')).toHaveText('1');
  await expect(count('該当なし')).toHaveText('1');
  await expect(count('入力に誤り')).toHaveText('1');

  const rows = page.getByRole('region', { name: '行ごとの照会結果' }).locator('tbody tr');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0).locator('td')).toHaveText(['2', '照会できました', '鈴木　一郎', '無効（新しい資格あり）', '判定できません（区分の入力なし）', '']);
  await expect(rows.nth(1).locator('td')).toHaveText(['3', '照会できました', '鈴木　一郎', '無効（新しい資格あり）', '変更あり（認定証区分・適用区分）', '']);
  await expect(rows.nth(2).locator('td')).toHaveText(['4', '該当なし', '', '', '', '']);
  await expect(rows.nth(3).locator('td')).toHaveText(['5', '入力に誤り', '', '', '', '誤りのある項目：保険者番号・限度額適用区分']);
  // Q6: never specific-disease data, never the cost-limit values themselves.
  const table = page.getByRole('region', { name: '行ごとの照会結果' });
  await expect(table).not.toContainText('特定疾病');
  await expect(table).not.toContainText('限度額適用認定証');
  // Today's run is spent: the form is not offered again.
  await expect(page.getByRole('button', { name: 'ファイルを確認する' })).toHaveCount(0);
  await snapshot(page, 'staff-batch-3-result', projectName);
  await expectNoSeriousA11yViolations(page);

  const resultDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: '結果をCSVでダウンロード' }).click();
  const download = await resultDownload;
  expect(download.suggestedFilename()).toMatch(/^batch-result-\d{8}-\d{4}\.csv$/);
  const text = fs.readFileSync(await download.path(), 'utf8');
  const lines = text.slice(1).trimEnd().split('\r\n');
  expect(lines[0]).toBe(`番号,行,${HEADER},生年月日（和暦）,生年月日（西暦）,結果,氏名,資格の状態,限度額の変更,限度額適用認定証区分の変更,限度額適用区分の変更,照会日時,備考`);
  expect(lines).toHaveLength(5);
  expect(lines[1]).toMatch(/^1,2,06270011,8,2291,00,1975-01-23,,,昭和50年1月23日,1975-01-23,照会できました,鈴木　一郎,無効（新しい資格あり）,判定できません（区分の入力なし）,,,[^,]+,$/);
  expect(lines[2]).toMatch(/^2,3,06270011,8,2291,00,1975-01-23,限度額適用認定証,ウ,昭和50年1月23日,1975-01-23,照会できました,鈴木　一郎,無効（新しい資格あり）,変更あり,変更あり,変更あり,[^,]+,$/);
  expect(lines[3]).toMatch(/^3,4,06999991,,20000,,1970-01-01,,,昭和45年1月1日,1970-01-01,該当なし,,,,,,[^,]+,$/);
  expect(lines[4]).toMatch(/^4,5,not-a-number,,1,,1970-01-01,限度額適用認定証,,昭和45年1月1日,1970-01-01,入力に誤り,,,,,,[^,]+,誤りのある項目：保険者番号・限度額適用区分$/);

  // Q9: leaving the page and coming back shows today's result again (the form stays hidden).
  const nav = page.getByRole('navigation', { name: '職員用メニュー' });
  await nav.getByRole('link', { name: '再照会' }).click();
  await expect(page.getByRole('heading', { name: '一括照会の結果（4行）' })).toHaveCount(0);
  await nav.getByRole('link', { name: '一括照会' }).click();
  await expect(page.getByRole('heading', { name: '一括照会の結果（4行）' })).toBeVisible();
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(1).locator('td')).toHaveText(['3', '照会できました', '鈴木　一郎', '無効（新しい資格あり）', '変更あり（認定証区分・適用区分）', '']);
  await expect(page.getByText('保存されている結果です。', { exact: false })).toBeVisible();
  await expect(page.getByRole('button', { name: 'ファイルを確認する' })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { name: '一括照会の結果（4行）' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'ファイルを確認する' })).toHaveCount(0);
  await snapshot(page, 'staff-batch-4-reopened', projectName);
  await expectNoSeriousA11yViolations(page);
}
