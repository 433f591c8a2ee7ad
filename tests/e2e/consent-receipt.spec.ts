import fs from 'node:fs';
import type { Browser, Locator, Page } from '@playwright/test';
import { expect, snapshot, test } from './support/fixtures.ts';
import { consentToEverything, LINK, registerViaApi, tomorrowInJapan, useCard } from './support/reception.ts';
import { signInStaff } from './support/staff-login.ts';

/**
 * Issue 19 #4: the patient's consent receipt at the end of the flow — after a registration on this
 * device (with the card-app simulator), an update and a revocation — saved as a file, printed on
 * one A4 page, and checked by staff on the person page. Card 09 (伊藤 さくら, insured number
 * 60452) is used by no other browser test.
 */

const RECEIPT_ID = /CR-[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}/;
const INSURED_NUMBER = '60452';

/** The pages of a PDF: its page objects (`/Type /Page`, not the `/Pages` tree). */
function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

/** Saves the receipt with its button; returns the file's text. */
async function saveReceipt(page: Page, receipt: Locator): Promise<{ name: string; html: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), receipt.getByRole('button', { name: '控えを保存する（HTML）' }).click()]);
  return { name: download.suggestedFilename(), html: fs.readFileSync((await download.path())!, 'utf8') };
}

/** Opens a saved receipt file as a patient would later: no script, no network. Returns its A4 PDF. */
async function openSavedFile(browser: Browser, html: string): Promise<{ file: Page; pdf: Buffer; close: () => Promise<void> }> {
  const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
  const file = await context.newPage();
  await file.setContent(html);
  return { file, pdf: await file.pdf({ format: 'A4' }), close: () => context.close() };
}

async function receiptIdOf(receipt: Locator): Promise<string> {
  const id = await receipt.getAttribute('data-receipt-id');
  expect(id).toMatch(RECEIPT_ID);
  return id!;
}

/** Reads the card on this device with the card-app simulator and comes back. */
async function cardOnThisDevice(page: Page): Promise<void> {
  const useThis = page.getByRole('button', { name: 'この端末でカードを読み取る' });
  const openApp = page.getByRole('link', { name: 'カードのアプリを開く' });
  await expect(useThis.or(openApp)).toBeVisible();
  if (await useThis.isVisible()) await useThis.click();
  await openApp.click();
  await useCard(page, /カード09/);
}

test('issue 19 #4: the receipt after a same-device registration — its fields, the saved file, one A4 page — then after an update and a revocation, and the staff check', async ({ page, browser, request }, info) => {
  test.setTimeout(180_000);
  await page.goto(`${LINK}?visit=homeVisit`);
  // The first screen is drawn by the server (issue 18 #1); its button works once the app has loaded.
  await page.waitForLoadState('networkidle');
  await consentToEverything(page);
  await page.getByRole('group', { name: '限度額情報' }).getByLabel('同意しない').check();
  await page.getByText('紙の処方箋', { exact: true }).click();
  await page.getByRole('button', { name: '同意内容を登録する' }).click();
  await cardOnThisDevice(page);
  await expect(page.getByRole('heading', { name: '受付が完了しました' })).toBeVisible({ timeout: 10_000 });

  // The receipt: institution, visit type, each choice granted or refused, validity (V1), when, id, how to revoke.
  const receipt = page.getByRole('region', { name: '同意の控え' });
  await expect(receipt).toBeVisible();
  const registeredId = await receiptIdOf(receipt);
  await expect(receipt.locator('.receipt-id')).toHaveText(registeredId);
  await expect(receipt).toContainText('同意の登録');
  await expect(receipt).toContainText(/在宅受付デモクリニック（医療機関コード \d{10}）/);
  await expect(receipt.getByRole('heading', { name: '訪問診療等の同意' })).toBeVisible();
  await expect(receipt.getByRole('row', { name: '限度額情報 同意しない' })).toBeVisible();
  await expect(receipt.getByRole('row', { name: '手術情報 同意する' })).toBeVisible();
  await expect(receipt.getByRole('row', { name: '特定疾病療養受療証情報 同意する' })).toBeVisible();
  await expect(receipt).toContainText('取り消すまで（訪問診療等が続く間）');
  await expect(receipt).toContainText('紙の処方箋');
  await expect(receipt).toContainText(/令和\d+年\d+月\d+日（\d{4}年） \d{2}:\d{2}/);
  await expect(receipt).toContainText(`${new URL(page.url()).origin}${LINK}`);
  await expect(receipt).toContainText('医療機関の受付に申し出ても取り消せます。');
  // Only the last digits of the insured number (the eligibility record above the receipt is the staff's).
  await expect(receipt).toContainText('****52');
  await expect(receipt).not.toContainText(INSURED_NUMBER);
  await expect(receipt).not.toContainText('06141014');
  await receipt.scrollIntoViewIfNeeded();
  await snapshot(page, 'receipt-1-registered', info.project.name);

  // Saved: one HTML file that opens by itself (no script, no network) and carries the data.
  const { name, html } = await saveReceipt(page, receipt);
  expect(name).toBe(`consent-receipt-${registeredId}.html`);
  expect(html).toContain(registeredId);
  expect(html).not.toContain(INSURED_NUMBER);
  expect(html).toContain("default-src 'none'");
  const data = JSON.parse(/<script type="application\/json" id="consent-receipt">([\s\S]*?)<\/script>/.exec(html)![1]!) as { receiptId: string; event: string; principal: unknown };
  expect(data).toMatchObject({ receiptId: registeredId, event: 'registered', principal: { insuredNumber: '****52' } });
  const saved = await openSavedFile(browser, html);
  await expect(saved.file.getByRole('heading', { level: 1, name: '同意の控え' })).toBeVisible();
  await expect(saved.file.getByRole('row', { name: '限度額情報 同意しない' })).toBeVisible();
  expect(pdfPageCount(saved.pdf)).toBe(1);
  await saved.close();

  // Printed: the receipt alone (not the eligibility record, not the buttons), on one A4 page.
  await page.emulateMedia({ media: 'print' });
  await expect(receipt).toBeVisible();
  await expect(page.getByText('保険資格の確認結果')).toBeHidden();
  await expect(page.getByRole('heading', { name: '受付が完了しました' })).toBeHidden();
  await expect(receipt.getByRole('button', { name: '印刷する' })).toBeHidden();
  // As on paper: an A4-sized viewport (96 dpi) in print media, to look at.
  await page.setViewportSize({ width: 794, height: 1123 });
  await snapshot(page, 'receipt-2-print-media', info.project.name);
  await page.setViewportSize({ width: 1280, height: 800 });
  // Back to no emulation: page.pdf() prints with print media (under 'screen' it would print the screen).
  await page.emulateMedia({ media: null });
  const pdf = await page.pdf({ format: 'A4' });
  fs.mkdirSync('test-results/screens/tablet', { recursive: true });
  fs.writeFileSync('test-results/screens/tablet/receipt-registered.pdf', pdf);
  expect(pdfPageCount(pdf)).toBe(1);

  // U1: an update issues a new receipt with the new terms.
  await page.getByRole('button', { name: '次の受付を始める' }).click();
  await page.goto(LINK);
  await page.getByRole('button', { name: /同意照会・更新/ }).click();
  await cardOnThisDevice(page);
  await page.getByRole('group', { name: '手術情報' }).getByLabel('同意しない').check();
  await page.getByRole('button', { name: '更新内容を確認する' }).click();
  await page.getByRole('button', { name: '同意内容を更新する' }).click();
  await cardOnThisDevice(page);
  await expect(page.getByRole('heading', { name: '同意の内容を変更しました' })).toBeVisible({ timeout: 10_000 });
  const updated = page.getByRole('region', { name: '同意の控え' });
  const updatedId = await receiptIdOf(updated);
  expect(updatedId).not.toBe(registeredId);
  await expect(updated).toContainText('同意内容の変更');
  await expect(updated.getByRole('row', { name: '手術情報 同意しない' })).toBeVisible();
  await expect(updated.getByRole('row', { name: '限度額情報 同意しない' })).toBeVisible();
  await expect(updated).toContainText('取り消すまで（訪問診療等が続く間）');
  expect(pdfPageCount(await page.pdf({ format: 'A4' }))).toBe(1);

  // X3: a revocation's receipt says when viewing ended, and that consenting again needs the card.
  // The longest receipt there is: one consent of every visit type ends at once, still on one page.
  await registerViaApi(request, 'card-09', { visitType: 'houseCall' });
  await registerViaApi(request, 'card-09', { visitType: 'online', consultationDate: tomorrowInJapan(), prescriptionForm: 'electronic' });
  await page.getByRole('button', { name: '終わる' }).click();
  await page.goto(LINK);
  await page.getByRole('button', { name: /すべての同意を取消す/ }).click();
  await page.getByRole('button', { name: 'カードで本人確認して取り消す' }).click();
  await cardOnThisDevice(page);
  await expect(page.getByRole('heading', { name: '同意を取り消しました' })).toBeVisible({ timeout: 10_000 });
  const revoked = page.getByRole('region', { name: '同意の控え' });
  const revokedId = await receiptIdOf(revoked);
  await expect(revoked).toContainText('同意の取消し');
  await expect(revoked).toContainText(/令和\d+年\d+月\d+日（\d{4}年） \d{2}:\d{2}に取り消しました/);
  await expect(revoked).toContainText('もう一度同意するときは、改めてマイナンバーカードで本人確認をしてください。');
  await expect(revoked).not.toContainText('すべての同意を取消す」から手続きできます');
  await expect(revoked.getByRole('heading', { level: 3, name: /の同意$/ })).toHaveText(['訪問診療等の同意', '往診の同意', 'オンライン診療等の同意']);
  await revoked.scrollIntoViewIfNeeded();
  await snapshot(page, 'receipt-3-revoked', info.project.name);
  const revokedPdf = await page.pdf({ format: 'A4' });
  fs.writeFileSync('test-results/screens/tablet/receipt-revoked-three.pdf', revokedPdf);
  expect(pdfPageCount(revokedPdf)).toBe(1);
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 794, height: 1123 });
  await snapshot(page, 'receipt-3b-revoked-print-media', info.project.name);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ media: null });
  // Its saved file prints on one page too.
  const savedRevoked = await openSavedFile(browser, (await saveReceipt(page, revoked)).html);
  await expect(savedRevoked.file.getByRole('heading', { level: 2, name: 'オンライン診療等の同意' })).toBeVisible();
  expect(pdfPageCount(savedRevoked.pdf)).toBe(1);
  await savedRevoked.close();

  // Staff check the first receipt id on the person page (typed loosely), and see the consent's state now.
  const staffContext = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });
  const staff = await staffContext.newPage();
  await signInStaff(staff, '/staff/persons/p09', 'clerk');
  const check = staff.getByRole('region', { name: '同意の控えの照合' });
  await check.getByLabel('控えの番号').fill(registeredId.toLowerCase().replace(/-/g, ' '));
  await check.getByRole('button', { name: '照合する' }).click();
  await expect(check.getByText('この方の控えです。')).toBeVisible();
  await expect(check.locator('.receipt-id')).toHaveText(registeredId);
  await expect(check).toContainText('同意の登録');
  await expect(check.locator('.consent-list')).toContainText('取消済み');
  await check.scrollIntoViewIfNeeded();
  await snapshot(staff, 'receipt-4-staff-check', info.project.name);
  // A guessed id finds nothing; what is not an id is refused before asking.
  await check.getByLabel('控えの番号').fill('CR-00000-00000-00000-00000');
  await check.getByRole('button', { name: '照合する' }).click();
  await expect(check.getByText('この医療機関には、この番号の控えはありません。番号を確かめてください。')).toBeVisible();
  await check.getByLabel('控えの番号').fill('12345');
  await check.getByRole('button', { name: '照合する' }).click();
  await expect(check.getByText(/控えの番号の形になっていません/)).toBeVisible();
  // The revocation's receipt is also this person's.
  await check.getByLabel('控えの番号').fill(revokedId);
  await check.getByRole('button', { name: '照合する' }).click();
  await expect(check).toContainText('同意の取消し');
  await staffContext.close();
});
