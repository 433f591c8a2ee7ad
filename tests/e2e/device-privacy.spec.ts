import { randomUUID } from 'node:crypto';
import type { APIRequestContext, Page } from '@playwright/test';
import { E2E_LINK_TOKEN } from '../../playwright.config.ts';
import { expect, test, waitForServiceWorkerControl } from './support/fixtures.ts';
import { copyCardAppLink, LINK, useCard } from './support/reception.ts';
import { signInStaff, staffApiCookie } from './support/staff-login.ts';

/**
 * Issue 12 §6 and §10: nothing of a patient left on a shared tablet. After a finished
 * registration and after a sent declaration, every store the page can reach — localStorage,
 * sessionStorage and every IndexedDB store, with each device-encrypted record decrypted with the
 * device key — holds no name, number or date of birth (#7, #8). A queued declaration is sealed to
 * the institution, so even the device key does not open it (#7). A declaration queued for a link
 * that has since been reissued waits as "needs attention" and is sent once the clinic's current
 * link is opened (#13); one refused because the clinic revoked the tablet waits the same way and is
 * sent once staff allow the device again (#13). Run at the tablet size: the reception tablet is the shared device in question.
 */

/** Everything the page can read on this origin, as text: Web Storage and every IndexedDB store,
 * with any `{ iv, data }` payload decrypted with every CryptoKey found (a thief with the tablet). */
async function everythingStored(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const texts: string[] = [];
    for (const storage of [localStorage, sessionStorage]) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i)!;
        texts.push(key, storage.getItem(key) ?? '');
      }
    }
    const dbs = await indexedDB.databases();
    for (const info of dbs) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const stores: Record<string, unknown[]> = {};
      for (const name of Array.from(db.objectStoreNames)) {
        stores[name] = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(name).objectStore(name).getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
      }
      db.close();
      const keys: CryptoKey[] = [];
      const findKeys = (value: unknown): void => {
        if (value instanceof CryptoKey) keys.push(value);
        else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) Object.values(value).forEach(findKeys);
      };
      findKeys(stores);
      const walk = async (value: unknown, store: string, id: string): Promise<void> => {
        if (typeof value === 'string') texts.push(value);
        else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) texts.push(new TextDecoder().decode(value));
        else if (value instanceof CryptoKey) texts.push(`[CryptoKey ${value.algorithm.name}]`);
        else if (value !== null && typeof value === 'object') {
          const record = value as { iv?: unknown; data?: unknown };
          if (record.iv instanceof Uint8Array && record.data instanceof ArrayBuffer) {
            for (const key of keys) {
              if (!key.usages.includes('decrypt')) continue;
              try {
                const plain = await crypto.subtle.decrypt(
                  { name: 'AES-GCM', iv: record.iv as Uint8Array<ArrayBuffer>, additionalData: new TextEncoder().encode(`zaitaku:${store}:${id}`) },
                  key,
                  record.data,
                );
                texts.push(`[decrypted] ${new TextDecoder().decode(plain)}`);
              } catch {
                // not this key
              }
            }
          }
          for (const inner of Object.values(value)) await walk(inner, store, id);
        }
      };
      for (const [store, records] of Object.entries(stores)) {
        for (const record of records) {
          const id = (record as { id?: unknown })?.id;
          await walk(record, store, typeof id === 'string' ? id : '');
        }
      }
      texts.push(`[stores of ${info.name}: ${Object.keys(stores).join(', ')}]`);
    }
    return texts.join('\n');
  });
}

function expectNoneOf(text: string, secrets: string[]): void {
  for (const secret of secrets) expect(text.includes(secret), `found on the device: ${secret.slice(0, 3)}…`).toBe(false);
}

interface EligibilityLike {
  name: string;
  nameKana: string;
  dateOfBirth: string | null;
  insurerNumber: string;
  [field: string]: unknown;
}

test('issue 12 #8, #7: after a finished registration the tablet keeps no name, number, date of birth or access token', async ({ page, browser }) => {
  test.setTimeout(120_000);
  let accessToken = '';
  let record: EligibilityLike | null = null;
  page.on('response', async (res) => {
    const url = new URL(res.url());
    if (url.pathname === '/api/public/registrations' && res.request().method() === 'POST' && res.status() === 201) {
      accessToken = ((await res.json()) as { accessToken: string }).accessToken;
    }
    if (/^\/api\/public\/registrations\/[^/]+$/.test(url.pathname) && res.status() === 200) {
      const body = (await res.json().catch(() => null)) as { eligibility?: { record: EligibilityLike } | null } | null;
      if (body?.eligibility) record = body.eligibility.record;
    }
  });

  await page.goto(`${LINK}?visit=homeVisit`);
  await page.getByRole('button', { name: '準備ができました' }).click();
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  await page.getByText('電子処方箋', { exact: true }).click();
  await page.getByRole('button', { name: '同意内容を登録する' }).click();
  await expect(page.getByRole('heading', { name: 'マイナンバーカードで本人確認' })).toBeVisible();
  await expect.poll(() => accessToken).not.toBe('');

  // While the card step waits, the token is in this tab's session only (it survives a reload).
  const waiting = await everythingStored(page);
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(accessToken);
  expect(waiting).toContain(accessToken);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'マイナンバーカードで本人確認' })).toBeVisible();

  const cardAppUrl = await copyCardAppLink(page);
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'ja-JP' });
  const phonePage = await phone.newPage();
  await phonePage.goto(cardAppUrl);
  await useCard(phonePage, /カード01/);
  await expect(phonePage.getByText('確認できました。受付をしている端末（タブレットなど）の画面に戻ってください。')).toBeVisible();
  await phone.close();

  await expect(page.getByRole('heading', { name: '受付が完了しました' })).toBeVisible({ timeout: 10_000 });
  await expect(page.getByText('山田　花子')).toBeVisible();
  await expect.poll(() => record).not.toBeNull();
  const shown = record as unknown as EligibilityLike;
  const numbers = Object.entries(shown)
    .filter(([field, value]) => /number|symbol/i.test(field) && typeof value === 'string' && value.length >= 2)
    .map(([, value]) => value as string);
  const secrets = [shown.name, shown.nameKana, shown.dateOfBirth ?? '', shown.insurerNumber, ...numbers, accessToken].filter((s) => s.length >= 2);
  expect(secrets).toEqual(expect.arrayContaining(['山田　花子', accessToken]));
  expect(secrets.length).toBeGreaterThanOrEqual(4);

  // The result is on screen; the token is now in memory only, and no record is stored anywhere.
  expectNoneOf(await everythingStored(page), secrets);
  // Left alone, the next patient: still nothing.
  await page.getByRole('button', { name: '次の受付を始める' }).click();
  await expect(page.getByRole('heading', { name: 'ご準備ください' })).toBeVisible();
  expectNoneOf(await everythingStored(page), secrets);
  // The reload of a shown result does not show it again: it starts afresh.
  await page.reload();
  await expect(page.getByText('山田　花子')).toHaveCount(0);
});

const NAME = '秘匿 夏子';
const KANA = 'ヒトク ナツコ';
const PHONE = '090-5772-1566';
const ADDRESS = '東京都新宿区西新宿２－８－１';
const EMPLOYER = '株式会社秘匿商事';
const REFERENCE = 'R-7310-0042';

function todayInJapan(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}

function declaration(linkToken: string): Record<string, unknown> & { id: string } {
  return {
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    linkToken,
    referenceNumber: REFERENCE,
    holdsValidCard: true,
    insuranceType: 'employee',
    insurerName: '全国健康保険協会 東京支部',
    employerName: EMPLOYER,
    cardIssuedWhen: 'withinMonth',
    copayRatio: null,
    name: NAME,
    nameKana: KANA,
    dateOfBirth: { era: 'heisei', year: 3, month: 7, day: 19 },
    sex: 'female',
    address: ADDRESS,
    otherResidence: '',
    declaredOn: todayInJapan(),
    signature: `data:image/png;base64,iVBORw0KGgo${'C'.repeat(400)}`,
    relationship: '',
    phone: PHONE,
  };
}
const SECRETS = [NAME, KANA, PHONE, ADDRESS, EMPLOYER, REFERENCE, 'heisei', 'iVBORw0KGgo'];

interface Hook {
  enqueueDeclaration(form: Record<string, unknown>, guide: unknown): Promise<void>;
  flushOutbox(): Promise<{ sent: number; rejected: number; waiting: number; unreadable: number }>;
  outboxSummaries(): Promise<{ id: string; state: string; lastError: { code: string } | null }[]>;
  saveDraft(draft: Record<string, unknown>): Promise<void>;
  noteInstitutionLink(linkToken: string, key: unknown): Promise<number>;
}

/** Opens the clinic link (its key is cached) with the outbox test hook switched on. */
async function openLinkWithHook(page: Page): Promise<void> {
  await page.goto(LINK);
  await waitForServiceWorkerControl(page);
  await page.evaluate(() => localStorage.setItem('zaitaku.testHooks', '1'));
  await page.reload();
  await page.waitForFunction(() => (window as unknown as { __zaitakuOutbox?: unknown }).__zaitakuOutbox !== undefined);
  await expect(page.getByText('在宅受付デモクリニック').first()).toBeVisible();
}

/** The outbox's entries, once the page's test hook has loaded (it arrives after the first screen). */
const summaries = async (page: Page) => {
  await page.waitForFunction(() => (window as unknown as { __zaitakuOutbox?: unknown }).__zaitakuOutbox !== undefined);
  return page.evaluate(() => (window as unknown as { __zaitakuOutbox: Hook }).__zaitakuOutbox.outboxSummaries());
};

async function inboxCopies(request: APIRequestContext, id: string): Promise<{ id: string; name: string }[]> {
  const cookie = await staffApiCookie(request, 'admin');
  const res = await request.get('/api/staff/declarations', { headers: { cookie } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { declarations: { id: string; name: string }[] }).declarations.filter((d) => d.id === id);
}

test('issue 12 #7: a draft is device-encrypted, a queued declaration sealed (the device key does not open it), and after sending nothing is left', async ({ page, request }) => {
  await openLinkWithHook(page);
  const form = declaration(E2E_LINK_TOKEN);
  // A draft being typed: encrypted with the device key (a thief with the tablet could open it).
  await page.evaluate((d) => (window as unknown as { __zaitakuOutbox: Hook }).__zaitakuOutbox.saveDraft(d), {
    id: form.id,
    linkToken: E2E_LINK_TOKEN,
    form,
    guide: null,
    updatedAt: Date.now(),
  });
  // (This proves the dump decrypts what the device key opens: the name is found here.)
  const typing = await everythingStored(page);
  expect(typing).toContain('[decrypted]');
  expect(typing).toContain(NAME);

  // Submitted while the server cannot take it: queued, sealed, the draft gone. Even decrypting
  // everything with the device key finds nothing of the patient.
  await page.route('**/api/public/declarations', (route) => route.abort());
  await page.evaluate((f) => (window as unknown as { __zaitakuOutbox: Hook }).__zaitakuOutbox.enqueueDeclaration(f, null), form);
  await expect.poll(async () => (await summaries(page)).map((s) => [s.id, s.state])).toEqual([[form.id, 'queued']]);
  const queued = await everythingStored(page);
  expect(queued).toContain(form.id);
  expectNoneOf(queued, SECRETS);
  const stored = await page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('zaitaku');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const record = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = db.transaction('outbox').objectStore('outbox').get(id);
      req.onsuccess = () => resolve(req.result as Record<string, unknown>);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return { envelope: record.envelope !== undefined, payload: record.payload !== undefined, drafts: 0 };
  }, form.id);
  expect(stored).toEqual({ envelope: true, payload: false, drafts: 0 });

  // Sent: acknowledged, purged; in the clinic's inbox once; nothing of it on the device.
  await page.unroute('**/api/public/declarations');
  // A pass of our own rather than 「今すぐ送信」 (outbox.spec.ts clicks it): the outbox's own retry
  // may send the form first and take the button away, which made this test time out on busy cores.
  await page.evaluate(() => (window as unknown as { __zaitakuOutbox: Hook }).__zaitakuOutbox.flushOutbox());
  await expect.poll(() => summaries(page)).toEqual([]);
  expect(await inboxCopies(request, form.id)).toEqual([expect.objectContaining({ id: form.id, name: NAME })]);
  const after = await everythingStored(page);
  expectNoneOf(after, [...SECRETS, form.id]);
});

test('issue 12 #13: a declaration queued for a link since reissued waits as "needs attention", then reaches the inbox once the current link is opened', async ({ page, request }) => {
  await openLinkWithHook(page);
  // The tablet knew the clinic under a link that has since been reissued: the same institution
  // key, cached under the old link (the server no longer knows that link: 404 link_invalid).
  const staleLink = `e2e-reissued-${randomUUID()}`;
  const details = await request.get(`/api/public/institutions/${E2E_LINK_TOKEN}`);
  const { declarationKey } = (await details.json()) as { declarationKey: unknown };
  await page.evaluate(([link, key]) => (window as unknown as { __zaitakuOutbox: Hook }).__zaitakuOutbox.noteInstitutionLink(link as string, key), [staleLink, declarationKey] as const);

  const sends: number[] = [];
  page.on('response', (res) => {
    if (res.url().endsWith('/api/public/declarations') && res.request().method() === 'POST') sends.push(res.status());
  });
  const form = declaration(staleLink);
  await page.evaluate((f) => (window as unknown as { __zaitakuOutbox: Hook }).__zaitakuOutbox.enqueueDeclaration(f, null), form);
  await expect
    .poll(async () => (await summaries(page)).map((s) => [s.state, s.lastError?.code]))
    .toEqual([['attention', 'link_invalid']]);
  const badge = page.getByRole('region', { name: '未送信の申立書' });
  await expect(badge.getByTestId('outbox-attention')).toContainText('要対応');
  await expect(badge.getByTestId('outbox-attention')).toContainText('医療機関のリンクが無効です');
  // Held, not lost, and not resent by the regular passes.
  expect(await page.evaluate(() => (window as unknown as { __zaitakuOutbox: Hook }).__zaitakuOutbox.flushOutbox())).toEqual({ sent: 0, rejected: 0, waiting: 0, unreadable: 0 });
  expect(sends).toEqual([404]);
  expect(await inboxCopies(request, form.id)).toEqual([]);

  // The clinic's current link is opened on the tablet: re-addressed, sent, in the inbox once.
  await page.goto(LINK);
  await expect(page.getByText('在宅受付デモクリニック').first()).toBeVisible();
  await expect.poll(() => summaries(page), { timeout: 10_000 }).toEqual([]);
  await expect(page.getByRole('region', { name: '未送信の申立書' })).toHaveCount(0);
  expect(sends).toEqual([404, 201]);
  expect(await inboxCopies(request, form.id)).toEqual([expect.objectContaining({ id: form.id, name: NAME })]);
});

test('issue 12 #13: a declaration refused because the tablet was revoked waits as "needs attention", and is sent once staff allow the device again', async ({ page, browser, request }) => {
  test.setTimeout(120_000);
  await openLinkWithHook(page);
  const tablet = await page.evaluate(() => localStorage.getItem('zaitaku.deviceId'));
  expect(tablet).toMatch(/^[0-9a-f-]{36}$/);
  const cookie = await staffApiCookie(request, 'clerk');
  expect((await request.post(`/api/staff/devices/${tablet}/revoke`, { headers: { cookie } })).status()).toBe(200);

  const sends: number[] = [];
  page.on('response', (res) => {
    if (res.url().endsWith('/api/public/declarations') && res.request().method() === 'POST') sends.push(res.status());
  });
  const form = declaration(E2E_LINK_TOKEN);
  await page.evaluate((f) => (window as unknown as { __zaitakuOutbox: Hook }).__zaitakuOutbox.enqueueDeclaration(f, null), form);
  await expect
    .poll(async () => (await summaries(page)).map((s) => [s.state, s.lastError?.code]))
    .toEqual([['attention', 'device_revoked']]);
  await expect(page.getByRole('region', { name: '未送信の申立書' }).getByTestId('outbox-attention')).toContainText('要対応');
  expect(sends).toEqual([403]);
  expect(await inboxCopies(request, form.id)).toEqual([]);

  // At the clinic, a clerk finds the tablet in the device list and allows it again (asked first).
  const clinic = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const staff = await clinic.newPage();
  await signInStaff(staff, '/staff/devices', 'clerk');
  const row = staff.getByRole('row').filter({ hasText: tablet!.slice(0, 8) });
  await expect(row).toContainText('使用停止（');
  await row.getByRole('button', { name: `利用を再開する… ${tablet!.slice(0, 8)}` }).click();
  await expect(staff.getByRole('alertdialog')).toContainText('利用を再開しますか？');
  await staff.getByRole('alertdialog').getByRole('button', { name: '利用を再開する' }).click();
  await expect(staff.getByText(`端末 ${tablet!.slice(0, 8)} の利用を再開しました。`)).toBeVisible();
  await expect(row).toContainText('利用できます');
  await clinic.close();

  // The tablet opens the clinic link again: the held declaration is sent, and is in the inbox once.
  await page.goto(LINK);
  await expect(page.getByText('在宅受付デモクリニック').first()).toBeVisible();
  await expect.poll(() => summaries(page), { timeout: 10_000 }).toEqual([]);
  await expect(page.getByRole('region', { name: '未送信の申立書' })).toHaveCount(0);
  expect(sends).toEqual([403, 201]);
  expect(await inboxCopies(request, form.id)).toEqual([expect.objectContaining({ id: form.id, name: NAME })]);
});
