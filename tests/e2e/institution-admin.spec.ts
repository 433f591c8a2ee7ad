import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { randomInt } from 'node:crypto';
import type { Page } from '@playwright/test';
import { E2E_DATA_DIR } from '../../playwright.config.ts';
import { institutionCheckDigit } from '../../src/domain/institution/institution-code.ts';
import { expect, expectNoSeriousA11yViolations, snapshot, test, waitForServiceWorkerControl } from './support/fixtures.ts';
import { enrolTotpOnScreen, signInStaff } from './support/staff-login.ts';

/**
 * Issue 6 §1 and the devices of §2: a clinic registers itself (医療機関コード with its check
 * digit), the administrator copies the link, downloads the QR code, prints the A4 poster and
 * reissues the link, after which the old link says it is no longer valid (M1). Settings (S2, S3,
 * S5) and revoking a lost device (P4). Registering needs the operator's one-time activation code
 * (issue 12 #9), issued here with the same command line an operator uses. The state-changing tests
 * register their own clinics and run at tablet size only; every viewport looks at the screens
 * with the demo clinic.
 */

/** A valid code no other test uses: Tokyo (13), medical (1), six random digits, the check digit. */
function freshCode(): string {
  const nine = `131${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  return nine + String(institutionCheckDigit(nine));
}

const PASSWORD = 'a-long-admin-passphrase';

/** The operator's step: `npm run institution -- issue-activation <code>` against the server's data. */
function institutionCli(...args: string[]): string {
  return execFileSync(process.execPath, ['src/server/institution/cli.ts', ...args], {
    env: { ...process.env, DATA_DIR: E2E_DATA_DIR, DATABASE_URL: '', LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
}

function issueActivationCode(code: string): string {
  const printed = /: ([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})\n/.exec(institutionCli('issue-activation', code))?.[1];
  if (!printed) throw new Error('the command line printed no activation code');
  return printed;
}

async function registerClinic(page: Page, name: string, loginId: string): Promise<string> {
  const code = freshCode();
  const activationCode = issueActivationCode(code);
  await page.goto('/staff/register');
  await page.getByLabel('医療機関コード（10桁）').fill(code);
  await page.getByLabel('有効化コード').fill(activationCode);
  await page.getByLabel('医療機関名').fill(name);
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByLabel('表示名（氏名）').fill('登録 太郎');
  await page.getByLabel('パスワード（12文字以上）').fill(PASSWORD);
  await page.getByLabel('パスワード（確認のためもう一度）').fill(PASSWORD);
  await page.getByRole('button', { name: '登録してログインする' }).click();
  // The password hash (scrypt) takes a while on a busy machine.
  await expect(page).toHaveURL(/\/staff\/link$/, { timeout: 30_000 });
  // The password alone is not enough (P3): the new administrator sets up a second factor first.
  await enrolTotpOnScreen(page, '登録 太郎（管理者）でログイン中');
  return code;
}

test('an administrator registers a clinic with its activation code, copies the link, downloads the QR, prints the poster and reissues the link; the old link\'s fallback says so too, offline as well, keeping its draft (issue 15 product rule)', async ({ page, context }, info) => {
  // Two activation codes from the command line, a registration, a poster PDF: long on a busy machine.
  test.setTimeout(180_000);
  const loginId = `e2e-admin-${randomInt(0, 1e9)}`;

  // From the login page to the registration form.
  await page.goto('/staff');
  await page.getByRole('link', { name: '医療機関を新しく登録する' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('医療機関の新規登録');

  // Each failure is explained beside its field, and nothing typed is lost.
  await page.getByRole('button', { name: '登録してログインする' }).click();
  await expect(page.getByText('10桁の医療機関コードを入力してください。')).toBeVisible();
  // Issue 12 #9: the form says what the activation code is and that it is needed.
  await expect(page.locator('#reg-activationCode-error')).toHaveText(
    '有効化コードを入力してください。届いていない場合は、この医療機関コードで運営者に発行を依頼してください。',
  );
  await expect(page.getByText('運営者から届いた有効化コードが必要です', { exact: false })).toBeVisible();
  const code = page.getByLabel('医療機関コード（10桁）');
  for (const [typed, message] of [
    ['3410712363', '最後の1桁（検証番号）が合いません。コードを見直してください。'],
    ['4810712362', '最初の2桁は都道府県番号（01〜47）です。'],
    ['3420712362', '3桁目は点数表番号です（1 医科・3 歯科・4 調剤）。'],
    ['341071236', '医療機関コードはちょうど10桁です。'],
    ['34107-2362', '医療機関コードは数字だけです（半角・全角どちらも可、記号やスペースは不可）。'],
  ] as const) {
    await code.fill(typed);
    await page.getByLabel('医療機関名').fill('テスト在宅クリニック');
    await page.getByLabel('パスワード（12文字以上）').fill('short');
    await page.getByRole('button', { name: '登録してログインする' }).click();
    await expect(page.locator('#reg-code-error')).toHaveText(message);
    await expect(page.locator('#reg-password-error')).toHaveText('12文字以上にしてください。');
    await expect(code).toHaveValue(typed);
    await expect(code).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('医療機関名')).toHaveValue('テスト在宅クリニック');
  }
  await snapshot(page, 'institution-register-errors', info.project.name);
  await expectNoSeriousA11yViolations(page);

  // A duplicate code (the demo clinic's) is refused on the code field.
  const demoCode = `131234567${institutionCheckDigit('131234567')}`;
  await code.fill(demoCode);
  await page.getByLabel('有効化コード').fill('ABCD-EFGH-JKMN-PQRS');
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByLabel('表示名（氏名）').fill('登録 太郎');
  await page.getByLabel('パスワード（12文字以上）').fill(PASSWORD);
  await page.getByLabel('パスワード（確認のためもう一度）').fill(PASSWORD);
  await page.getByRole('button', { name: '登録してログインする' }).click();
  await expect(page.locator('#reg-code-error')).toHaveText('この医療機関コードはすでに登録されています。管理者にログインIDを確認してください。');
  await expect(page.getByLabel('パスワード（12文字以上）')).toHaveValue(PASSWORD);

  // Issue 12 #9: a new code with an activation code that is not its own is refused on that field.
  const newCode = freshCode();
  await code.fill(newCode);
  await page.getByRole('button', { name: '登録してログインする' }).click();
  await expect(page.locator('#reg-activationCode-error')).toHaveText(
    'この医療機関コードの有効化コードではありません。届いたコードと医療機関コードを見直してください。',
  );
  await expect(page.getByLabel('有効化コード')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('パスワード（12文字以上）')).toHaveValue(PASSWORD);
  await snapshot(page, 'institution-register-activation-error', info.project.name);

  // With the operator's code for it, the new code registers the clinic and signs the administrator in.
  await page.getByLabel('有効化コード').fill(issueActivationCode(newCode));
  await page.getByRole('button', { name: '登録してログインする' }).click();
  // The password hash (scrypt) takes a while on a busy machine.
  await expect(page).toHaveURL(/\/staff\/link$/, { timeout: 30_000 });
  // The password alone is not enough (P3): the new administrator sets up a second factor first.
  await enrolTotpOnScreen(page, '登録 太郎（管理者）でログイン中');
  await expect(page.getByText('テスト在宅クリニック').first()).toBeVisible();
  const linkField = page.getByRole('textbox', { name: 'この医療機関のリンク' });
  const oldLink = await linkField.inputValue();
  expect(oldLink).toMatch(/\/i\/[A-Za-z0-9_-]{20,}$/);

  // Copy: the clipboard holds exactly the link.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'リンクをコピー' }).click();
  await expect(page.getByText('リンクをコピーしました。')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(oldLink);

  // The QR code as SVG and PNG files.
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '二次元コードをダウンロード（SVG）' }).click()]);
  expect(svg.suggestedFilename()).toMatch(/^qr-13\d{8}-\d{4}-\d{2}-\d{2}\.svg$/);
  const svgText = fs.readFileSync((await svg.path())!, 'utf8');
  expect(svgText).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
  expect(svgText).toMatch(/<path d="M\d+ \d+h1v1h-1z/);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '二次元コードをダウンロード（PNG）' }).click()]);
  expect(png.suggestedFilename()).toMatch(/\.png$/);
  const pngBytes = fs.readFileSync((await png.path())!);
  expect([...pngBytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(pngBytes.length).toBeGreaterThan(500);

  // The A4 poster: clinic name, QR code, steps in Japanese and English; printed alone on one A4 page.
  await page.getByRole('link', { name: 'A4の掲示用ポスターを開く' }).click();
  await expect(page).toHaveURL(/\/staff\/poster$/);
  const poster = page.locator('article.poster');
  await expect(poster.getByText('テスト在宅クリニック')).toBeVisible();
  await expect(poster.getByRole('img')).toBeVisible();
  await expect(poster.getByText('マイナ保険証で、受付と同意の登録ができます')).toBeVisible();
  await expect(poster.getByText('Check in and give consent with your My Number card')).toBeVisible();
  await expect(poster.getByText(oldLink)).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  // Printed from a page of its own: a tablet-emulated page keeps the print layout after
  // emulateMedia({ media: 'screen' }), and this one goes on to the link screen.
  const printed = await context.newPage();
  await printed.goto('/staff/poster');
  await expect(printed.locator('article.poster').getByRole('img')).toBeVisible();
  await printed.emulateMedia({ media: 'print' });
  // A4 at 96 dpi: 794 × 1123 CSS pixels.
  await printed.setViewportSize({ width: 794, height: 1123 });
  await expect(printed.locator('.staff-nav')).toBeHidden();
  await expect(printed.locator('.app-header')).toBeHidden();
  await expect(printed.getByRole('button', { name: '印刷する' })).toBeHidden();
  await printed.screenshot({ path: `test-results/screens/${info.project.name}/institution-poster-a4.png` });
  const pdf = await printed.pdf({ format: 'A4', printBackground: true });
  fs.writeFileSync(`test-results/screens/${info.project.name}/institution-poster-a4.pdf`, pdf);
  expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length, 'the poster fits one A4 page').toBe(1);
  await printed.close();

  // Before the reissue, a nurse's tablet (same browser) starts a declaration under the old link.
  const oldPath = new URL(oldLink).pathname;
  const tablet = await context.newPage();
  await tablet.goto(`${oldPath}/fallback/form`);
  await tablet.getByLabel('氏名', { exact: true }).fill('旧リンク 花子');
  await expect(tablet.locator('html')).toHaveAttribute('data-draft-save', 'saved');

  // Reissue: a confirmation that the old link and QR stop at once; then a new link.
  await page.getByRole('link', { name: 'リンクの画面に戻る' }).click();
  await page.getByRole('button', { name: 'リンクを再発行する…' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('今のリンクと二次元コード（印刷済みのポスターを含む）はすぐに使えなくなります');
  await dialog.getByRole('button', { name: 'やめる' }).click();
  await expect(linkField).toHaveValue(oldLink);
  await page.getByRole('button', { name: 'リンクを再発行する…' }).click();
  await snapshot(page, 'institution-reissue-confirm', info.project.name);
  await page.getByRole('alertdialog').getByRole('button', { name: '再発行する' }).click();
  await expect(page.getByText('新しいリンクを発行しました。古いリンクと二次元コードはもう使えません。')).toBeVisible();
  const newLink = await linkField.inputValue();
  expect(newLink).not.toBe(oldLink);

  // The old link now says it is no longer valid; the new one opens the clinic's reception.
  await page.goto(new URL(oldLink).pathname);
  await expect(page.getByRole('heading', { name: 'このリンクは使えません' })).toBeVisible();
  await expect(page.getByText('医療機関から新しいリンクまたは二次元コードを受け取ってください。')).toBeVisible();
  await snapshot(page, 'institution-old-link', info.project.name);

  // Product rule (issue 15): the old link's fallback pages say so too, and the draft typed under it
  // is kept, with what happens to it; remembered, so the same holds offline.
  await tablet.goto(`${oldPath}/fallback/form`);
  await expect(tablet.getByRole('heading', { name: 'このリンクは使えません' })).toBeVisible();
  await expect(tablet.getByRole('heading', { level: 1, name: '被保険者資格申立書' })).toHaveCount(0);
  await expect(tablet.getByTestId('invalid-link-draft')).toContainText('消していません');
  await snapshot(tablet, 'fallback-old-link-draft', info.project.name);
  await waitForServiceWorkerControl(tablet);
  await context.setOffline(true);
  await tablet.goto(`${oldPath}/fallback`);
  await expect(tablet.getByRole('heading', { name: 'このリンクは使えません' })).toBeVisible();
  await expect(tablet.getByRole('heading', { level: 2, name: '何が起きていますか？' })).toHaveCount(0);
  await context.setOffline(false);
  // Queued, it waits as "needs attention" and goes to the clinic once its new link is opened here.
  await tablet.getByRole('button', { name: '送信待ちに入れる' }).click();
  await expect(tablet.getByText(/送信待ちに入れました。医療機関の新しいリンクをこの端末で開くと送信されます/)).toBeVisible();
  await expect(tablet.getByRole('region', { name: '未送信の申立書' }).getByTestId('outbox-attention')).toContainText('要対応');
  await tablet.goto(new URL(newLink).pathname);
  await expect(tablet.getByText('テスト在宅クリニック').first()).toBeVisible();
  await expect(tablet.getByRole('region', { name: '未送信の申立書' })).toHaveCount(0, { timeout: 10_000 });
  await tablet.close();
  await page.goto(new URL(newLink).pathname);
  await expect(page.getByText('テスト在宅クリニック').first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'このリンクは使えません' })).toHaveCount(0);
});

test('settings are saved and reach the patient screens; a lost device is revoked and told so', async ({ page }, info) => {
  test.setTimeout(60_000);
  await registerClinic(page, '設定テスト診療所', `e2e-settings-${randomInt(0, 1e9)}`);
  const link = await page.getByRole('textbox', { name: 'この医療機関のリンク' }).inputValue();

  // Settings: a bad return address is explained on its field and kept; a good one saves.
  await page.getByRole('link', { name: '医療機関の設定' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('医療機関の設定');
  await expect(page.getByLabel('診療情報を利用する')).toBeChecked();
  // Issue 16 §6: whether this browser protects its stored data is told here, not on the patients' screens.
  await expect(page.getByRole('region', { name: 'この端末の保存データ' }).locator('.message')).toHaveText(/保存データ/);
  await page.getByLabel('診療情報を利用する').uncheck();
  const urls = page.getByLabel('オンライン診療アプリの戻り先アドレス');
  await urls.fill('https://telemed.example/return\nhttp://insecure.example/back');
  await page.getByRole('button', { name: '保存する' }).click();
  await expect(page.locator('#set-returnUrls-error')).toHaveText('2行目が使えません。https:// で始まり、? や # を含まないアドレスにしてください。');
  await expect(urls).toHaveValue('https://telemed.example/return\nhttp://insecure.example/back');
  await page.getByLabel('申立書の保存日数').fill('0');
  await page.getByRole('button', { name: '保存する' }).click();
  await expect(page.locator('#set-retention-error')).toHaveText('1〜365の整数で入力してください。');
  await urls.fill('https://telemed.example/return');
  await page.getByLabel('申立書の保存日数').fill('14');
  await page.getByRole('button', { name: '保存する' }).click();
  await expect(page.getByText('設定を保存しました。')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('診療情報を利用する')).not.toBeChecked();
  await expect(page.getByLabel('申立書の保存日数')).toHaveValue('14');

  // S2 on the patient screen: the medication choice no longer mentions clinical information.
  const publicInfo = await page.request.get(`/api/public/institutions/${new URL(link).pathname.split('/').pop()}`);
  expect((await publicInfo.json()).settings.usesClinicalInfo).toBe(false);

  // This browser opens the clinic link (as a tablet would), so it is listed as a device.
  await page.goto(new URL(link).pathname);
  await expect(page.getByText('設定テスト診療所').first()).toBeVisible();
  await page.goto('/staff/devices');
  const row = page.getByRole('row').filter({ hasText: 'この端末' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Chrome / Linux');
  await row.getByRole('button').click();
  await expect(page.getByRole('alertdialog')).toContainText('使用停止にしますか？');
  await page.getByRole('alertdialog').getByRole('button', { name: '使用停止にする' }).click();
  await expect(page.getByText(/^端末 [0-9a-f]{8} を使用停止にしました。$/)).toBeVisible();
  await expect(row).toContainText('使用停止（');

  // The revoked device now gets a clear message instead of the reception.
  await page.goto(new URL(link).pathname);
  await expect(page.getByRole('heading', { name: 'この端末は使用停止になっています' })).toBeVisible();
  await snapshot(page, 'institution-device-revoked', info.project.name);
});

test('issue 12 #9: a suspended clinic: its link is not valid and its staff are told at sign-in; resumed, both work again', async ({ page }, info) => {
  test.setTimeout(60_000);
  const loginId = `e2e-suspend-${randomInt(0, 1e9)}`;
  const code = await registerClinic(page, '停止テスト診療所', loginId);
  const link = new URL(await page.getByRole('textbox', { name: 'この医療機関のリンク' }).inputValue()).pathname;

  institutionCli('deactivate', code);
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'このリンクは使えません' })).toBeVisible();
  await page.context().clearCookies();
  await page.goto('/staff');
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await expect(page.getByRole('alert')).toHaveText('この医療機関はまだ有効化されていないか、利用が停止されています。運営者にお問い合わせください。');
  await snapshot(page, 'institution-login-inactive', info.project.name);

  institutionCli('activate', code);
  await page.goto(link);
  await expect(page.getByText('停止テスト診療所').first()).toBeVisible();
});

// The link, settings, devices, poster and registration screens' look and axe scans at phone and
// desktop size are in screens.spec.ts.
test('the institution screens, and what each role sees in the menu', async ({ page }) => {
  // Three sign-ins (scrypt each) on a busy machine.
  test.setTimeout(60_000);
  await signInStaff(page, '/staff/link', 'admin');
  await expect(page.getByRole('textbox', { name: 'この医療機関のリンク' })).toHaveValue(/\/i\/e2e-demo-link-token-0001$/);
  await expect(page.getByRole('button', { name: 'リンクを再発行する…' })).toBeVisible();
  await page.goto('/staff/settings');
  await expect(page.getByLabel('診療情報を利用する')).toBeVisible();
  await page.goto('/staff/devices');
  await expect(page.getByText('この医療機関のリンクを使った端末（最近90日）です。', { exact: false })).toBeVisible();
  await page.goto('/staff/poster');
  await expect(page.locator('article.poster').getByRole('img')).toBeVisible();
  await page.goto('/staff/register');
  await expect(page.getByLabel('医療機関コード（10桁）')).toBeVisible();

  // A doctor sees the link but not the settings, devices or reissue.
  await page.context().clearCookies();
  await signInStaff(page, '/staff/link', 'doctor');
  const nav = page.getByRole('navigation', { name: '職員用メニュー' });
  await expect(nav.getByRole('link', { name: 'リンク・二次元コード' })).toBeVisible();
  await expect(nav.getByRole('link', { name: '医療機関の設定' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: '端末の管理' })).toHaveCount(0);
  await expect(page.getByText('リンクの再発行は管理者が行います。')).toBeVisible();
  await expect(page.getByRole('button', { name: 'リンクを再発行する…' })).toHaveCount(0);
  await page.goto('/staff/settings');
  await expect(page.getByRole('alert')).toHaveText('この画面はあなたの役割（権限）では使えません。管理者にお尋ねください。');

  // A clerk manages devices but not the settings.
  await page.context().clearCookies();
  await signInStaff(page, '/staff/devices', 'clerk');
  await expect(nav.getByRole('link', { name: '端末の管理' })).toBeVisible();
  await expect(nav.getByRole('link', { name: '医療機関の設定' })).toHaveCount(0);
});
