import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { encode } from 'uqr';
import { E2E_LINK_TOKEN } from '../../../playwright.config.ts';
import { expect, projectDataDir } from './fixtures.ts';

export const LINK = `/i/${E2E_LINK_TOKEN}`;

/**
 * Walks from the preparation screen to the consent screen and consents to everything; the date and
 * the prescription form (where asked) and 「同意内容を登録する」 are on that same screen (issue 16 §2).
 */
export async function consentToEverything(page: Page): Promise<void> {
  await page.getByRole('button', { name: '準備ができました' }).click();
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  await expect(page.getByRole('button', { name: '✓ すべて同意しています' })).toBeVisible();
}

/**
 * Issue 16 §3: the QR screen prints no address; 「リンクをコピー」 copies it and says so. Returns
 * the copied address (what the QR code holds), read back from the clipboard.
 */
export async function copyCardAppLink(page: Page): Promise<string> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'リンクをコピー' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'コピーしました' })).toBeVisible();
  const url = await page.evaluate(() => navigator.clipboard.readText());
  expect(url).toContain('/card-app?');
  return url;
}

/**
 * Issue 16 §4: no choice breaks inside a word. Each short label (the yes/no choices, the titles of
 * the choice buttons) is measured: the rectangles of its text's lines must all share one top.
 */
export async function expectChoicesOnOneLine(page: Page): Promise<void> {
  const broken = await page.evaluate(() => {
    const labels = [...document.querySelectorAll('.yes-no .choice-text, .choice-title')];
    return labels.flatMap((label) => {
      const range = document.createRange();
      range.selectNodeContents(label);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      return tops.size > 1 ? [`${label.textContent ?? ''} (${tops.size} lines)`] : [];
    });
  });
  expect(broken, 'choices broken across lines').toEqual([]);
  expect(await page.locator('.yes-no .choice-text, .choice-title').count()).toBeGreaterThan(0);
}

/** The simulated card app: choose a demo card, type the PIN, read the card. */
export async function useCard(page: Page, cardLabel: RegExp, pin = '1234'): Promise<void> {
  await page.getByRole('button', { name: cardLabel }).click();
  await page.getByRole('textbox', { name: '暗証番号（4桁）を入力してください' }).fill(pin);
  await page.getByRole('button', { name: '読み取り開始' }).click();
}

/** The SVG path our QR component draws for a value, to prove what a QR code on screen holds. */
export function qrPathFor(value: string): string {
  const { data } = encode(value, { ecc: 'M', border: 4 });
  let d = '';
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    }),
  );
  return d;
}

/** Unlocks a simulated card with the project's reset command, as the municipal office would. */
export function resetCard(cardId: string): void {
  execFileSync(process.execPath, ['src/server/national/embedded/card-simulator/cli.ts', 'reset', cardId], {
    env: { ...process.env, DATA_DIR: projectDataDir(), LOG_LEVEL: 'silent' },
    stdio: 'pipe',
  });
}

/** Tomorrow in Japan, YYYY-MM-DD. */
export function tomorrowInJapan(): string {
  return new Date(Date.now() + 9 * 3600_000 + 24 * 3600_000).toISOString().slice(0, 10);
}

/** Registers a consent through the real API and simulated card, as set-up for a test. */
export async function registerViaApi(
  request: import('@playwright/test').APIRequestContext,
  cardId: string,
  body: Record<string, unknown> = {},
): Promise<void> {
  const started = await request.post('/api/public/registrations', {
    headers: { 'x-device-id': '0b7e2f4c-1a3d-4c5e-8f9a-2b4c6d8e0f12' },
    data: {
      linkToken: E2E_LINK_TOKEN,
      visitType: 'homeVisit',
      arrival: 'link',
      handoffPath: 'crossDevice',
      choices: { surgery: true, medication: true, checkup: true, costLimit: true, specificDisease: true },
      prescriptionForm: 'paper',
      ...body,
    },
  });
  expect(started.status()).toBe(201);
  const { challenge } = (await started.json()) as { challenge: { challengeId: string; nonce: string } };
  const signed = await request.post(`/sim/api/cards/${cardId}/sign`, { data: { pin: '1234', challengeId: challenge.challengeId, nonce: challenge.nonce } });
  expect(signed.status()).toBe(200);
  const handed = await request.post('/api/handoff', { data: await signed.json() });
  expect(handed.status()).toBe(200);
}

/** Reads the e2e server's database directly (read-only), to check what a screen claims. */
export async function consentsOf(personRef: string): Promise<{ scopes: string; status: string; visit_type: string }[]> {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(`${projectDataDir()}/zaitaku.sqlite`, { readOnly: true });
  try {
    return db
      .prepare('SELECT scopes, status, visit_type FROM consent WHERE person_ref = ? ORDER BY registered_at')
      .all(personRef) as { scopes: string; status: string; visit_type: string }[];
  } finally {
    db.close();
  }
}
