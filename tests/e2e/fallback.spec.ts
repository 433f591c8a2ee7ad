import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { DESKTOP, expect, expectNoSeriousA11yViolations, recordCspViolations, snapshot, stubPrintDialog, test, waitForServiceWorkerControl } from './support/fixtures.ts';
import { LINK } from './support/reception.ts';

/**
 * The outage fallback's screens (issue 5 §1–3): the decision guide (F1–F8, E7, E8), the
 * declaration form (D1–D4, D6) and its A4 print view, all working with the network cut off after
 * one online visit. The outbox itself is tested in outbox.spec.ts.
 */

const FALLBACK = `${LINK}/fallback`;
const NAME = '在宅 花子';
const KANA = 'ざいたく はなこ';

/**
 * F2 → F1 (the four proofs, one choice) → F4 / F3 / F5 (one choice): a tablet without a
 * connection, down to the declaration form in three answers (issue 16 §2; it took seven before).
 */
async function walkToTheForm(page: Page): Promise<void> {
  await page.getByRole('button', { name: /タブレットが使えない・つながらない/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: '患者さんのスマートフォンで確認する' })).toBeVisible();
  await page.getByRole('button', { name: 'できない', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: '資格を確かめられるものはありますか？' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^マイナポータルの資格情報画面/ })).toBeVisible();
  await page.getByRole('button', { name: /^どれもない/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: '書類で確かめられないとき' })).toBeVisible();
  await page.getByRole('button', { name: /^申立書を記入する/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: '被保険者資格申立書' })).toBeVisible();
}

/** A signature drawn with the mouse on the canvas, as a finger would. */
async function sign(page: Page): Promise<void> {
  const canvas = page.getByTestId('signature-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) {
    await page.mouse.move(box.x + box.width * (0.15 + i * 0.05), box.y + box.height * (0.6 - 0.25 * Math.sin(i / 2)), { steps: 2 });
  }
  await page.mouse.up();
  await expect(page.getByText('署名済み', { exact: true })).toBeVisible();
}

async function fillDateOfBirth(page: Page, era: string, year: string, month: string, day: string): Promise<void> {
  const group = page.getByRole('group', { name: '生年月日' });
  await group.getByRole('radio', { name: era }).check();
  await group.getByLabel('年', { exact: true }).fill(year);
  await group.getByLabel('月', { exact: true }).fill(month);
  await group.getByLabel('日', { exact: true }).fill(day);
  await group.getByLabel('日', { exact: true }).blur();
}

/**
 * Autosave is debounced (~300 ms): wait until the app says the latest change reached IndexedDB
 * (use-draft.ts sets `data-draft-save` on <html> when the write resolves).
 */
async function waitForAutosave(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-draft-save', 'saved');
  await expect(page.getByText(/この端末に保存しました/)).toBeVisible();
}

// The causes, a guide step, the blank form and the print screen are shown, with an axe scan, at
// phone and desktop size in screens.spec.ts; the results and the queued state are scanned here.
test('opens offline after one visit; the guide leads to the form; a reload restores every answer (F1–F4, D1, D2, D4)', async ({ page, context }) => {
  test.setTimeout(90_000);
  await page.goto('/');
  await waitForServiceWorkerControl(page);
  await context.setOffline(true);

  // The reception cannot reach the server and offers the fallback instead.
  await page.goto(LINK);
  await expect(page.getByRole('alert')).toContainText('通信できませんでした');
  await page.getByRole('link', { name: '通信できないときの手順（申立書）' }).click();
  await expect(page).toHaveURL(new RegExp(`${FALLBACK}$`));
  await expect(page.getByRole('heading', { level: 1, name: '資格確認ができないとき' })).toBeVisible();

  // Opened directly, with the network still cut off: the chunk comes from the precache.
  await page.goto(FALLBACK);
  await expect(page.getByRole('heading', { level: 2, name: '何が起きていますか？' })).toBeVisible();
  // issue 16 §2: the three common causes first, the others one tap away.
  await expect(page.getByRole('button', { name: /^カードリーダーが使えない/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /^マイナンバーカードが手元にない/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /暗証番号がロックされた/ })).toBeHidden();
  await page.getByText('そのほかの原因', { exact: false }).click();
  await expect(page.getByRole('button', { name: /暗証番号がロックされた/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /結果が「資格（無効）」だった/ })).toBeVisible();

  await page.getByRole('button', { name: /タブレットが使えない・つながらない/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: '患者さんのスマートフォンで確認する' })).toBeVisible();
  await expect(page.getByText('手順 1／3')).toBeVisible();
  await page.getByRole('button', { name: '戻る', exact: true }).click();
  await walkToTheForm(page);
  await expect(page).toHaveURL(new RegExp(`${FALLBACK}/form$`));

  // D6: the explanation sheet is one tap away.
  await page.getByText('説明書を読む（患者さんへのお願い）').click();
  // issue 16 §6: the term carries its reading (furigana), hidden from the accessible name.
  const sheetTitle = page.getByRole('heading', { name: /^被保険者資格申立書\s*についてのご説明$/ });
  await expect(sheetTitle).toBeVisible();
  await expect(sheetTitle.locator('ruby rt')).toHaveText('ひほけんしゃしかくもうしたてしょ');

  await page.getByLabel('氏名', { exact: true }).fill(NAME);
  await page.getByLabel('（フリガナ）').fill('ざいたく hanako');
  await page.getByLabel('（フリガナ）').blur();
  await expect(page.getByText('フリガナは、ひらがなかカタカナで書いてください。')).toBeVisible();
  await page.getByLabel('（フリガナ）').fill(KANA);
  await expect(page.getByText('フリガナは、ひらがなかカタカナで書いてください。')).toBeHidden();

  // D4: 平成31年5月1日 does not exist (令和 began that day); what was typed stays.
  await fillDateOfBirth(page, '平成', '31', '5', '1');
  await expect(page.getByText('選んだ元号に、この日付はありません。')).toBeVisible();
  await expect(page.getByRole('group', { name: '生年月日' }).getByLabel('年', { exact: true })).toHaveValue('31');
  await fillDateOfBirth(page, '令和', '元', '5', '1');
  await expect(page.getByText('選んだ元号に、この日付はありません。')).toBeHidden();
  await expect(page.getByTestId('dob-echo')).toHaveText('令和元年5月1日（2019年）');

  // D1: the employer is not asked for 後期, asked for 社保. D2: the copay ratio is asked for 後期
  // (with the expectation from the date of birth), not for a child under 社保.
  const insurance = page.getByRole('group', { name: '保険種別' });
  await insurance.getByRole('radio', { name: '後期' }).check();
  await expect(page.getByLabel(/事業所名/)).toBeHidden();
  await expect(page.getByRole('group', { name: /一部負担金の割合/ })).toBeVisible();
  await expect(page.getByTestId('copay-expectation')).toContainText('生年月日からの目安');
  await insurance.getByRole('radio', { name: '社保' }).check();
  await expect(page.getByLabel(/事業所名/)).toBeVisible();
  await expect(page.getByRole('group', { name: /一部負担金の割合/ })).toBeHidden();
  await page.getByLabel(/事業所名/).fill('株式会社在宅');

  await page.getByRole('group', { name: '性別' }).getByRole('radio', { name: '女' }).check();
  await page.getByLabel('連絡先電話番号').fill('03-1234');
  await page.getByLabel('連絡先電話番号').blur();
  await expect(page.getByText('日本の電話番号を書いてください。')).toBeVisible();
  await page.getByLabel('連絡先電話番号').fill('090-1234-5678');
  await expect(page.getByText('日本の電話番号を書いてください。')).toBeHidden();
  await sign(page);
  await waitForAutosave(page);

  // Closed and reopened while still offline: nothing typed is lost.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: '被保険者資格申立書' })).toBeVisible();
  await expect(page.getByText('前回の記入内容を元に戻しました。')).toBeVisible();
  await expect(page.getByLabel('氏名', { exact: true })).toHaveValue(NAME);
  await expect(page.getByLabel('（フリガナ）')).toHaveValue(KANA);
  const dob = page.getByRole('group', { name: '生年月日' });
  await expect(dob.getByRole('radio', { name: '令和' })).toBeChecked();
  await expect(dob.getByLabel('年', { exact: true })).toHaveValue('元');
  await expect(page.getByRole('group', { name: '保険種別' }).getByRole('radio', { name: '社保' })).toBeChecked();
  await expect(page.getByLabel(/事業所名/)).toHaveValue('株式会社在宅');
  await expect(page.getByLabel('連絡先電話番号')).toHaveValue('090-1234-5678');
  await expect(page.getByText('署名済み', { exact: true })).toBeVisible();
  // The drawing itself is back on the canvas.
  const inked = await page.getByTestId('signature-canvas').evaluate(async (canvas: HTMLCanvasElement) => {
    await new Promise((r) => setTimeout(r, 300));
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
  expect(inked).toBeGreaterThan(50);

  // The guide remembers where it was: the form is the way this visit took.
  await page.goto(FALLBACK);
  await expect(page.getByRole('heading', { level: 2, name: 'このあとの対応' })).toBeVisible();
  await expect(page.getByText('確かめた方法：被保険者資格申立書')).toBeVisible();
  await context.setOffline(false);
});

test('a proof ends the guide with what to charge and how to claim; nothing brought OR no card issued is 10割 (F1, F5, F6, E8)', async ({ page, context }, info) => {
  await page.goto('/');
  await waitForServiceWorkerControl(page);
  await context.setOffline(true);
  await page.goto(FALLBACK);

  await page.getByText('そのほかの原因', { exact: false }).click();
  await page.getByRole('button', { name: /結果が「資格（無効）」だった/ }).click();
  // 資格（無効）: the Mynaportal cannot show a valid qualification, so the first proof is 資格確認書.
  await expect(page.getByRole('heading', { level: 2, name: '資格を確かめられるものはありますか？' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^マイナポータル/ })).toHaveCount(0);
  await page.getByRole('button', { name: /^資格確認書/ }).click();
  await expect(page.getByText('確かめた方法：資格確認書')).toBeVisible();
  await expect(page.getByRole('heading', { name: '窓口でお受けする割合' })).toBeVisible();
  await expect(page.getByText('確かめた資格で請求します。')).toBeVisible();
  await expect(page.getByRole('heading', { name: '処方箋は紙で' })).toBeHidden();
  await page.getByRole('radio', { name: '3割' }).check();
  await snapshot(page, 'fallback-4-result-proof', info.project.name);
  await expectNoSeriousA11yViolations(page);

  // Back, and the other way: nothing to show or no card issued (F5), with a paper prescription (E8).
  await page.getByRole('button', { name: '戻る', exact: true }).click();
  await page.getByRole('button', { name: /^どれもない/ }).click();
  // F5 reads "or": nothing brought, OR no valid card issued — either one is enough.
  await expect(page.getByRole('heading', { level: 2, name: '書類で確かめられないとき' })).toBeVisible();
  const uninsured = page.getByRole('button', { name: /^何も持っていない・保険証の交付がない（10割）/ });
  await expect(uninsured).toContainText(/持っていないとき、または有効な保険証の交付を受けていないとき（どちらか一方で当てはまります）/);
  await uninsured.click();
  await expect(page.getByText('確かめた方法：資格を示すものがない、または保険証の交付がない（10割）')).toBeVisible();
  await expect(page.getByRole('radio', { name: '10割（全額）' })).toBeChecked();
  await expect(page.getByRole('heading', { name: '処方箋は紙で' })).toBeVisible();
  await expect(page.getByText(/「不詳」/)).toBeHidden();
  await page.getByLabel('紙の処方箋を出す').check();
  await snapshot(page, 'fallback-5-result-uninsured', info.project.name);
  await expectNoSeriousA11yViolations(page);
  await context.setOffline(false);
});

test.describe('printed from the desktop', () => {
  test.use(DESKTOP);
  test('the print view lays the form out on A4 like the paper original (D6)', async ({ page }, info) => {
    await page.goto(`${FALLBACK}/form`);
    await expect(page.getByRole('heading', { level: 1, name: '被保険者資格申立書' })).toBeVisible();
    await page.getByRole('group', { name: '保険証の有無' }).getByRole('checkbox').check();
    await page.getByRole('group', { name: '保険種別' }).getByRole('radio', { name: '社保' }).check();
    await page.getByLabel('保険者等名称').fill('全国健康保険協会 東京支部');
    await page.getByLabel(/事業所名/).fill('株式会社在宅');
    await page.getByRole('group', { name: /保険証の交付を受けた時期/ }).getByRole('radio', { name: 'それより前' }).check();
    await page.getByLabel('氏名', { exact: true }).fill(NAME);
    await page.getByLabel('（フリガナ）').fill(KANA);
    await fillDateOfBirth(page, '昭和', '25', '4', '1');
    await page.getByRole('group', { name: '性別' }).getByRole('radio', { name: '女' }).check();
    await page.getByLabel('住所', { exact: true }).fill('東京都千代田区霞が関１－２－２');
    await page.getByRole('textbox', { name: /患者との関係/ }).fill('長女');
    await page.getByLabel('連絡先電話番号').fill('090-1234-5678');
    await sign(page);
    await waitForAutosave(page);

    await page.getByRole('link', { name: '印刷用の表示' }).click();
    await expect(page.getByRole('heading', { level: 1, name: '申立書の印刷' })).toBeVisible();
    const sheet = page.getByRole('article', { name: '被保険者資格申立書' });
    await expect(sheet.getByText(NAME)).toBeVisible();
    await expect(sheet.getByRole('img', { name: /署名/ })).toBeVisible();

    // 「印刷する」 opens the browser's print dialog.
    const timesPrinted = await stubPrintDialog(page);
    await page.getByRole('button', { name: '印刷する' }).click();
    expect(await timesPrinted()).toBe(1);

    // On paper: A4, the form on page 1, the explanation sheet on page 2, no app chrome.
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('heading', { level: 1, name: '申立書の印刷' })).toBeHidden();
    await page.screenshot({ path: `test-results/screens/${info.project.name}/fallback-7-print-a4.png`, fullPage: true });
    const pdfPath = test.info().outputPath('declaration.pdf');
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
    const pdf = fs.readFileSync(pdfPath).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b/g)?.length).toBe(2);
    fs.copyFileSync(pdfPath, `test-results/screens/${info.project.name}/fallback-7-print-a4.pdf`);

    // A blank copy for the patient who prefers to write by hand.
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('radio', { name: '白紙で印刷する（手書き用）' }).check();
    await expect(sheet.getByText(NAME)).toBeHidden();

    // issue 16 §7: sent online, the screen says 送信しました — no 「送信待ち」, no 「未送信：0件」.
    await page.goto(`${FALLBACK}/form`);
    await expect(page.getByLabel('氏名', { exact: true })).toHaveValue(NAME);
    await page.getByRole('button', { name: '送信する' }).click();
    await expect(page.locator('[data-delivery]')).toHaveText('送信しました。医療機関に届いています。');
    await expect(page.getByText(/未送信|送信待ち/)).toHaveCount(0);
  });
});

test('送信する queues the form in the outbox while offline: the header shows 未送信 1件, sent when back online; F8: the outage search\'s blank fields are flagged before and after, never blocking', async ({ page, context }, info) => {
  test.setTimeout(60_000);
  // Issue 21 #4: no string evaluation under the CSP in the whole offline declaration (Chromium
  // reports a blocked eval only as this event, not on the console the fixture watches).
  const cspViolations = await recordCspViolations(page);
  await page.goto('/');
  await waitForServiceWorkerControl(page);
  await context.setOffline(true);
  await page.goto(FALLBACK);
  await walkToTheForm(page);

  // F8: the 年月日 is the visit day (today to begin with), the 資格確認日 of the outage search.
  // Issue 16 §1: shown in 和暦 and typed in 和暦 or 西暦; a day that is not one is refused and kept.
  await expect(page.getByLabel('年月日')).toHaveValue(/^令和\d+年\d+月\d+日$/);
  await expect(page.getByText(/この日を「資格確認日」として使います/)).toBeVisible();
  const today = await page.getByLabel('年月日').inputValue();
  await page.getByLabel('年月日').fill('H31.5.1');
  await page.getByLabel('年月日').blur();
  await expect(page.getByText('正しい日付を入れてください。')).toBeVisible();
  await expect(page.getByLabel('年月日')).toHaveValue('H31.5.1');
  const [, reiwa, month, day] = /^令和(\d+)年(\d+)月(\d+)日$/.exec(today)!;
  await page.getByLabel('年月日').fill(`R${reiwa}.${month}.${day}`);
  await expect(page.getByText('正しい日付を入れてください。')).toHaveCount(0);
  await expect(page.getByText(`${today}（${2018 + Number(reiwa)}年）`, { exact: true })).toBeVisible();

  // D3: only a name (or the clinic's number) is required.
  await page.getByRole('button', { name: '送信する' }).click();
  await expect(page.getByRole('alert')).toContainText('入力内容を確かめてください（1か所）。');
  await expect(page.getByText('患者さんの氏名（またはフリガナ）か、診察券番号を書いてください。')).toBeVisible();
  await expect(page.getByLabel('氏名', { exact: true })).toBeFocused();
  await page.getByLabel('氏名', { exact: true }).fill('送信 待子');
  await page.getByLabel('（フリガナ）').fill('ソウシン マチコ');
  await fillDateOfBirth(page, '昭和', '30', '1', '15');
  await sign(page);
  // F8, before 送信: sex and address-or-insurer are still blank, and flagged on their fields.
  await expect(page.getByTestId('search-summary')).toContainText('足りない項目：性別、住所または保険者名');
  await expect(page.getByRole('group', { name: '性別' }).getByTestId('search-need')).toBeVisible();
  await expect(page.getByRole('group', { name: '生年月日' }).getByTestId('search-need')).toHaveCount(0);
  await page.getByLabel('住所', { exact: true }).fill('東京都千代田区');
  await expect(page.getByTestId('search-summary')).toContainText('足りない項目：性別。');
  // A flag, not a block: 送信 goes through with the sex still blank.
  await page.getByRole('button', { name: '送信する' }).click();

  // issue 16 §7: offline it says 未送信 (and never 送信しました).
  const delivery = page.locator('[data-delivery]');
  await expect(delivery).toHaveText('未送信です（送信待ち）。この端末に暗号化して保存しました。通信が戻ると自動で送信します。');
  await expect(page.getByText('この端末の未送信：1件')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: '未送信 1件' }).first()).toBeVisible();
  await expect(page.getByRole('heading', { name: '処方箋は紙で' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '復旧したら資格を照会する' })).toBeVisible();
  await expect(page.getByText('申立書に足りない項目：性別')).toBeVisible();
  await snapshot(page, 'fallback-8-queued', info.project.name);
  await expectNoSeriousA11yViolations(page);

  // issue 16 §7: once the connection is back the same screen says 送信しました, and no 「未送信」 is left.
  await context.setOffline(false);
  await expect(delivery).toHaveText('送信しました。医療機関に届いています。', { timeout: 20_000 });
  await expect(page.getByText(/未送信/)).toHaveCount(0);
  expect(cspViolations(), 'no CSP violation (a blocked eval included) during the offline declaration').toEqual([]);
});
