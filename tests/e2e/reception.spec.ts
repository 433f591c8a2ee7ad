import { expect, expectNoSeriousA11yViolations, PHONE, snapshot, test, textsWithoutReadings } from './support/fixtures.ts';
import { consultationDay } from '../../src/app/reception/consultation-day.ts';
import { consentToEverything, copyCardAppLink, expectChoicesOnOneLine, LINK, qrPathFor, resetCard, tomorrowInJapan, useCard } from './support/reception.ts';

// Each screen of (a) — preparation, consent, prescription, confirmation, QR handoff, the card
// app's cards and PIN, done — is shown with an axe scan at phone and desktop size in screens.spec.ts.
test('(a) R1–R7, R5, R6, R11, E1, D4: a home visit on a tablet, card read on the patient’s phone through the QR code; issue 16 §2–§4: one step count, no printed address, the copied link, reader wording', async ({ page, browser }, info) => {
  // Two devices on a busy two-core machine.
  test.setTimeout(120_000);
  // The nurse opens the clinic's link: the menu asks the visit type itself (issue 16 §2: one screen).
  await page.goto(LINK);
  await expect(page.getByText('在宅受付デモクリニック')).toBeVisible();
  const register = page.getByRole('region', { name: '同意を登録する' });
  await expect(register.getByRole('button')).toHaveCount(3);
  await register.getByRole('button', { name: /訪問診療等/ }).click();
  await expect(page.getByRole('heading', { name: 'ご準備ください' })).toBeVisible();
  // Issue 16 §2: one step count from the first step through the card step, whatever is chosen.
  await expect(page.getByText('手順 1 / 3')).toBeVisible();
  await expect(page.getByText('顔認証マイナンバーカード（暗証番号の設定がないカード）は、この受付では使えません。')).toBeVisible();
  await expect(page.getByRole('link', { name: /マイナポータルで利用登録をする/ })).toHaveAttribute('href', 'https://myna.go.jp/');
  // Issue 16 §6: a whole 44 px target, though it ends a sentence.
  expect((await page.getByRole('link', { name: /マイナポータルで利用登録をする/ }).boundingBox())?.height).toBeGreaterThanOrEqual(44);
  // R11: the latest card app, a reader on a PC; staff never note the My Number. The Mynaportal login check is for online patients.
  await expect(page.getByText('最新のマイナポータルアプリが必要です')).toBeVisible();
  await expect(page.getByText('パソコンで受付する場合は、ICカードリーダライタが必要です。')).toBeVisible();
  await expect(page.getByText(/職員がマイナンバー（個人番号）を書き留めたり、保管したりすることはありません/)).toBeVisible();
  await expect(page.getByText(/マイナポータルにログインできるか/)).toHaveCount(0);
  // Issue 16 §6: the hard term carries its reading.
  await expect(page.locator('ruby.term').filter({ hasText: '利用者証明用電子証明書' }).locator('rt').first()).toHaveText('りようしゃしょうめいようでんししょうめいしょ');

  await page.getByRole('button', { name: '準備ができました' }).click();
  await expect(page.getByRole('heading', { name: '情報の提供に同意してください' })).toBeVisible();
  await expect(page.getByText('手順 2 / 3')).toBeVisible();
  // Unanswered items are never taken as refusals: the button asks for them (and for the form).
  await page.getByRole('button', { name: '同意内容を登録する' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '選んでいない項目が5件あります。' })).toBeVisible();
  await expect(page.getByText('どちらかを選んでください。')).toBeVisible();
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  // S1: clinical and medication information are one choice.
  await expect(page.getByRole('group', { name: '診療・薬剤情報' })).toBeVisible();
  await page.getByRole('group', { name: '限度額情報' }).getByLabel('同意しない').check();
  await expectChoicesOnOneLine(page);
  await snapshot(page, 'tablet-consent', info.project.name);

  // The choices survive a reload mid-flow.
  await page.reload();
  await expect(page.getByRole('group', { name: '限度額情報' }).getByLabel('同意しない')).toBeChecked();
  await expect(page.getByText('手順 2 / 3')).toBeVisible();
  // S5 and R5 on the same screen: the prescription form, and that the consent lasts across visits and can be revoked at any time.
  await expect(page.getByRole('heading', { name: '処方箋の受け取り方を選んでください' })).toBeVisible();
  await page.getByText('電子処方箋', { exact: true }).click();
  await expect(page.getByText(/継続して訪問診療等を受けている間.*いつでも取り消せます/)).toBeVisible();
  await page.getByRole('button', { name: '同意内容を登録する' }).click();

  // R6 cross-device: the tablet shows a QR code; the patient's phone opens what it holds.
  await expect(page.getByRole('heading', { name: 'マイナンバーカードで本人確認' })).toBeVisible();
  await expect(page.getByText('手順 3 / 3')).toBeVisible();
  // R6: family may help at home; only a legal representative types the PIN for the patient.
  await expect(page.getByText(/ご家族などが.*手伝うことができます。ただし、ご本人に代わって暗証番号を入力できるのは、乳幼児や成年被後見人の法定代理人だけです。/)).toBeVisible();
  // Issue 16 §3: on the tablet's own reader the wording is the reader's, never the phone's.
  await page.getByRole('button', { name: 'この端末でカードを読み取る' }).click();
  await expect(page.getByText(/カードリーダーにマイナンバーカードを置いて/)).toBeVisible();
  await expect(page.getByText(/スマートフォン(の背面)?にかざして/)).toHaveCount(0);
  await snapshot(page, 'tablet-reader', info.project.name);
  await page.getByRole('button', { name: /別のスマートフォンで読み取る/ }).click();
  const qr = page.getByRole('img', { name: 'マイナンバーカードのアプリを開く二次元コード' });
  await expect(qr).toBeVisible();
  // Issue 16 §3: no address on screen; the expiry as a ring with the time in words.
  await expect(page.locator('main')).not.toContainText('/card-app');
  await expect(page.locator('a[href*="/card-app"]')).toHaveCount(0);
  await expect(page.locator('svg.expiry-ring')).toBeVisible();
  await expect(page.getByTestId('qr-expiry')).toHaveText(/この二次元コードの有効期限：あと[45]分\d+秒/);
  const cardAppUrl = await copyCardAppLink(page);
  await page.locator('.copy-link').scrollIntoViewIfNeeded();
  await snapshot(page, 'tablet-qr', info.project.name);
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
  await expect(phonePage.getByRole('heading', { name: /スマートフォンの背面にかざす/ })).toBeVisible();
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
  // E1: the data shown is what the clinic claims with, even where the paper card differs.
  await expect(page.getByText('請求には、ここに表示された資格情報を使います。保険証などの記載と異なる場合も、原則として表示された内容が優先されます。')).toBeVisible();
  await expect(page.getByText('保険資格を確認できませんでした')).toHaveCount(0);
  await expect(page.getByText('山田　花子')).toBeVisible();
  // D4 / issue 16 #1 #3: the date of birth in 和暦 with the year, kana full-width, the card numbers labelled.
  const record = page.locator('.facts.record');
  await expect(record).toContainText('昭和61年6月14日（1986年）');
  await expect(record).toContainText('ヤマダ ハナコ');
  await expect(record).not.toContainText('ﾔﾏﾀﾞ');
  await expect(record).toContainText('記号 31150617　番号 1042　枝番 00');
  await expect(page.getByText('取り消すまで有効です（いつでも取り消せます）。')).toBeVisible();
  // Cost-limit information was not consented, so it is not shown.
  await expect(page.getByText('限度額適用区分')).toHaveCount(0);

  // The next patient starts from a clean screen: the link's menu.
  await page.getByRole('button', { name: '次の受付を始める' }).click();
  await expect(page.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
  await expect(page.getByText('山田　花子')).toHaveCount(0);
});

test.describe('on the patient’s phone', () => {
  test.use(PHONE);

  test('(b) R3, R5, R7, R10, R11, R12, U4: an online consultation on a phone from a telemedicine app, same device, back to the app with the outcome; back again, then an update; issue 16 §2, §4: the app skips an earlier menu, unbroken choices, the done screen names the day', async ({ page }, info) => {
    test.setTimeout(90_000);
    await page.route('https://telemed.example/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>telemed</title><h1>Telemed app</h1>' }));
    // The clinic's link was opened on this phone before: it stopped on the menu.
    await page.goto(LINK);
    await expect(page.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
    const fromApp = `${LINK}?return=${encodeURIComponent('https://telemed.example/return?visit=42')}`;
    await page.goto(fromApp);
    // U4, issue 16 §2: no consent in force on this device: the app's patient starts on the preparation screen, not that menu.
    await expect(page.getByRole('heading', { name: 'ご準備ください' })).toBeVisible();
    // R11: an online patient is advised to check the Mynaportal login beforehand.
    await expect(page.getByText('オンライン診療の前に、ご自身のスマートフォンやパソコンでマイナポータルにログインできるか確かめておくと安心です。')).toBeVisible();
    await consentToEverything(page);
    await expectChoicesOnOneLine(page);

    // R3: the date is on the consent screen; the button asks for it.
    await expect(page.getByRole('heading', { name: '診療日を入力してください' })).toBeVisible();
    await page.getByRole('button', { name: '同意内容を登録する' }).click();
    await expect(page.getByText('診療日を入力してください。')).toBeVisible();
    await page.getByLabel('診療日').fill('2020-01-01');
    await page.getByRole('button', { name: '同意内容を登録する' }).click();
    await expect(page.getByText('今日以降の日付を入力してください。')).toBeVisible();
    // Issue 16 §1: the date is typed as people write it; what is not a date is refused and kept.
    await page.getByLabel('診療日').fill('R8.13.40');
    await page.getByRole('button', { name: '同意内容を登録する' }).click();
    await expect(page.getByText('日付が正しくありません。')).toBeVisible();
    await expect(page.getByLabel('診療日')).toHaveValue('R8.13.40');
    const iso = tomorrowInJapan();
    const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
    const date = `R${year - 2018}.${month}.${day}`;
    await page.getByLabel('診療日').fill(date);
    await expect(page.getByTestId('date-understood')).toHaveText(`令和${year - 2018}年${month}月${day}日（${year}年） として受け付けます`);
    await snapshot(page, 'online-1-date', info.project.name);

    // S5: the app did not say it supports e-prescriptions, so the form is not asked.
    await expect(page.getByRole('heading', { name: '処方箋の受け取り方を選んでください' })).toHaveCount(0);
    // R5: for an online consultation the consent lasts through the consultation date.
    await expect(page.getByText(/診療日の終わりまで、この同意に基づいて情報を確認します/)).toBeVisible();
    await snapshot(page, 'online-2-confirm', info.project.name);
    // A lost connection at the last step loses nothing: the answers stay and a retry works.
    await page.context().setOffline(true);
    await page.getByRole('button', { name: '同意内容を登録する' }).click();
    await expect(page.getByRole('alert')).toHaveText('通信できませんでした。電波の状態を確認して、もう一度お試しください。');
    await page.context().setOffline(false);
    await expect(page.getByLabel('診療日')).toHaveValue(date);
    await page.getByRole('button', { name: '同意内容を登録する' }).click();

    await expect(page.getByRole('link', { name: 'カードのアプリを開く' })).toBeVisible();
    // Issue 16 §3: a phone reads the card on its back.
    await expect(page.getByText(/カードをスマートフォンの背面にかざしてください/)).toBeVisible();
    await snapshot(page, 'online-3-handoff', info.project.name);
    await expectNoSeriousA11yViolations(page);
    await page.getByRole('link', { name: 'カードのアプリを開く' }).click();
    await useCard(page, /カード01/);
    // The card app hands the patient back to the reception, which completes by itself.
    await expect(page.getByRole('heading', { name: '受付が完了しました' })).toBeVisible({ timeout: 10_000 });
    // R7: no eligibility record for online consultations.
    await expect(page.getByText('保険資格の確認結果')).toHaveCount(0);
    // Issue 16 §4: the day booked, on one line, and what comes next.
    const validThrough = page.locator('.valid-through');
    await expect(validThrough).toHaveText(`情報を確認できる期限：${consultationDay(iso, 'ja')}の診療日まで`);
    await expect(validThrough.locator('.nowrap')).toHaveCSS('white-space', 'nowrap');
    await expect(page.getByText('アプリで予約を確定してください。', { exact: false })).toBeVisible();
    await snapshot(page, 'online-4-done', info.project.name);
    await page.getByRole('button', { name: '手続きを終了する' }).click();
    // R12: the app learns the outcome and the date, after its own parameters.
    await expect(page).toHaveURL(`https://telemed.example/return?visit=42&zaitaku_result=registered&zaitaku_consultation_date=${iso}`);

    // U4: back from the app with that consent in force: the revoke confirmation comes first.
    await page.goto(fromApp);
    await expect(page.getByRole('heading', { name: 'すべての同意を取消す' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'カードで本人確認して取り消す' })).toBeVisible();
    await snapshot(page, 'online-5-revoke-landing', info.project.name);
    // The menu leads to 同意照会・更新 (U1); from the app the date cannot be changed (U2), so it is not asked.
    await page.getByRole('button', { name: 'メニューに戻る' }).click();
    await page.getByRole('button', { name: /同意照会・更新/ }).click();
    // Issue 16 §2: the menu's choice starts the card step; from the app the online consent's form opens at once.
    await page.getByRole('link', { name: 'カードのアプリを開く' }).click();
    await useCard(page, /カード01/);
    await page.getByRole('region', { name: 'オンライン診療等' }).getByRole('group', { name: '手術情報' }).getByLabel('同意しない').check();
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
    await expect(page).toHaveURL(`https://telemed.example/return?visit=42&zaitaku_result=registered&zaitaku_consultation_date=${iso}`);
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

test('(d) R2, R5, E2, P4: a face-authentication-only card is refused before any PIN; a lost qualification is a warning that leads to the guide and a pre-filled form, gone when the walk ends without it', async ({ page }, info) => {
  await page.goto(`${LINK}?visit=houseCall`);
  await consentToEverything(page);
  await page.getByText('紙の処方箋', { exact: true }).click();
  // R5: for a house call the consent lasts 24 hours from registration.
  await expect(page.getByText('往診では、登録から24時間の間、この同意に基づいて情報を確認します。')).toBeVisible();
  await page.getByRole('button', { name: '同意内容を登録する' }).click();
  await page.goto(await copyCardAppLink(page));

  // R2: holding the face-auth-only card is refused at once, with the reason and the alternatives; no PIN pad.
  await page.getByRole('button', { name: /顔認証/ }).click();
  const refusal = page.getByRole('alert');
  await expect(refusal).toContainText('顔認証マイナンバーカード');
  await expect(refusal).toContainText('暗証番号でしか本人確認ができないため、このカードは使えません');
  for (const alternative of ['資格確認書', 'マイナンバーカードと「資格情報のお知らせ」', '有効期限内の健康保険証', '被保険者資格申立書']) {
    await expect(refusal.getByRole('listitem').filter({ hasText: alternative })).toHaveCount(1);
  }
  // Issue 16 §6: the card app gives the form's name its reading too.
  await expect(refusal.getByRole('listitem').locator('ruby.term rt')).toHaveText('ひほけんしゃしかくもうしたてしょ');
  await expect(page.getByRole('textbox', { name: '暗証番号（4桁）を入力してください' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: '読み取り開始' })).toHaveCount(0);

  // The patient's other card: its qualification was lost at the end of last month.
  await page.getByRole('button', { name: '別のカードを選ぶ' }).click();
  await useCard(page, /カード02/);
  await expect(page.getByText('確認できました。受付をしている端末（タブレットなど）の画面に戻ってください。')).toBeVisible();

  // Back on the reception (same tab: the card step resumes and completes), the result is a warning, not a completion.
  await page.goto(`${LINK}?visit=houseCall`);
  const warning = page.getByRole('alert');
  await expect(warning.getByRole('heading', { name: '保険資格を確認できませんでした' })).toBeVisible({ timeout: 10_000 });
  await expect(warning).toContainText('確認した資格は無効です（資格喪失）');
  await expect(page.getByRole('heading', { name: '受付が完了しました' })).toHaveCount(0);
  await expect(page.locator('.message.success')).toHaveCount(0);
  // E2: the next steps for lost, in order, with a still-valid 健康保険証 and no Mynaportal screen; E1's claim note is not shown.
  await expect(page.locator('ol.next-steps > li')).toHaveCount(4);
  expect(await textsWithoutReadings(page.locator('ol.next-steps > li'))).toEqual([
    '資格確認書の提示をお願いしてください。',
    'マイナンバーカードと「資格情報のお知らせ」の提示をお願いしてください。',
    '有効期限内の健康保険証をお持ちであれば、その提示をお願いしてください。',
    'いずれもない場合は、被保険者資格申立書に記入してもらってください。',
  ]);
  // Issue 16 §6: the hard term carries its reading here too, and on the button below.
  await expect(page.locator('ol.next-steps ruby.term rt')).toHaveText('ひほけんしゃしかくもうしたてしょ');
  await expect(page.getByRole('button', { name: /この患者さんの\s*被保険者資格申立書\s*を記入する/ }).locator('ruby.term rt')).toHaveCount(1);
  await expect(page.getByText(/マイナポータルの資格情報画面でも有効な資格は確認できません/)).toBeVisible();
  await expect(page.getByText(/請求には、ここに表示された資格情報を使います/)).toHaveCount(0);
  await expect(page.locator('.status-badge')).toHaveText('無効（資格喪失）');
  await snapshot(page, 'reception-7-lost-result', info.project.name);
  await expectNoSeriousA11yViolations(page);

  // E2: straight to this patient's declaration form, filled in from the record (kana made full-width, the era date of birth).
  await page.getByRole('button', { name: /この患者さんの\s*被保険者資格申立書\s*を記入する/ }).click();
  await expect(page).toHaveURL(new RegExp(`${LINK}/fallback/form$`));
  await expect(page.getByLabel('氏名', { exact: true })).toHaveValue('佐藤　健一');
  await expect(page.getByLabel('（フリガナ）')).toHaveValue('サトウ ケンイチ');
  const dob = page.getByRole('group', { name: '生年月日' });
  await expect(dob.getByRole('radio', { name: '昭和' })).toBeChecked();
  await expect(dob.getByLabel('年', { exact: true })).toHaveValue('44');
  await expect(dob.getByLabel('月', { exact: true })).toHaveValue('11');
  await expect(dob.getByLabel('日', { exact: true })).toHaveValue('2');
  await expect(page.getByRole('group', { name: '性別' }).getByRole('radio', { name: '男' })).toBeChecked();
  await expect(page.getByLabel('住所', { exact: true })).toHaveValue('東京都大田区蒲田五丁目3番9号');
  await expect(page.getByLabel('保険者等名称')).toHaveValue('東都電機健康保険組合');
  // New to the nurse, not restored work.
  await expect(page.getByText('前回の記入内容を元に戻しました。')).toHaveCount(0);
  // …and the decision guide is at this result's cause: its first step for a lost qualification.
  await page.getByRole('link', { name: '手順に戻る' }).click();
  await expect(page.getByRole('heading', { name: '資格を確かめられるものはありますか？' })).toBeVisible();
  // The patient shows a 資格確認書 after all: the walk ends without the form, and the pre-filled
  // draft (untouched) goes with it, so the name does not stay on the tablet (P4).
  await page.getByRole('button', { name: /^資格確認書/ }).click();
  await page.getByRole('radio', { name: '3割' }).check();
  await page.getByRole('button', { name: '記録して終了' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'ガイドの結果を記録しました' })).toBeVisible();
  await page.goto(`${LINK}/fallback/form`);
  await expect(page.getByRole('heading', { level: 1, name: '被保険者資格申立書' })).toBeVisible();
  await expect(page.getByLabel('氏名', { exact: true })).toHaveValue('');
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
