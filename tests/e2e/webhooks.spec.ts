import { randomUUID } from 'node:crypto';
import { expect, expectNoSeriousA11yViolations, projectDataDir, snapshot, test } from './support/fixtures.ts';
import { signInStaff } from './support/staff-login.ts';

/**
 * Issue 19 #3: an administrator sets the webhook endpoint (https only), gets the signing secret
 * once, sees a delivery that gave up in the dead-letter list and sends it again.
 */
test('an administrator sets the webhook endpoint, sees the secret once, and retries a dead letter', async ({ page }, info) => {
  await signInStaff(page, '/staff/webhooks');
  await expect(page.getByRole('heading', { level: 1, name: '変更の通知（Webhook）' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: '職員用メニュー' }).getByRole('link', { name: '変更の通知（Webhook）' })).toHaveAttribute('aria-current', 'page');

  // Plain http is refused on the screen (and by the server).
  const url = page.getByLabel('送信先のアドレス（https://）');
  await url.fill('http://ehr.example/hooks/zaitaku');
  await page.getByRole('button', { name: '保存する' }).click();
  await expect(page.getByText('https:// で始まるアドレスを入力してください', { exact: false })).toBeVisible();

  await url.fill('https://ehr.example/hooks/zaitaku');
  await page.getByRole('button', { name: '保存する' }).click();
  await expect(page.getByRole('status').filter({ hasText: '送信先を保存しました。' })).toBeVisible();
  const secretPanel = page.getByRole('region', { name: '署名鍵' }).filter({ has: page.getByRole('textbox') });
  await expect(secretPanel.getByText('この署名鍵が表示されるのは今だけです。', { exact: false })).toBeVisible();
  const secret = await secretPanel.getByRole('textbox', { name: '署名鍵' }).inputValue();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  await secretPanel.getByRole('button', { name: '保存しました（表示を閉じる）' }).click();
  await expect(secretPanel).toBeHidden();

  // A delivery that gave up after its attempts (as the delivery loop leaves it).
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(`${projectDataDir()}/zaitaku.sqlite`);
  const deliveryId = randomUUID();
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const institution = db.prepare('SELECT institution_id FROM webhook_endpoint LIMIT 1').get() as { institution_id: string };
    const at = new Date().toISOString();
    const event = { id: randomUUID(), cursor: '9001', type: 'consent.registered', subjectId: randomUUID(), occurredAt: at };
    db.prepare(
      "INSERT INTO webhook_delivery (id, institution_id, event_id, sequence, payload_json, status, attempts, next_attempt_at, lease_until, last_error, created_at, updated_at, delivered_at) VALUES (?, ?, ?, 9001, ?, 'dead', 8, ?, NULL, 'http_503', ?, ?, NULL)",
    ).run(deliveryId, institution.institution_id, event.id, JSON.stringify(event), at, at, at);
  } finally {
    db.close();
  }

  await page.reload();
  await expect(page.getByText('送信をあきらめた通知: 1件', { exact: false })).toBeVisible();
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '9001', exact: true }) });
  await expect(row).toContainText('同意の登録');
  await expect(row).toContainText('相手のシステムが 503 を返しました');
  // The secret is never shown again.
  expect(await page.content()).not.toContain(secret.slice(6));
  await page.getByRole('heading', { name: '届けられなかった通知' }).scrollIntoViewIfNeeded();
  await snapshot(page, 'staff-webhooks-dead-letters', info.project.name);
  await expectNoSeriousA11yViolations(page);

  await row.getByRole('button', { name: '通知 9001 を再送する' }).click();
  await expect(page.getByRole('status').filter({ hasText: '通知 9001 をまもなく再送します。' })).toBeVisible();
  await expect(row).toBeHidden();
  await expect(page.getByText('届けられなかった通知はありません。')).toBeVisible();
});
