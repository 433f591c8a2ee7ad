import { randomUUID } from 'node:crypto';
import type { APIRequestContext, Page } from '@playwright/test';
import { E2E_LINK_TOKEN } from '../../playwright.config.ts';
import { expect, snapshot, test, waitForServiceWorkerControl } from './support/fixtures.ts';
import { signInStaff, staffApiCookie } from './support/staff-login.ts';

/**
 * The device side of the outbox (P4, issue 5 §4): encrypted at rest, kept through reloads and
 * lost connections, sent exactly once, a server refusal kept with its reason. The screens that
 * fill the form come separately, so these tests drive the real bundled modules through the
 * test hook (`window.__zaitakuOutbox`, only present when localStorage 'zaitaku.testHooks' is '1').
 * They run once, in the tablet project, against its own server.
 */

const NAME = '送信箱 桜子';
const KANA = 'ソウシンバコ サクラコ';
const PHONE = '090-2718-2818';
const ADDRESS = '東京都港区芝公園４－２－８';
const SIGNATURE = `data:image/png;base64,iVBORw0KGgo${'B'.repeat(400)}`;

interface Summary {
  id: string;
  state: 'queued' | 'sending' | 'rejected';
  attempts: number;
  queuedAt: number;
  lastError: { code: string; message: string; fields?: Record<string, string> } | null;
}
interface Hook {
  enqueueDeclaration(form: Record<string, unknown>, guide: unknown): Promise<void>;
  flushOutbox(): Promise<{ sent: number; rejected: number; waiting: number; unreadable: number }>;
  outboxSummaries(): Promise<Summary[]>;
  unreadableOutboxCount(): Promise<number>;
  clearDevice(): Promise<void>;
  saveDraft(draft: Record<string, unknown>): Promise<void>;
  loadDraft(linkToken: string): Promise<{ id: string; form: Record<string, unknown> } | null>;
}
interface HookWindow {
  __zaitakuOutbox: Hook;
}

function todayInJapan(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}

function declaration(overrides: Record<string, unknown> = {}): Record<string, unknown> & { id: string } {
  return {
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    linkToken: E2E_LINK_TOKEN,
    referenceNumber: '',
    holdsValidCard: true,
    insuranceType: 'employee',
    insurerName: '全国健康保険協会 東京支部',
    employerName: '株式会社送信商事',
    cardIssuedWhen: 'withinMonth',
    copayRatio: null,
    name: NAME,
    nameKana: KANA,
    dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
    sex: 'female',
    address: ADDRESS,
    otherResidence: '',
    declaredOn: todayInJapan(),
    signature: SIGNATURE,
    relationship: '',
    phone: PHONE,
    ...overrides,
  };
}

/** Opens the app once (service worker in control), with the test hook switched on. */
async function openWithHook(page: Page): Promise<void> {
  await page.goto('/');
  await waitForServiceWorkerControl(page);
  await page.evaluate(() => localStorage.setItem('zaitaku.testHooks', '1'));
  await page.reload();
  await waitHook(page);
}

async function waitHook(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as Partial<HookWindow>).__zaitakuOutbox !== undefined);
}

const enqueue = (page: Page, form: Record<string, unknown>) =>
  page.evaluate((f) => (window as unknown as HookWindow).__zaitakuOutbox.enqueueDeclaration(f, null), form);
const summaries = (page: Page) => page.evaluate(() => (window as unknown as HookWindow).__zaitakuOutbox.outboxSummaries());
const flush = (page: Page) => page.evaluate(() => (window as unknown as HookWindow).__zaitakuOutbox.flushOutbox());

/** Everything IndexedDB holds, read directly: strings, and bytes decoded as UTF-8. */
async function rawStorage(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('zaitaku');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const all = (store: string) =>
      new Promise<unknown[]>((resolve, reject) => {
        const req = db.transaction(store).objectStore(store).getAll();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    const texts: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') texts.push(value);
      else if (value instanceof ArrayBuffer) texts.push(new TextDecoder().decode(value));
      else if (ArrayBuffer.isView(value)) texts.push(new TextDecoder().decode(value));
      else if (value instanceof CryptoKey) texts.push(`[CryptoKey ${value.algorithm.name}]`);
      else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
    };
    const stores = { drafts: await all('drafts'), outbox: await all('outbox'), keys: await all('keys') };
    db.close();
    walk(stores);
    // issue 12 #7: an entry is sealed to the institution (envelope) or, until the institution's key
    // could be had, encrypted with the device key (payload).
    const outbox = (stores.outbox as { id: string; state: string; envelope?: { ciphertext: string }; payload?: { iv: Uint8Array; data: ArrayBuffer } }[]).map((r) =>
      r.envelope
        ? { id: r.id, state: r.state, sealed: true }
        : { id: r.id, state: r.state, ivLength: r.payload?.iv.length, dataIsBuffer: r.payload?.data instanceof ArrayBuffer },
    );
    const keys = (stores.keys as { key: CryptoKey }[]).map((k) => ({ extractable: k.key.extractable, algorithm: k.key.algorithm.name, usages: k.key.usages }));
    return { text: texts.join('\n'), outbox, keys, drafts: (stores.drafts as { id: string }[]).map((d) => d.id) };
  });
}

/** The staff inbox's copies of this declaration (the demo administrator). */
async function inboxCopies(request: APIRequestContext, id: string): Promise<{ id: string; name: string }[]> {
  const cookie = await staffApiCookie(request, 'admin');
  const res = await request.get('/api/staff/declarations', { headers: { cookie } });
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { declarations: { id: string; name: string }[] };
  return body.declarations.filter((d) => d.id === id);
}

/** Status codes of the declaration POSTs the page saw answered. */
function recordSends(page: Page): number[] {
  const statuses: number[] = [];
  page.on('response', (res) => {
    if (res.url().endsWith('/api/public/declarations') && res.request().method() === 'POST') statuses.push(res.status());
  });
  return statuses;
}

test('P4: queued offline, encrypted at rest, kept through an offline reload, sent once when back online', async ({ page, context, request }, info) => {
  await openWithHook(page);
  const sends = recordSends(page);
  const badge = page.getByRole('region', { name: '未送信の申立書' });

  // A draft first, then the same form submitted while offline: the draft goes, the entry waits.
  const form = declaration();
  await page.evaluate(
    (d) => (window as unknown as HookWindow).__zaitakuOutbox.saveDraft(d),
    { id: form.id, linkToken: E2E_LINK_TOKEN, form, guide: null, updatedAt: Date.now() },
  );
  expect((await page.evaluate((t) => (window as unknown as HookWindow).__zaitakuOutbox.loadDraft(t), E2E_LINK_TOKEN))?.form.name).toBe(NAME);

  await context.setOffline(true);
  await enqueue(page, form);
  await expect.poll(() => summaries(page)).toEqual([expect.objectContaining({ id: form.id, state: 'queued' })]);
  await expect(badge.getByRole('status')).toHaveText('未送信 1件');
  await snapshot(page, 'outbox-badge-queued', info.project.name);

  // At rest: no plain personal data anywhere; an AES-GCM ciphertext with a 12-byte IV; the key
  // cannot be exported. (The id and state are stored in clear, which proves the walk reads strings.)
  const raw = await rawStorage(page);
  expect(raw.text).toContain(form.id);
  for (const secret of [NAME, KANA, PHONE, ADDRESS, '株式会社送信商事', 'iVBORw0KGgo']) expect(raw.text).not.toContain(secret);
  expect(raw.outbox).toEqual([{ id: form.id, state: 'queued', ivLength: 12, dataIsBuffer: true }]);
  expect(raw.keys).toEqual([{ extractable: false, algorithm: 'AES-GCM', usages: expect.arrayContaining(['encrypt', 'decrypt']) }]);
  expect(raw.drafts).toEqual([]);
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(NAME);

  // A reload while offline (the tablet slept): still there, still queued.
  await page.reload();
  await waitHook(page);
  await expect(badge.getByRole('status')).toHaveText('未送信 1件');
  // The app's own start-up attempt may still be under way ('sending'); it fails offline.
  await expect.poll(() => summaries(page)).toEqual([expect.objectContaining({ id: form.id, state: 'queued' })]);
  expect((await summaries(page))[0]!.attempts).toBeGreaterThan(0);

  // Back online: sent on the 'online' event by itself, acknowledged, purged, the badge gone.
  await context.setOffline(false);
  await expect.poll(() => summaries(page), { timeout: 10_000 }).toEqual([]);
  await expect(badge).toHaveCount(0);
  expect(sends).toEqual([201]);
  expect(await inboxCopies(request, form.id)).toEqual([expect.objectContaining({ id: form.id, name: NAME })]);
  expect((await rawStorage(page)).outbox).toEqual([]);
});

test('outbox: a connection lost after the server stored the form keeps it queued; the resend is acknowledged once', async ({ page, request }) => {
  await openWithHook(page);
  const sends = recordSends(page);
  // The request reaches the server (which stores it), but the answer never comes back.
  let reachedServer = 0;
  await page.route('**/api/public/declarations', async (route) => {
    const response = await route.fetch();
    reachedServer = response.status();
    await route.abort('connectionreset');
  });
  const form = declaration();
  await enqueue(page, form);
  await expect.poll(() => reachedServer).toBe(201);
  await expect
    .poll(() => summaries(page))
    .toEqual([expect.objectContaining({ id: form.id, state: 'queued', attempts: 1, lastError: expect.objectContaining({ code: 'network' }) })]);
  await page.unroute('**/api/public/declarations');

  // 「今すぐ送信」: the same form again → 200 with the same receipt → purged.
  await page.getByRole('button', { name: '今すぐ送信' }).click();
  await expect.poll(() => summaries(page)).toEqual([]);
  expect(sends).toEqual([200]);
  expect(await inboxCopies(request, form.id)).toHaveLength(1);
});

test('outbox: a server refusal (4xx) keeps the form with its reason; nothing is resent or deleted until staff discard it', async ({ page }, info) => {
  await openWithHook(page);
  const sends = recordSends(page);
  const badge = page.getByRole('region', { name: '未送信の申立書' });

  // First the form is received; then a different form under the same id is a conflict (409).
  const form = declaration();
  await enqueue(page, form);
  await expect.poll(() => summaries(page)).toEqual([]);
  await enqueue(page, { ...form, name: '別人 太郎' });
  await expect
    .poll(() => summaries(page))
    .toEqual([expect.objectContaining({ id: form.id, state: 'rejected', lastError: expect.objectContaining({ code: 'declaration_conflict' }) })]);
  // And a form the server finds invalid (422) names the fields.
  const invalid = declaration({ phone: '12' });
  await enqueue(page, invalid);
  await expect.poll(async () => (await summaries(page)).find((s) => s.id === invalid.id)?.lastError).toEqual(
    expect.objectContaining({ code: 'validation_failed', fields: { phone: 'Enter a Japanese phone number.' } }),
  );
  expect(sends).toEqual([201, 409, 422]);

  await expect(badge.getByRole('status')).toHaveText('未送信 2件');
  await expect(badge).toContainText('同じ番号で別の内容の申立書がすでに届いています');
  await expect(badge).toContainText('入力内容に不備があります（1項目）');
  await snapshot(page, 'outbox-badge-rejected', info.project.name);

  // Kept through a reload, and never sent again by a flush.
  await page.reload();
  await waitHook(page);
  expect(await flush(page)).toEqual({ sent: 0, rejected: 0, waiting: 0, unreadable: 0 });
  expect((await summaries(page)).map((s) => s.state)).toEqual(['rejected', 'rejected']);
  expect(sends).toEqual([201, 409, 422]);

  // Staff read the reason and discard one, after confirming.
  const first = badge.getByRole('listitem').filter({ hasText: '同じ番号' });
  await first.getByRole('button', { name: 'この申立書を破棄する' }).click();
  await first.getByRole('button', { name: '削除する' }).click();
  await expect(badge.getByRole('status')).toHaveText('未送信 1件');
  expect((await summaries(page)).map((s) => s.id)).toEqual([invalid.id]);
});

test('outbox: an entry left "sending" by a crash is sent again; with the key gone, entries are reported unreadable, not crashed on', async ({ page, context }) => {
  await openWithHook(page);
  const sends = recordSends(page);

  // A tab that died mid-send leaves 'sending' behind: the next flush sends it.
  await context.setOffline(true);
  const form = declaration();
  await enqueue(page, form);
  // Wait until the send attempted on enqueue has failed and finished, so it cannot overwrite the
  // 'sending' state this test leaves behind below.
  await expect.poll(() => summaries(page)).toEqual([expect.objectContaining({ state: 'queued', attempts: 1 })]);
  await page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('zaitaku');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('outbox', 'readwrite');
      const store = tx.objectStore('outbox');
      const get = store.get(id);
      get.onsuccess = () => store.put({ ...get.result, state: 'sending' });
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, form.id);
  expect(await summaries(page)).toEqual([expect.objectContaining({ state: 'sending' })]);
  // Back online (the 'online' event flushes): sent, once.
  await context.setOffline(false);
  await expect.poll(() => summaries(page)).toEqual([]);
  expect(sends).toEqual([201]);

  // The device key is cleared while a form waits: it cannot be read, so it is not counted or sent.
  // (Only a form queued before the institution's key was known is device-encrypted, issue 12 #7:
  // forget the cached key so this one is.)
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('zaitaku');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('institutionKeys', 'readwrite');
      tx.objectStore('institutionKeys').clear();
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  });
  await context.setOffline(true);
  await enqueue(page, declaration());
  await expect.poll(() => summaries(page)).toHaveLength(1);
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('zaitaku');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('keys', 'readwrite');
      tx.objectStore('keys').clear();
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  });
  // Reloaded while still offline (the service worker serves the page): an open page keeps its
  // device key in memory, and the 'online' event would send the entry with it before a reload made
  // after reconnecting (a flake seen under load). A page opened after the key was lost has none.
  await page.reload();
  await waitHook(page);
  await context.setOffline(false);
  expect(await summaries(page)).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as HookWindow).__zaitakuOutbox.unreadableOutboxCount())).toBe(1);
  expect(await flush(page)).toEqual({ sent: 0, rejected: 0, waiting: 0, unreadable: 1 });
  await expect(page.getByRole('region', { name: '未送信の申立書' })).toContainText('読めない申立書が 1件');
  expect(sends).toEqual([201]);

  // A new form still works (a new key), and "clear this device" removes everything.
  await context.setOffline(true);
  await enqueue(page, declaration());
  await expect.poll(() => summaries(page)).toHaveLength(1);
  await page.evaluate(() => (window as unknown as HookWindow).__zaitakuOutbox.clearDevice());
  expect(await summaries(page)).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as HookWindow).__zaitakuOutbox.unreadableOutboxCount())).toBe(0);
  await expect(page.getByRole('region', { name: '未送信の申立書' })).toHaveCount(0);
  await context.setOffline(false);
});

test('P4: staff clear this device after confirming: drafts and unsent forms are gone', async ({ page }) => {
  await openWithHook(page);
  // The server cannot be reached for declarations: the form stays on the device.
  await page.route('**/api/public/declarations', (route) => route.abort());
  await enqueue(page, declaration());
  await expect.poll(async () => (await summaries(page)).length).toBe(1);

  // Its own session: clearing the device may end it.
  await signInStaff(page, '/staff', 'admin', { fresh: true });
  await page.getByRole('button', { name: 'この端末のデータを消去する' }).click();
  // Cancelling keeps everything.
  await page.getByRole('button', { name: 'やめる' }).click();
  expect((await rawStorage(page)).outbox).toHaveLength(1);

  await page.getByRole('button', { name: 'この端末のデータを消去する' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('未送信の申立書は送信されなくなります');
  await page.getByRole('button', { name: '消去する', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'この端末から消去しました。' })).toBeVisible();
  const raw = await rawStorage(page);
  expect(raw.outbox).toEqual([]);
  expect(raw.drafts).toEqual([]);
  await expect(page.getByText(/未送信 \d+件/)).toHaveCount(0);
});
