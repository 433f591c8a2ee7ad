import { expect, expectNoSeriousA11yViolations, PHONE, snapshot, test } from './support/fixtures.ts';
import { consentToEverything, LINK, qrPathFor, resetCard, tomorrowInJapan, useCard } from './support/reception.ts';

// Each screen of (a) — preparation, consent, prescription, confirmation, QR handoff, the card
// app's cards and PIN, done — is shown with an axe scan at phone and desktop size in screens.spec.ts.
test('(a) R1–R7: a home visit on a tablet, card read on the patient’s phone through the QR code', async ({ page, browser }) => {
  // Two devices on a busy two-core machine.
  test.setTimeout(120_000);
  await page.goto(`${LINK}?visit=homeVisit`);
  await expect(page.getByText('在宅受付デモクリニック')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'ご準備ください' })).toBeVisible();
  await expect(page.getByText('顔認証マイナンバーカード（暗証番号の設定がないカード）は、この受付では使えません。')).toBeVisible();
  await expect(page.getByRole('link', { name: /マイナポータルで利用登録をする/ })).toHaveAttribute('href', 'https://myna.go.jp/');

  await page.getByRole('button', { name: '準備ができました' }).click();
  await expect(page.getByRole('heading', { name: '情報の提供に同意してください' })).toBeVisible();
  // Unanswered items are never taken as refusals: 次へ asks for them.
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('alert')).toContainText('選んでいない項目が5件あります。');
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  // S1: clinical and medication information are one choice.
  await expect(page.getByRole('group', { name: '診療・薬剤情報' })).toBeVisible();
  await page.getByRole('group', { name: '限度額情報' }).getByLabel('同意しない').check();
  await page.getByRole('button', { name: '次へ' }).click();

  // The choices survive a reload mid-flow.
  await expect(page.getByRole('heading', { name: '処方箋の受け取り方を選んでください' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: '処方箋の受け取り方を選んでください' })).toBeVisible();
  await page.getByText('電子処方箋', { exact: true }).click();
  await page.getByRole('button', { name: '次へ' }).click();

  await expect(page.getByRole('heading', { name: '内容を確認してください' })).toBeVisible();
  await expect(page.getByText('手術情報、診療・薬剤情報、特定健診情報、特定疾病療養受療証情報')).toBeVisible();
  await expect(page.getByText(/継続して訪問診療等を受けている間.*いつでも取り消せます/)).toBeVisible();
  await page.getByRole('button', { name: '同意内容を登録する' }).click();

  // R6 cross-device: the tablet shows a QR code; the patient's phone opens what it holds.
  await expect(page.getByRole('heading', { name: 'マイナンバーカードで本人確認' })).toBeVisible();
  const qr = page.getByRole('img', { name: 'マイナンバーカードのアプリを開く二次元コード' });
  await expect(qr).toBeVisible();
  const cardAppUrl = (await page.getByTestId('card-app-link').getAttribute('href'))!;
  expect(await qr.locator('path').getAttribute('d')).toBe(qrPathFor(cardAppUrl));
  expect(new URL(cardAppUrl).searchParams.has('return')).toBe(false);
  await expect(page.getByText('カードでの確認を待っています…')).toBeVisible();

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'ja-JP' });
  const phonePage = await phone.newPage();
  const pinRequests: string[] = [];
  phonePage.on('request', (req) => {
    if ((req.postData() ?? '').includes('"pin"')) pinRequests.push(new URL(req.url()).pathname);
  });
  await phonePage.goto(cardAppUrl);
  await expect(phonePage.getByText('これは試験用のカードアプリのシミュレーターです。')).toBeVisible();
  await phonePage.getByRole('button', { name: /カード01/ }).click();
  await phonePage.getByRole('textbox', { name: '暗証番号（4桁）を入力してください' }).fill('1234');
  await phonePage.getByRole('button', { name: '読み取り開始' }).click();
  await expect(phonePage.getByText('確認できました。受付をしている端末（タブレットなど）の画面に戻ってください。')).toBeVisible();
  // P2: the PIN went to the simulated card only, never to the reception API.
  expect(pinRequests).toEqual(['/sim/api/cards/card-01/sign']);
  await phone.close();

  // The tablet moves on by itself and shows the eligibility record (R7, E2).
  await expect(page.getByRole('heading', { name: '受付が完了しました' })).toBeVisible({ timeout: 5000 });
  await expect(page.getByText('保険資格の確認結果')).toBeVisible();
  await expect(page.locator('.status-badge')).toHaveText('有効');
  await expect(page.getByText('保険資格を確認できました。表示された内容で請求できます。')).toBeVisible();
  await expect(page.getByText('山田　花子')).toBeVisible();
  await expect(page.getByText('取り消すまで有効です（いつでも取り消せます）。')).toBeVisible();
  // Cost-limit information was not consented, so it is not shown.
  await expect(page.getByText('限度額適用区分')).toHaveCount(0);

  // The next patient starts from a clean screen.
  await page.getByRole('button', { name: '次の受付を始める' }).click();
  await expect(page.getByRole('heading', { name: 'ご準備ください' })).toBeVisible();
  await expect(page.getByText('山田　花子')).toHaveCount(0);
});

test.describe('on the patient’s phone', () => {
  test.use(PHONE);

  test('(b) R3, R7, R10, R12, U4: an online consultation on a phone from a telemedicine app, same device, back to the app with the outcome; back again, then an update', async ({ page }, info) => {
    test.setTimeout(90_000);
    await page.route('https://telemed.example/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>telemed</title><h1>Telemed app</h1>' }));
    const fromApp = `${LINK}?return=${encodeURIComponent('https://telemed.example/return?visit=42')}`;
    await page.goto(fromApp);
    // U4: no consent in force on this device: the app's patient starts on the preparation screen.
    await expect(page.getByRole('heading', { name: 'ご準備ください' })).toBeVisible();
    await consentToEverything(page);

    await expect(page.getByRole('heading', { name: '診療日を入力してください' })).toBeVisible();
    await page.getByRole('button', { name: '次へ' }).click();
    await expect(page.getByText('診療日を入力してください。')).toBeVisible();
    await page.getByLabel('診療日').fill('2020-01-01');
    await page.getByRole('button', { name: '次へ' }).click();
    await expect(page.getByText('今日以降の日付を入力してください。')).toBeVisible();
    const date = tomorrowInJapan();
    await page.getByLabel('診療日').fill(date);
    await snapshot(page, 'online-1-date', info.project.name);
    await page.getByRole('button', { name: '次へ' }).click();

    // S5: the app did not say it supports e-prescriptions, so the form is not asked.
    await expect(page.getByRole('heading', { name: '内容を確認してください' })).toBeVisible();
    await expect(page.getByText('診察時に確認します')).toBeVisible();
    // R10: for online the 診療日 is part of what is confirmed.
    await expect(page.locator('.summary')).toContainText('診療日');
    await snapshot(page, 'online-2-confirm', info.project.name);
    // A lost connection at the last step loses nothing: the answers stay and a retry works.
    await page.context().setOffline(true);
    await page.getByRole('button', { name: '同意内容を登録する' }).click();
    await expect(page.getByRole('alert')).toHaveText('通信できませんでした。電波の状態を確認して、もう一度お試しください。');
    await page.context().setOffline(false);
    await expect(page.getByText('診察時に確認します')).toBeVisible();
    await page.getByRole('button', { name: '同意内容を登録する' }).click();

    await expect(page.getByRole('link', { name: 'カードのアプリを開く' })).toBeVisible();
    await snapshot(page, 'online-3-handoff', info.project.name);
    await expectNoSeriousA11yViolations(page);
    await page.getByRole('link', { name: 'カードのアプリを開く' }).click();
    await useCard(page, /カード01/);
    // The card app hands the patient back to the reception, which completes by itself.
    await expect(page.getByRole('heading', { name: '受付が完了しました' })).toBeVisible({ timeout: 10_000 });
    // R7: no eligibility record for online consultations.
    await expect(page.getByText('保険資格の確認結果')).toHaveCount(0);
    await expect(page.getByText(/情報を確認できる期限/)).toBeVisible();
    await snapshot(page, 'online-4-done', info.project.name);
    await page.getByRole('button', { name: '手続きを終了する' }).click();
    // R12: the app learns the outcome and the date, after its own parameters.
    await expect(page).toHaveURL(`https://telemed.example/return?visit=42&zaitaku_result=registered&zaitaku_consultation_date=${date}`);

    // U4: back from the app with that consent in force: the revoke confirmation comes first.
    await page.goto(fromApp);
    await expect(page.getByRole('heading', { name: 'すべての同意を取消す' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'カードで本人確認して取り消す' })).toBeVisible();
    await snapshot(page, 'online-5-revoke-landing', info.project.name);
    // The menu leads to 同意照会・更新 (U1); from the app the date cannot be changed (U2), so it is not asked.
    await page.getByRole('button', { name: 'メニューに戻る' }).click();
    await page.getByRole('button', { name: /同意照会・更新/ }).click();
    await page.getByRole('button', { name: 'カードで本人確認して内容を見る' }).click();
    await page.getByRole('link', { name: 'カードのアプリを開く' }).click();
    await useCard(page, /カード01/);
    await page.getByRole('region', { name: 'オンライン診療等' }).getByRole('button', { name: '内容を変更する' }).click();
    await page.getByRole('group', { name: '手術情報' }).getByLabel('同意しない').check();
    await page.getByRole('button', { name: '更新内容を確認する' }).click();
    await expect(page.locator('.summary')).toContainText('診療日');
    await snapshot(page, 'online-6-update-confirm', info.project.name);
    await page.getByRole('button', { name: '同意内容を更新する' }).click();
    await page.getByRole('link', { name: 'カードのアプリを開く' }).click();
    await useCard(page, /カード01/);
    await expect(page.getByRole('heading', { name: '同意の内容を変更しました' })).toBeVisible({ timeout: 10_000 });
    // U4: after an update from the app, 「手続きを終了する」 is the way out, and it returns to the app.
    await expect(page.getByRole('button', { name: '終わる' })).toHaveCount(0);
    await snapshot(page, 'online-7-updated', info.project.name);
    await page.getByRole('button', { name: '手続きを終了する' }).click();
    await expect(page).toHaveURL(`https://telemed.example/return?visit=42&zaitaku_result=registered&zaitaku_consultation_date=${date}`);
  });
});

test('(b2) R1: a return address not on the allow-list is refused with a clear message', async ({ page }) => {
  await page.goto(`${LINK}?return=${encodeURIComponent('https://evil.example/steal')}`);
  await expect(page.getByRole('heading', { name: 'このアプリからは受付できません' })).toBeVisible();
  await expect(page.getByRole('button', { name: '準備ができました' })).toHaveCount(0);
});

test.describe('the card app on the patient’s phone', () => {
  test.use(PHONE);

  test('(c) F7: three wrong PINs lock the card, and the next attempt explains what to do', async ({ page }, info) => {
    resetCard('card-lock');
    await page.goto(`${LINK}?visit=houseCall`);
    await consentToEverything(page);
    await page.getByText('紙の処方箋', { exact: true }).click();
    await page.getByRole('button', { name: '次へ' }).click();
    await page.getByRole('button', { name: '同意内容を登録する' }).click();
    await page.getByRole('link', { name: 'カードのアプリを開く' }).click();

    await useCard(page, /暗証番号ロックの確認用/, '9999');
    await expect(page.getByRole('alert')).toHaveText('暗証番号が違います。あと2回間違えるとロックされます。');
    await page.getByRole('textbox', { name: '暗証番号（4桁）を入力してください' }).fill('9998');
    await page.getByRole('button', { name: '読み取り開始' }).click();
    await expect(page.getByRole('alert')).toHaveText('暗証番号が違います。あと1回間違えるとカードがロックされます。');
    await page.getByRole('textbox', { name: '暗証番号（4桁）を入力してください' }).fill('9997');
    await page.getByRole('button', { name: '読み取り開始' }).click();
    await expect(page.getByRole('alert')).toContainText('カードがロックされています');
    // Even the right PIN is refused now: only the municipal office can unlock the card.
    await page.getByRole('textbox', { name: '暗証番号（4桁）を入力してください' }).fill('1234');
    await page.getByRole('button', { name: '読み取り開始' }).click();
    await expect(page.getByRole('alert')).toContainText('市区町村の窓口');
    await expect(page.getByRole('alert')).toContainText('資格確認書');
    await snapshot(page, 'card-app-3-locked', info.project.name);
    resetCard('card-lock');
  });
});

test('(d) R2: a face-authentication-only card is refused', async ({ page }) => {
  await page.goto(`${LINK}?visit=houseCall`);
  await consentToEverything(page);
  await page.getByText('紙の処方箋', { exact: true }).click();
  await page.getByRole('button', { name: '次へ' }).click();
  await page.getByRole('button', { name: '同意内容を登録する' }).click();
  const cardAppUrl = await page.getByTestId('card-app-link').getAttribute('href');
  await page.goto(cardAppUrl!);
  await useCard(page, /顔認証/);
  await expect(page.getByRole('alert')).toContainText('顔認証マイナンバーカード');
  await expect(page.getByRole('alert')).toContainText('使えません');
});

// Its look and axe scan are in screens.spec.ts.
test('(e) an unknown institution link gets a clear page in Japanese and English', async ({ page }) => {
  await page.goto('/i/no-such-institution-link');
  await expect(page.getByRole('heading', { name: 'このリンクは使えません' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'This link cannot be used' })).toBeVisible();
});

test('(f) P6: between 03:00 and 06:00 JST the preparation screen says card registration is unavailable', async ({ page }) => {
  await page.clock.setFixedTime(new Date('2026-11-22T04:10:00+09:00'));
  await page.goto(`${LINK}?visit=homeVisit`);
  await expect(page.getByRole('note')).toContainText('午前3時〜午前6時');
  await page.clock.setFixedTime(new Date('2026-11-22T06:00:00+09:00'));
  await page.reload();
  await expect(page.getByRole('heading', { name: 'ご準備ください' })).toBeVisible();
  await expect(page.getByText('午前3時〜午前6時')).toHaveCount(0);
});
