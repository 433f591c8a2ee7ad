import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { E2E_LINK_TOKEN, E2E_PORTS } from '../../playwright.config.ts';
import { expect, expectNoSeriousA11yViolations, snapshot, test, waitForServiceWorkerControl } from './support/fixtures.ts';
import { signInStaff } from './support/staff-login.ts';

/**
 * Issue 12 #15: devices the clinic trusts. The clerk creates a one-time enrolment code in the
 * staff console; the visit tablet (its own browser) opens the institution link, enrols with the
 * code (a non-extractable key pair stays in the tablet), and its outbox sends a declaration
 * signed: the inbox shows it as 登録端末, an unsigned one as 未確認の端末. Blocking the enrolled
 * tablet makes its next send refused with device_revoked, whatever device id it has.
 * Runs on the tablet project only: it writes to the shared e2e server.
 */

interface OutboxHook {
  enqueueDeclaration(form: Record<string, unknown>, guide: unknown): Promise<void>;
  flushOutbox(): Promise<{ sent: number; rejected: number; waiting: number; unreadable: number }>;
  outboxSummaries(): Promise<{ id: string; state: string; lastError: { code: string } | null }[]>;
}
type HookWindow = { __zaitakuOutbox: OutboxHook };

function declaration(name: string, nameKana: string): Record<string, unknown> & { id: string } {
  return {
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    linkToken: E2E_LINK_TOKEN,
    referenceNumber: '',
    holdsValidCard: true,
    insuranceType: 'employee',
    insurerName: '全国健康保険協会 東京支部',
    employerName: '株式会社登録商事',
    cardIssuedWhen: 'withinMonth',
    copayRatio: null,
    name,
    nameKana,
    dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
    sex: 'female',
    address: '東京都港区芝公園４－２－８',
    otherResidence: '',
    declaredOn: new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10),
    signature: `data:image/png;base64,iVBORw0KGgo${'C'.repeat(400)}`,
    relationship: '',
    phone: '090-1414-2135',
  };
}

/** Queues the form in the tablet's real outbox (which sends at once) and flushes; returns what is left of it. */
async function sendFromTablet(tablet: Page, form: { id: string }) {
  await tablet.evaluate((f) => (window as unknown as HookWindow).__zaitakuOutbox.enqueueDeclaration(f, null), form);
  await tablet.evaluate(() => (window as unknown as HookWindow).__zaitakuOutbox.flushOutbox());
  const summaries = await tablet.evaluate(() => (window as unknown as HookWindow).__zaitakuOutbox.outboxSummaries());
  return summaries.find((s) => s.id === form.id) ?? null;
}

test('issue 12 #15: a tablet enrolled with a code from the staff console sends declarations the inbox shows as 登録端末', async ({ page, browser }, info) => {
  test.setTimeout(90_000);
  // The staff console: create a one-time code.
  await signInStaff(page, '/staff/devices', 'clerk');
  await expect(page.getByRole('heading', { name: '登録端末' })).toBeVisible();
  await page.getByRole('button', { name: '端末を登録する（登録コードを発行）' }).click();
  const codeText = (await page.locator('.enrolment-code-value code').textContent()) ?? '';
  expect(codeText).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  await expect(page.getByRole('img', { name: '端末登録用のQRコード' })).toBeVisible();
  await snapshot(page, 'devices-enrolment-code', info.project.name);
  await expectNoSeriousA11yViolations(page);

  // The tablet: its own browser, the institution link, the staff-only enrolment entry.
  const tabletContext = await browser.newContext({
    baseURL: `http://localhost:${E2E_PORTS.tablet}`,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1.5,
    hasTouch: true,
    isMobile: true,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
  });
  const tablet = await tabletContext.newPage();
  await tablet.goto('/');
  await waitForServiceWorkerControl(tablet);
  await tablet.evaluate(() => localStorage.setItem('zaitaku.testHooks', '1'));
  await tablet.goto(`/i/${E2E_LINK_TOKEN}`);
  await tablet.getByRole('link', { name: 'この端末を登録する（職員用）' }).click();
  await expect(tablet.getByRole('heading', { name: 'この端末を医療機関の端末として登録' })).toBeVisible();
  // Typed as a nurse might: lower case, without the dash.
  await tablet.getByLabel('登録コード').fill(codeText.replace('-', '').toLowerCase());
  await tablet.getByLabel('端末の名前（任意、例: 訪問用タブレット1）').fill('訪問用タブレット E2E');
  await tablet.getByRole('button', { name: 'この端末を登録する' }).click();
  await expect(tablet.getByRole('status')).toContainText('の登録端末にしました。');
  await snapshot(tablet, 'device-enrolled', info.project.name);
  await expectNoSeriousA11yViolations(tablet);
  // The private key is a CryptoKey the page cannot export.
  const extractable = await tablet.evaluate(
    () =>
      new Promise<boolean | string>((resolve) => {
        const open = indexedDB.open('zaitaku');
        open.onsuccess = () => {
          const get = open.result.transaction('enrolment').objectStore('enrolment').get('device');
          get.onsuccess = () => resolve((get.result as { privateKey: CryptoKey } | undefined)?.privateKey.extractable ?? 'missing');
        };
      }),
  );
  expect(extractable).toBe(false);

  // The tablet's outbox sends a declaration: signed, so the inbox marks it 登録端末.
  await tablet.reload();
  await tablet.waitForFunction(() => (window as unknown as Partial<HookWindow>).__zaitakuOutbox !== undefined);
  const signedForm = declaration('登録 端末子', 'トウロク タンマツコ');
  // Acknowledged by the server: gone from the outbox.
  expect(await sendFromTablet(tablet, signedForm)).toBeNull();
  // A patient's own phone (no enrolment) sends one too.
  const phoneForm = declaration('未確認 花子', 'ミカクニン ハナコ');
  const phone = await page.request.post('/api/public/declarations', { headers: { 'x-device-id': randomUUID() }, data: phoneForm });
  expect(phone.status()).toBe(201);

  await page.goto('/staff/inbox');
  const signedItem = page.getByRole('listitem').filter({ hasText: '登録 端末子' });
  await expect(signedItem.locator('.sender-trust')).toHaveText('登録端末');
  const phoneItem = page.getByRole('listitem').filter({ hasText: '未確認 花子' });
  await expect(phoneItem.locator('.sender-trust')).toHaveText('未確認の端末');
  await snapshot(page, 'inbox-sender-marks', info.project.name);
  await signedItem.getByRole('link').click();
  await expect(page.locator('.declaration-head .sender-trust')).toHaveText('登録端末');

  // Block the enrolled tablet; clearing its device id does not help it.
  await page.goto('/staff/devices');
  const row = page.getByRole('row').filter({ hasText: '訪問用タブレット E2E' });
  await expect(row).toContainText('利用できます');
  await row.getByRole('button').click();
  await page.getByRole('alertdialog').getByRole('button', { name: '使用停止にする' }).click();
  await expect(page.getByText('登録端末「訪問用タブレット E2E」を使用停止にしました。')).toBeVisible();
  await tablet.evaluate(() => localStorage.removeItem('zaitaku.deviceId'));
  const blockedForm = declaration('停止後 送信', 'テイシゴ ソウシン');
  const kept = await sendFromTablet(tablet, blockedForm);
  expect(kept?.lastError?.code).toBe('device_revoked');
  await tabletContext.close();
});
