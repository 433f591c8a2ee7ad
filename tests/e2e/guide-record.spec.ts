import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type APIRequestContext, type Page } from '@playwright/test';
import config, { E2E_LINK_TOKEN } from '../../playwright.config.ts';
import { expect, snapshot, test, waitForServiceWorkerControl } from './support/fixtures.ts';
import { LINK } from './support/reception.ts';
import { signInStaff, staffApiCookie } from './support/staff-login.ts';

/**
 * Issue 5 §1–2, the parts fallback.spec.ts and outbox.spec.ts leave out: a guide walk that ends
 * without a form is recorded and goes through the encrypted outbox to the staff inbox; the
 * fallback opens offline after a browser restart, from the browser link and from the installed
 * app's start_url; persistent storage is asked for and a refusal remembered (for the staff settings, not shown to patients).
 */

const FALLBACK = `${LINK}/fallback`;
const PERSIST_DENIED = /保存データの保護/;

/** A kana name no other test uses, to find this run's record among the server's. */
function uniqueKana(): string {
  const letters = 'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモ';
  return Array.from({ length: 8 }, () => letters[Math.floor(Math.random() * letters.length)]).join('');
}

interface GuideRecordItem {
  id: string;
  patientKana: string;
  outcome: { cause: string; resolution: string; copayPercent: number | null };
  steps: string[];
}

async function staffGuideRecords(request: APIRequestContext, kana: string): Promise<GuideRecordItem[]> {
  const cookie = await staffApiCookie(request, 'admin');
  const res = await request.get('/api/staff/guide-records', { headers: { cookie } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { guideRecords: GuideRecordItem[] }).guideRecords.filter((r) => r.patientKana === kana);
}

/** Every string and byte IndexedDB's outbox holds, decoded as UTF-8. */
async function rawOutboxText(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('zaitaku');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      const req = db.transaction('outbox').objectStore('outbox').getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    db.close();
    const texts: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') texts.push(value);
      else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) texts.push(new TextDecoder().decode(value));
      else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(rows);
    return `${rows.length}\n${texts.join('\n')}`;
  });
}

test('§2: offline, card unusable → Mynaportal screen: the outcome is queued encrypted, sent once when online, and shown in the staff inbox', async ({ page, context, request }, info) => {
  test.setTimeout(90_000);
  const kana = uniqueKana();
  const sends: number[] = [];
  page.on('response', (res) => {
    if (res.url().endsWith('/api/public/guide-records') && res.request().method() === 'POST') sends.push(res.status());
  });

  await page.goto('/');
  await waitForServiceWorkerControl(page);
  await context.setOffline(true);
  await page.goto(FALLBACK);

  await page.getByText('そのほかの原因', { exact: false }).click();
  await page.getByRole('button', { name: /^カードが使えない/ }).click();
  // The explanation costs no answer: it stands above the proofs (issue 16 §2).
  await expect(page.getByRole('note').filter({ hasText: 'カードが使えないことを伝える' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: '資格を確かめられるものはありますか？' })).toBeVisible();
  await page.getByRole('button', { name: /^マイナポータルの資格情報画面/ }).click();
  await expect(page.getByText('確かめた方法：マイナポータルの資格情報画面')).toBeVisible();
  await page.getByRole('radio', { name: '3割' }).check();

  // A My Number in the note is refused with a clear message; what was typed stays.
  await page.getByLabel('患者さんのお名前（カナ・任意）').fill(kana);
  await page.getByLabel('メモ（任意）').fill('1234 5678 9012');
  await page.getByRole('button', { name: '記録して終了' }).click();
  await expect(page.getByText('マイナンバーなど12桁の番号は書けません')).toBeVisible();
  await expect(page.getByLabel('患者さんのお名前（カナ・任意）')).toHaveValue(kana);
  await page.getByLabel('メモ（任意）').fill('次回 保険証を確認');
  await snapshot(page, 'guide-record-result', info.project.name);
  await page.getByRole('button', { name: '記録して終了' }).click();

  await expect(page.getByRole('status').filter({ hasText: 'ガイドの結果を記録しました' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: '何が起きていますか？' })).toBeVisible();
  await expect(page.getByText('未送信 1件')).toBeVisible();
  // Encrypted at rest: one entry, and neither the name nor the note readable in it.
  const raw = await rawOutboxText(page);
  expect(raw.startsWith('1\n')).toBe(true);
  expect(raw).not.toContain(kana);
  expect(raw).not.toContain('保険証を確認');
  expect(await staffGuideRecords(request, kana)).toEqual([]);

  // Still queued after an offline reload.
  await page.reload();
  await expect(page.getByText('未送信 1件')).toBeVisible();

  await context.setOffline(false);
  await expect(page.getByText(/未送信 \d+件/)).toHaveCount(0, { timeout: 20_000 });
  expect(sends).toEqual([201]);
  const stored = await staffGuideRecords(request, kana);
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({
    outcome: { cause: 'cardUnusable', resolution: 'proofMynaportalScreen', copayPercent: 30 },
    steps: ['explainCardUnusable', 'proofMynaportalScreen'],
  });

  await signInStaff(page, '/staff/inbox');
  const item = page.getByTestId('guide-record').filter({ hasText: kana });
  await expect(item).toHaveCount(1);
  await item.locator('summary').click();
  await expect(item).toContainText('カードが使えない');
  await expect(item).toContainText('30%');
  await expect(item).toContainText('次回 保険証を確認');
  await expect(item).toContainText('マイナポータルの資格情報を見せてもらう');
  await snapshot(page, 'guide-record-staff-inbox', info.project.name);
});

test('§1: after a browser restart with the same profile and no network, the fallback opens from the link and from the installed app; an unsent form is still queued', async ({ request }, info) => {
  test.setTimeout(120_000);
  const manifest = (await (await request.get('/manifest.webmanifest')).json()) as { start_url: string };
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-profile-'));
  const use = config.use ?? {};
  const launch = () =>
    chromium.launchPersistentContext(userDataDir, {
      ...use.launchOptions,
      baseURL: info.project.use.baseURL,
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 1440, height: 900 },
    });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) errors.push(msg.text());
    });
    return page;
  };
  // The test hook arrives after the first screen (src/app/after-first-screen.ts): waited for.
  const hook = async (page: Page) => {
    await page.waitForFunction(() => (window as { __zaitakuOutbox?: unknown }).__zaitakuOutbox !== undefined);
    return page.evaluate(async () => {
      const w = window as unknown as { __zaitakuOutbox: { outboxSummaries(): Promise<{ id: string; state: string }[]> } };
      return w.__zaitakuOutbox.outboxSummaries();
    });
  };

  const formId = randomUUID();
  try {
    // First start, online: the clinic link once, until the service worker controls the page.
    let context = await launch();
    let page = watch(context.pages()[0] ?? (await context.newPage()));
    await page.goto(LINK);
    await waitForServiceWorkerControl(page);
    await page.evaluate(() => localStorage.setItem('zaitaku.testHooks', '1'));
    await page.reload();
    await page.waitForFunction(() => 'navigator' in window && (window as { __zaitakuOutbox?: unknown }).__zaitakuOutbox !== undefined);
    // A form submitted without a connection stays queued.
    await context.setOffline(true);
    await page.evaluate(
      ([id, linkToken]) => {
        const w = window as unknown as { __zaitakuOutbox: { enqueueDeclaration(form: Record<string, unknown>, guide: null): Promise<void> } };
        return w.__zaitakuOutbox.enqueueDeclaration(
          {
            id,
            createdAt: new Date().toISOString(),
            linkToken,
            referenceNumber: '',
            holdsValidCard: true,
            insuranceType: 'national',
            insurerName: '',
            employerName: '',
            cardIssuedWhen: 'withinMonth',
            copayRatio: null,
            name: '再起動 試子',
            nameKana: 'サイキドウ タメコ',
            dateOfBirth: { era: 'showa', year: 50, month: 1, day: 1 },
            sex: 'female',
            address: '',
            otherResidence: '',
            declaredOn: new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10),
            signature: `data:image/png;base64,iVBORw0KGgo${'C'.repeat(200)}`,
            relationship: '',
            phone: '',
          },
          null,
        );
      },
      [formId, E2E_LINK_TOKEN],
    );
    await expect(page.getByText('未送信 1件')).toBeVisible();
    // The browser goes away entirely, as on a device restart.
    await context.close();

    // Second start, no network from the first request on.
    context = await launch();
    await context.setOffline(true);
    page = watch(context.pages()[0] ?? (await context.newPage()));

    // From the browser: the clinic's fallback link.
    await page.goto(FALLBACK);
    await expect(page.getByRole('heading', { level: 2, name: '何が起きていますか？' })).toBeVisible();
    await expect(page.getByText('未送信 1件')).toBeVisible();
    // The app tries to send at start; while that attempt fails the entry reads 'sending'.
    await expect.poll(() => hook(page)).toEqual([expect.objectContaining({ id: formId, state: 'queued' })]);

    // From the installed app: the manifest's start_url, then the fallback it offers.
    await page.goto(manifest.start_url);
    await page.getByRole('link', { name: 'オンラインで資格確認ができないとき（通信がなくても使えます）' }).click();
    await expect(page).toHaveURL(new RegExp(`${FALLBACK}$`));
    await expect(page.getByRole('heading', { level: 2, name: '何が起きていますか？' })).toBeVisible();
    await page.getByText('そのほかの原因', { exact: false }).click();
    await page.getByRole('button', { name: /^カードが使えない/ }).click();
    await expect(page.getByRole('note').filter({ hasText: 'カードが使えないことを伝える' })).toBeVisible();
    await snapshot(page, 'fallback-after-restart', info.project.name);
    await expect.poll(() => hook(page)).toEqual([expect.objectContaining({ id: formId, state: 'queued' })]);

    // Leave nothing for the shared server: clear this profile's outbox before it could send.
    await page.evaluate(() => (window as unknown as { __zaitakuOutbox: { clearDevice(): Promise<void> } }).__zaitakuOutbox.clearDevice());
    await context.close();
    expect(errors, 'no CSP violations or uncaught errors').toEqual([]);
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
});

/** Replaces navigator.storage.persist/persisted before the app starts, counting the asks. */
async function stubPersist(page: Page, granted: boolean): Promise<void> {
  await page.addInitScript((answer: boolean) => {
    const w = window as unknown as { __persistAsked: number };
    w.__persistAsked = 0;
    Object.defineProperty(StorageManager.prototype, 'persisted', { configurable: true, value: () => Promise.resolve(false) });
    Object.defineProperty(StorageManager.prototype, 'persist', {
      configurable: true,
      value: () => {
        w.__persistAsked += 1;
        return Promise.resolve(answer);
      },
    });
  }, granted);
}

test('§1: the app asks for persistent storage and remembers a refusal for the staff settings, without a banner on the patient\'s screens (issue 16 §6)', async ({ page }) => {
  await stubPersist(page, false);
  await page.goto(FALLBACK);
  await expect(page.getByRole('heading', { level: 2, name: '何が起きていますか？' })).toBeVisible();
  await expect.poll(() => page.evaluate(() => localStorage.getItem('zaitaku.persistentStorage') ?? '')).toContain('"denied"');
  expect(await page.evaluate(() => (window as unknown as { __persistAsked: number }).__persistAsked)).toBeGreaterThan(0);
  await expect(page.getByText(PERSIST_DENIED)).toHaveCount(0);
});

test('§1: when the browser grants persistent storage, no warning is shown', async ({ page }) => {
  await stubPersist(page, true);
  await page.goto(FALLBACK);
  await expect(page.getByRole('heading', { level: 2, name: '何が起きていますか？' })).toBeVisible();
  await expect.poll(() => page.evaluate(() => localStorage.getItem('zaitaku.persistentStorage') ?? '')).toContain('"granted"');
  expect(await page.evaluate(() => (window as unknown as { __persistAsked: number }).__persistAsked)).toBeGreaterThan(0);
  await expect(page.getByText(PERSIST_DENIED)).toHaveCount(0);
});
