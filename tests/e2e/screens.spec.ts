import type { Locator, Page } from '@playwright/test';
import { drawnSignature, submitDeclaration } from './support/declarations.ts';
import { expect, expectReadableScreen, snapshot, test } from './support/fixtures.ts';
import { copyCardAppLink, expectChoicesOnOneLine, LINK, registerViaApi, tomorrowInJapan } from './support/reception.ts';
import { enterTotp, signInStaff } from './support/staff-login.ts';
import { E2E_DEMO_PASSWORD } from '../../playwright.config.ts';

/**
 * Every screen at the phone and desktop sizes (issue 13 #7): a screenshot of the viewport (kept
 * as an attachment and under test-results/screens/<project>/) and an axe scan of each. Runs in
 * the phone and desktop projects only, each against its own server and demo institution; the
 * behaviour of these screens is tested once, at the tablet size, in the other specs, which scan
 * only the states this spec does not reach (results, refusals, locks, printouts).
 */

/**
 * One screen: its screenshot, then its accessibility scan and readability measures (axe with no
 * violation of any impact, text ≥ 16 px, tap targets ≥ 44 × 44 px: issue 16), as a step of the report.
 */
async function screen(page: Page, name: string, ready: Locator): Promise<void> {
  await test.step(name, async () => {
    await expect(ready).toBeVisible();
    await snapshot(page, name, test.info().project.name);
    await expectReadableScreen(page, name);
  });
}

const FALLBACK = `${LINK}/fallback`;

// A screenshot and an axe scan take seconds each when two workers share two busy cores.
test.describe.configure({ timeout: 120_000 });

test('start page (Japanese and English), an unknown page, an unknown institution link', async ({ page }) => {
  await page.goto('/');
  await screen(page, 'start-ja', page.getByRole('heading', { level: 1, name: '在宅受付へようこそ' }));
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await screen(page, 'start-en', page.getByRole('heading', { level: 1, name: 'Welcome to Zaitaku Uketsuke' }));
  await page.getByRole('button', { name: '日本語に切り替える' }).click();
  await page.goto('/no-such-page');
  await screen(page, 'not-found', page.getByRole('heading', { level: 1, name: 'ページが見つかりません' }));
  await page.goto('/i/no-such-institution-link');
  await screen(page, 'link-invalid', page.getByRole('heading', { name: 'このリンクは使えません' }));
});

test('reception: a home visit from the preparation to the done screen, with the card app', async ({ page, browser }) => {
  // Nine screens in one flow.
  test.setTimeout(300_000);
  await page.goto(`${LINK}?visit=homeVisit`);
  await screen(page, 'reception-1-preparation', page.getByRole('heading', { name: 'ご準備ください' }));
  await page.getByRole('button', { name: '準備ができました' }).click();
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  await screen(page, 'reception-2-consent', page.getByRole('button', { name: '✓ すべて同意しています' }));
  // Issue 16 §4: at this size too, no choice breaks inside a word.
  await expectChoicesOnOneLine(page);
  // Issue 16 §2: the form and the confirmation are further down the same screen.
  await page.getByText('電子処方箋', { exact: true }).click();
  await screen(page, 'reception-3-consent-end', page.getByRole('button', { name: '同意内容を登録する' }));
  await page.getByRole('button', { name: '同意内容を登録する' }).click();

  // The desktop shows the QR code for another device; the phone opens the card app itself.
  const copyLink = page.getByRole('button', { name: 'リンクをコピー' });
  const sameDevice = page.getByRole('link', { name: 'カードのアプリを開く' });
  await screen(page, 'reception-5-handoff', copyLink.or(sameDevice));
  let cardApp = page;
  if (await copyLink.isVisible()) {
    // The patient's own device, at this project's size.
    const patientDevice = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: page.viewportSize() });
    cardApp = await patientDevice.newPage();
    await cardApp.goto(await copyCardAppLink(page));
  } else {
    await sameDevice.click();
  }
  await screen(cardApp, 'card-app-1-cards', cardApp.getByText('これは試験用のカードアプリのシミュレーターです。'));
  await cardApp.getByRole('button', { name: /カード01/ }).click();
  await screen(cardApp, 'card-app-2-pin', cardApp.getByRole('textbox', { name: '暗証番号（4桁）を入力してください' }));
  await cardApp.getByRole('textbox', { name: '暗証番号（4桁）を入力してください' }).fill('1234');
  await cardApp.getByRole('button', { name: '読み取り開始' }).click();
  if (cardApp !== page) {
    await expect(page.getByRole('status').filter({ hasText: 'コピーしました' })).toBeVisible();
    await screen(cardApp, 'card-app-3-read', cardApp.getByText('確認できました。受付をしている端末（タブレットなど）の画面に戻ってください。'));
    await cardApp.context().close();
  }
  await screen(page, 'reception-6-done', page.getByRole('heading', { name: '受付が完了しました' }));
  // Issue 19 #4: the consent receipt at the end of the flow, with its print and save buttons.
  const receipt = page.getByRole('region', { name: '同意の控え' });
  await receipt.scrollIntoViewIfNeeded();
  await screen(page, 'reception-7-receipt', receipt);
  await receipt.getByRole('button', { name: '控えを保存する（HTML）' }).scrollIntoViewIfNeeded();
  await screen(page, 'reception-8-receipt-end', receipt.getByRole('button', { name: '控えを保存する（HTML）' }));
});

test('reception: the menu and an online consultation from an app with its date', async ({ page }) => {
  await page.goto(LINK);
  await screen(page, 'online-0-menu', page.getByRole('heading', { name: 'ご用件を選んでください' }));
  // Issue 16 §6: the outage link is a 44 px target; hints are at least 16 px.
  const outage = await page.getByRole('link', { name: /オンラインで資格確認ができないとき/ }).boundingBox();
  expect(outage!.height).toBeGreaterThanOrEqual(44);
  const hintSizes = await page.locator('.choice-hint, .hint').evaluateAll((hints) => hints.map((h) => parseFloat(getComputedStyle(h).fontSize)));
  expect(Math.min(...hintSizes)).toBeGreaterThanOrEqual(16);
  // Issue 16 §2: an app arrival with a date skips that menu, and the date is shown, not asked.
  await page.goto(`${LINK}?return=${encodeURIComponent('https://telemed.example/return?visit=42')}&date=${tomorrowInJapan()}`);
  await expect(page.getByRole('heading', { name: 'ご準備ください' })).toBeVisible();
  await page.getByRole('button', { name: '準備ができました' }).click();
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  await screen(page, 'online-1-consent-with-date', page.getByText('オンライン診療アプリから受け取った診療日です。'));
  await expect(page.getByLabel('診療日')).toHaveCount(0);
  await expectChoicesOnOneLine(page);
});

test('reception: the consent lookup and the revocation intros', async ({ page }) => {
  await page.goto(LINK);
  await page.getByRole('button', { name: /同意照会・更新/ }).click();
  // Issue 16 §2: 同意照会・更新 starts with the card step.
  await screen(page, 'manage-1-card', page.getByRole('button', { name: 'リンクをコピー' }).or(page.getByRole('link', { name: 'カードのアプリを開く' })));
  await page.getByRole('button', { name: 'メニューに戻る' }).click();
  await page.getByRole('button', { name: /すべての同意を取消す/ }).click();
  await screen(page, 'revoke-1-intro', page.getByRole('button', { name: 'カードで本人確認して取り消す' }));
});

test('fallback: the causes, a guide step, the declaration form and its print view', async ({ page }) => {
  await page.goto(FALLBACK);
  await screen(page, 'fallback-1-causes', page.getByRole('heading', { level: 2, name: '何が起きていますか？' }));
  await page.getByRole('button', { name: /タブレットが使えない・つながらない/ }).click();
  await screen(page, 'fallback-2-step', page.getByText('手順 1／3'));
  // issue 16 §2: the F1 proofs as one choice (answer 2 of at most 3).
  await page.getByRole('button', { name: 'できない', exact: true }).click();
  await screen(page, 'fallback-2-proofs', page.getByRole('heading', { level: 2, name: '資格を確かめられるものはありますか？' }));
  await page.goto(`${FALLBACK}/form`);
  await screen(page, 'fallback-3-form', page.getByRole('heading', { level: 1, name: '被保険者資格申立書' }));
  await page.getByRole('link', { name: '印刷用の表示' }).click();
  await screen(page, 'fallback-6-print-screen', page.getByRole('article', { name: '被保険者資格申立書', exact: true }));
});

test('staff: the login, the second factor, the dashboard and the clinic registration form', async ({ page }) => {
  await page.goto('/staff');
  await screen(page, 'staff-login', page.getByRole('heading', { name: 'ログイン', exact: true }));
  await page.getByRole('link', { name: '医療機関を新しく登録する' }).click();
  await screen(page, 'institution-register', page.getByLabel('医療機関コード（10桁）'));
  await page.goto('/staff');
  await page.getByLabel('ログインID').fill('demo-clerk');
  await page.getByLabel('パスワード').fill(E2E_DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await screen(page, 'staff-login-second-factor', page.getByRole('heading', { name: '2段階認証' }));
  const signedIn = page.getByText('デモ受付（受付）でログイン中');
  await enterTotp(page, signedIn, 'clerk');
  // Issue 16: the home's to-do counts have loaded (the clerk's: no locked accounts).
  await expect(page.getByRole('region', { name: '今日の作業' }).getByRole('link', { name: /^\d+件 確認待ちの申立書$/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /ロック中の職員アカウント/ })).toHaveCount(0);
  await screen(page, 'staff-dashboard', page.locator('a.link-text'));
});

/** Each section of the administrator's console, and what shows it has loaded. */
const ADMIN_SECTIONS: [section: string, ready: (page: Page) => Locator][] = [
  ['revoke', (page) => page.getByRole('button', { name: '検索する' })],
  ['requery', (page) => page.getByRole('heading', { level: 1, name: '再照会（2回目以降の訪問前）' })],
  ['batch', (page) => page.getByRole('button', { name: 'テンプレートをダウンロード' })],
  ['lists', (page) => page.getByRole('heading', { level: 1, name: '同意の期限・月1回の確認' })],
  ['consents', (page) => page.getByRole('table')],
  ['link', (page) => page.getByRole('textbox', { name: 'この医療機関のリンク' })],
  ['settings', (page) => page.getByLabel('診療情報を利用する')],
  ['devices', (page) => page.getByText('この医療機関のリンクを使った端末（最近90日）です。', { exact: false })],
  ['poster', (page) => page.locator('article.poster').getByRole('img')],
  // Issue 16: the events by their Japanese names (the administrator's own sign-in is one of them).
  ['audit', (page) => page.getByRole('region', { name: '記録の表（横にスクロールできます）' }).getByRole('cell', { name: 'ログイン（2段階目の認証）' }).first()],
  ['security', (page) => page.getByRole('heading', { level: 1, name: 'わたしのセキュリティ設定' })],
  ['accounts', (page) => page.getByRole('form', { name: 'アカウントを作成' })],
  // Issue 19 #2: the connected systems' API clients.
  ['api-clients', (page) => page.getByRole('checkbox', { name: '同意の状態' })],
  // Issue 19 #3: the change feed's webhook endpoint and dead letters.
  ['webhooks', (page) => page.getByRole('textbox', { name: '送信先のアドレス（https://）' })],
];

// One sign-in for all the sections: a test per section spent most of its time opening a page
// and restoring the session, not on the section.
test('staff: every section of the administrator\'s console', async ({ page, request }) => {
  test.setTimeout(300_000);
  // Something to list in the consents and lists sections: a consent (p01).
  await registerViaApi(request, 'card-01');
  await signInStaff(page, '/staff');
  for (const [section, ready] of ADMIN_SECTIONS) {
    await page.goto(`/staff/${section}`);
    await screen(page, `staff-${section}`, ready(page));
  }
});

test('staff: a patient\'s page and the inbox', async ({ page, request }) => {
  // Something to show: a consent (p01) and a received declaration.
  await registerViaApi(request, 'card-01');
  await signInStaff(page, '/staff');
  const id = await submitDeclaration(request, await drawnSignature(page), '画面　確子', 'ガメン カクコ');
  await page.goto('/staff/persons/p01');
  await screen(page, 'staff-person', page.getByRole('heading', { level: 2, name: '山田　花子' }));
  // D4 / issue 16 #1 #3: 和暦 with the year and full-width kana at every size.
  await expect(page.locator('.person-head')).toContainText('昭和61年6月14日（1986年）');
  await expect(page.locator('.person-head')).toContainText('ヤマダ ハナコ');

  await page.goto('/staff/inbox?status=received');
  await screen(page, 'staff-inbox-1-list', page.locator(`a[href="/staff/inbox/${id}"]`));
  await page.goto(`/staff/inbox/${id}`);
  await screen(page, 'staff-inbox-2-detail', page.getByRole('heading', { name: '画面　確子さんの申立書' }));
  await page.getByRole('button', { name: '資格確認済みにする' }).click();
  await screen(page, 'staff-inbox-4-verify', page.getByRole('group', { name: '資格を確認できたことを記録しますか？' }));
});

test('staff: the doctor\'s clinical view', async ({ page, request }) => {
  await registerViaApi(request, 'card-01');
  await signInStaff(page, '/staff/clinical', 'doctor');
  await screen(page, 'staff-clinical', page.getByRole('heading', { level: 1, name: '同意された診療・お薬情報（医師のみ）' }));
});
