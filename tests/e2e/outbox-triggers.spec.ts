import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from '@playwright/test';
import { E2E_LINK_TOKEN } from '../../playwright.config.ts';
import { expect, test, waitForServiceWorkerControl } from './support/fixtures.ts';

/**
 * issue 21 #3: the outbox is sent while the page stays open, without Background Sync (Safari and
 * Firefox have none): on `online`, when the page is shown, and on a back-off timer (5 s, doubling
 * to 5 min) that does not wait for the old 60 s. And however many of these fire together, in one
 * tab or in several, an entry is POSTed once. Background Sync is switched off in these pages so
 * Chromium cannot send for the page. Driven through the test hook, as tests/e2e/outbox.spec.ts.
 */

const DECLARATIONS = '**/api/public/declarations';

interface Summary {
  id: string;
  state: string;
  attempts: number;
}
interface HookWindow {
  __zaitakuOutbox: {
    enqueueDeclaration(form: Record<string, unknown>, guide: unknown): Promise<void>;
    outboxSummaries(): Promise<Summary[]>;
  };
}

function declaration(): Record<string, unknown> & { id: string } {
  return {
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    linkToken: E2E_LINK_TOKEN,
    referenceNumber: '',
    holdsValidCard: true,
    insuranceType: 'employee',
    insurerName: '全国健康保険協会 東京支部',
    employerName: '株式会社契機商事',
    cardIssuedWhen: 'withinMonth',
    copayRatio: null,
    name: '契機 花子',
    nameKana: 'ケイキ ハナコ',
    dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
    sex: 'female',
    address: '東京都港区芝公園４－２－８',
    otherResidence: '',
    declaredOn: new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10),
    signature: `data:image/png;base64,iVBORw0KGgo${'C'.repeat(400)}`,
    relationship: '',
    phone: '090-2718-2818',
  };
}

/** No Background Sync in the pages (as in Safari and Firefox): only the page's own triggers send. */
async function withoutBackgroundSync(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    delete (ServiceWorkerRegistration.prototype as { sync?: unknown }).sync;
  });
}

async function openWithHook(page: Page): Promise<void> {
  await page.goto('/');
  await waitForServiceWorkerControl(page);
  await page.evaluate(() => localStorage.setItem('zaitaku.testHooks', '1'));
  await page.reload();
  await waitHook(page);
}

async function waitHook(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as Partial<HookWindow>).__zaitakuOutbox !== undefined);
  expect(await page.evaluate(() => 'sync' in ServiceWorkerRegistration.prototype)).toBe(false);
}

const enqueue = (page: Page, form: Record<string, unknown>) =>
  page.evaluate((f) => (window as unknown as HookWindow).__zaitakuOutbox.enqueueDeclaration(f, null), form);
const summaries = (page: Page) => page.evaluate(() => (window as unknown as HookWindow).__zaitakuOutbox.outboxSummaries());

/** Every declaration POST the pages of the context start (aborted ones included), by form id. */
function recordPosts(context: BrowserContext): string[] {
  const ids: string[] = [];
  context.on('request', (req) => {
    if (req.url().endsWith('/api/public/declarations') && req.method() === 'POST') {
      const body = req.postDataJSON() as { id?: string } | null;
      ids.push(body?.id ?? '?');
    }
  });
  return ids;
}

/** Queues a form whose first send fails (the declarations endpoint unreachable), and waits until it is back in the queue. */
async function queueAfterAFailedSend(page: Page, form: Record<string, unknown> & { id: string }): Promise<void> {
  // Only the first send fails: a slow machine reaching unroute late cannot delay the next ones.
  await page.route(DECLARATIONS, (route) => route.abort('internetdisconnected'), { times: 1 });
  await enqueue(page, form);
  await expect.poll(() => summaries(page)).toEqual([expect.objectContaining({ id: form.id, state: 'queued', attempts: 1 })]);
  await page.unroute(DECLARATIONS);
}

test('outbox: back online with the page open, an `online` that comes before the connection works is followed within seconds, not 60 s', async ({ page, context }) => {
  await withoutBackgroundSync(context);
  await openWithHook(page);
  const posts = recordPosts(context);
  const form = declaration();

  await context.setOffline(true);
  await enqueue(page, form);
  // The try made on queueing has failed and ended.
  await expect.poll(() => summaries(page)).toEqual([expect.objectContaining({ id: form.id, state: 'queued', attempts: 1 })]);

  // The network is back, but the first send on `online` still fails (an `online` can come before the connection works).
  let refused = 0;
  const before = posts.length;
  await page.route(
    DECLARATIONS,
    (route) => {
      refused++;
      return route.abort('internetdisconnected');
    },
    { times: 1 },
  );
  await context.setOffline(false);
  await expect.poll(() => refused).toBe(1);

  // No reload, no event: the back-off timer's next try (5 s) sends it.
  await expect.poll(() => summaries(page), { timeout: 10_000 }).toEqual([]);
  expect(posts.slice(before)).toEqual([form.id, form.id]);
});

test('outbox: with no event at all, the back-off timer sends a waiting form within seconds', async ({ page, context }) => {
  await withoutBackgroundSync(context);
  await openWithHook(page);
  const posts = recordPosts(context);
  const form = declaration();
  await queueAfterAFailedSend(page, form);
  const failedAt = Date.now();
  await expect.poll(() => summaries(page), { timeout: 10_000 }).toEqual([]);
  // The second try came from the timer: nothing else happened in between.
  expect(Date.now() - failedAt).toBeGreaterThan(2_000);
  expect(posts.filter((id) => id === form.id)).toHaveLength(2);
});

test('outbox: `online` and the page shown firing together send a waiting form once', async ({ page, context }) => {
  await withoutBackgroundSync(context);
  // No Web Locks either (Safari before 15.4), so the page's own one-pass-at-a-time is what is tested.
  await context.addInitScript(() => {
    delete (Navigator.prototype as { locks?: unknown }).locks;
  });
  await openWithHook(page);
  expect(await page.evaluate(() => 'locks' in navigator)).toBe(false);
  const posts = recordPosts(context);
  const form = declaration();
  await queueAfterAFailedSend(page, form);
  const before = posts.length;
  // A slow connection: the second trigger arrives while the first send is under way.
  await page.route(DECLARATIONS, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });

  await page.evaluate(() => {
    window.dispatchEvent(new Event('online'));
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('online'));
  });
  await expect.poll(() => summaries(page)).toEqual([]);
  // Past the first back-off try too: nothing more goes out for it.
  await page.waitForTimeout(6_000);
  expect(posts.slice(before)).toEqual([form.id]);
  await page.unroute(DECLARATIONS);
});

test('outbox: two tabs without Web Locks firing together while the send is slow send the form once', async ({ page, context }) => {
  await withoutBackgroundSync(context);
  // Safari before 15.4: no navigator.locks; the entry's own 'sending' mark must keep the other tab off.
  await context.addInitScript(() => {
    delete (Navigator.prototype as { locks?: unknown }).locks;
  });
  await openWithHook(page);
  const other = await context.newPage();
  await other.goto('/');
  await waitHook(other);
  expect(await page.evaluate(() => 'locks' in navigator)).toBe(false);
  const posts = recordPosts(context);
  const form = declaration();
  await queueAfterAFailedSend(page, form);
  const before = posts.length;

  // A slow connection: each send takes a second and a half, so both tabs' passes overlap it.
  await context.route(DECLARATIONS, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });
  const fire = (p: Page) =>
    p.evaluate(() => {
      window.dispatchEvent(new Event('online'));
      document.dispatchEvent(new Event('visibilitychange'));
    });
  await Promise.all([fire(page), fire(other), new Promise((r) => setTimeout(r, 300)).then(() => fire(other))]);
  await expect.poll(() => summaries(page)).toEqual([]);
  await page.waitForTimeout(6_000);
  expect(posts.slice(before)).toEqual([form.id]);
  await context.unroute(DECLARATIONS);
});
