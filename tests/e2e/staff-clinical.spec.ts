import fs from 'node:fs';
import { E2E_DATA_DIR, E2E_LINK_TOKEN } from '../../playwright.config.ts';
import { createLocalRegistry } from '../../src/server/national/embedded/local-registry.ts';
import { expect, expectNoSeriousA11yViolations, snapshot, test } from './support/fixtures.ts';
import { signInStaff, staffApiCookie } from './support/staff-login.ts';

/**
 * P3, X5 (issue 6 §3–4): the doctor sees medication for a person with a valid consent and nothing
 * for one whose house-call consent ended (V2); a clerk sees no link and is refused; the
 * administrator filters the audit trail, downloads it as CSV and checks the chain.
 *
 * Consents are written straight into the server's database (a running server's clock cannot be
 * moved, and a house-call consent 2 days old cannot be made any other way). Fixed ids make the
 * set-up idempotent, so the three projects can share it. p15 has no card that can register a
 * consent, so no other spec gives p15 a consent that would make its records visible.
 */
const HOUR = 3600_000;
const CONSENTED = 'p01';
const EXPIRED = 'p15';

async function seedConsents(): Promise<void> {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(`${E2E_DATA_DIR}/zaitaku.sqlite`);
  const registry = createLocalRegistry(new Map());
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const { id: institutionId } = db.prepare('SELECT id FROM institution WHERE link_token = ?').get(E2E_LINK_TOKEN) as { id: string };
    const now = Date.now();
    const seeds = [
      { person: CONSENTED, visitType: 'homeVisit', registeredAt: new Date(now - HOUR), validUntil: null },
      // V2: a house call registered two days ago; its 24 hours ended yesterday.
      { person: EXPIRED, visitType: 'houseCall', registeredAt: new Date(now - 48 * HOUR), validUntil: new Date(now - 24 * HOUR) },
    ];
    for (const s of seeds) {
      const consentId = `e2e-clinical-${s.person}`;
      const at = s.registeredAt.toISOString();
      db.prepare(
        `INSERT OR IGNORE INTO consent (id, institution_id, person_ref, visit_type, scopes, prescription_form, consultation_date, registered_at,
           valid_until, status, revoked_at, revoked_by, revoke_reason, device_id, staff_id, registration_id, updated_at, last_confirmed_at)
         VALUES (?, ?, ?, ?, 'surgery,clinical,medication,dispensing,checkup,costLimit,specificDisease', 'paper', NULL, ?, ?, 'active',
           NULL, NULL, NULL, NULL, NULL, ?, ?, NULL)`,
      ).run(consentId, institutionId, s.person, s.visitType, at, s.validUntil?.toISOString() ?? null, `e2e-reg-${s.person}`, at);
      // What registration stores alongside a consent: the eligibility record as of then.
      const record = await registry.currentEligibility(s.person, s.registeredAt);
      db.prepare(
        `INSERT OR IGNORE INTO eligibility_check (id, institution_id, person_ref, consent_id, kind, status, record_json, checked_at)
         VALUES (?, ?, ?, ?, 'registration', ?, ?, ?)`,
      ).run(`e2e-check-${s.person}`, institutionId, s.person, consentId, record.status, JSON.stringify(record), at);
    }
  } finally {
    db.close();
  }
}

test.beforeAll(seedConsents);

test('P3/V6: a doctor sees the medication of a person who consented here, marked with its retrieval time, and nothing once a house-call consent has expired', async ({ page }, info) => {
  await signInStaff(page, '/staff', 'doctor');
  await page.getByRole('navigation', { name: '職員用メニュー' }).getByRole('link', { name: '診療・お薬情報' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '同意された診療・お薬情報（医師のみ）' })).toBeVisible();
  await page.getByRole('link', { name: '山田　花子' }).click();

  await expect(page).toHaveURL(/\/staff\/clinical\/p01$/);
  await expect(page.getByRole('heading', { name: '山田　花子' })).toBeVisible();
  const medication = page.getByRole('table', { name: '薬剤情報' });
  await expect(medication).toBeVisible();
  await expect(medication.getByRole('row').filter({ hasText: '炭酸ランタンOD錠250mg' }).first()).toContainText('みどり薬局 北新宿店');
  await expect(medication).toContainText('1回1錠 1日3回 毎食直後');
  await expect(page.getByRole('table', { name: '特定健診情報' })).toContainText('138/82 mmHg');
  await expect(page.getByText('操作記録に残りました')).toBeVisible();
  // V6: what is shown is marked with when it was retrieved.
  await expect(page.locator('dt').filter({ hasText: '情報を取得した日時' })).toBeVisible();
  await snapshot(page, 'clinical-medication', info.project.name);
  await expectNoSeriousA11yViolations(page);

  await page.goto(`/staff/clinical/${EXPIRED}`);
  await expect(page.getByRole('heading', { name: '松本　直樹' })).toBeVisible();
  await expect(page.getByText('表示できる情報はありません')).toBeVisible();
  await expect(page.getByText(/閲覧期間が終わっています（往診の同意は登録から24時間/)).toBeVisible();
  await expect(page.getByText(/最新の同意: 往診（.+ 登録）— .+ に閲覧期間が終了/)).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);
  await expect(page.getByText('テルミサルタン')).toHaveCount(0);
  await snapshot(page, 'clinical-expired', info.project.name);
});

test('P3: a clerk has no link to medical information and is refused on the direct address', async ({ page }, info) => {
  await signInStaff(page, '/staff', 'clerk');
  const nav = page.getByRole('navigation', { name: '職員用メニュー' });
  await expect(nav.getByRole('link', { name: '同意取消' })).toBeVisible();
  await expect(nav.getByRole('link', { name: '診療・お薬情報' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: '操作記録' })).toHaveCount(0);

  await page.goto(`/staff/clinical/${CONSENTED}`);
  await expect(page.getByRole('alert')).toHaveText(/医師・歯科医師のアカウントだけが使えます/);
  await expect(page.getByText('炭酸ランタン')).toHaveCount(0);
  const refused = await page.request.get(`/api/staff/clinical/persons/${CONSENTED}`);
  expect(refused.status()).toBe(403);
  await snapshot(page, 'clinical-clerk-refused', info.project.name);
});

test('X5, D4: the administrator filters the audit trail (dates in 和暦), downloads the CSV and checks the chain', async ({ page, playwright }, info) => {
  // A doctor's view to find: made through the API in a session of its own.
  const doctor = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  const doctorCookie = await staffApiCookie(doctor, 'doctor');
  expect((await doctor.get(`/api/staff/clinical/persons/${CONSENTED}`, { headers: { cookie: doctorCookie } })).status()).toBe(200);
  await doctor.dispose();

  await signInStaff(page, '/staff', 'admin');
  const nav = page.getByRole('navigation', { name: '職員用メニュー' });
  await expect(nav.getByRole('link', { name: '診療・お薬情報' })).toHaveCount(0);
  await nav.getByRole('link', { name: '操作記録' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '操作記録（監査ログ）' })).toBeVisible();

  await page.getByLabel('参照番号（患者）').fill(CONSENTED);
  await page.getByLabel('職員', { exact: true }).selectOption({ label: 'デモ医師（demo-doctor）' });
  // Issue 16: the events by their Japanese names in a drop-down (「同意取消」 was refused as a typed code).
  const action = page.getByLabel('操作', { exact: true });
  await expect(action.getByRole('option', { name: '同意取消', exact: true })).toHaveCount(1);
  await action.selectOption({ label: '診療・お薬情報の表示' });
  // D4, issue 16 #1: the dates are typed in 和暦 too; a day outside its era is named and kept as typed.
  const from = page.getByLabel('開始日');
  await from.fill('平成31年5月1日');
  await page.getByRole('button', { name: 'この条件で表示' }).click();
  await expect(page.locator('#audit-from-error')).toContainText('その元号が終わった後の日付です');
  await expect(from).toHaveValue('平成31年5月1日');
  const [year, month, day] = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10).split('-').map(Number);
  await from.fill(`R${year! - 2018}.${month}.${day}`);
  await expect(page.locator('#audit-from-understood')).toHaveText(`令和${year! - 2018}年${month}月${day}日（${year}年） として受け付けます`);
  await page.getByLabel('終了日').fill(`${year}/${month}/${day}`);
  await page.getByRole('button', { name: 'この条件で表示' }).click();
  const table = page.getByRole('region', { name: '記録（新しい順）' }).getByRole('table');
  await expect(table.getByRole('row').nth(1)).toContainText('診療・お薬情報の表示');
  await expect(table.getByRole('row').nth(1)).toContainText('成功');
  await expect(table).not.toContainText('clinical.viewed');
  const rows = table.getByRole('row');
  const count = await rows.count();
  expect(count).toBeGreaterThan(1);
  for (let i = 1; i < count; i++) {
    await expect(rows.nth(i)).toContainText('デモ医師');
    await expect(rows.nth(i)).toContainText(CONSENTED);
  }
  await expect(table).not.toContainText('山田');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSVでダウンロード' }).click()]);
  const bytes = fs.readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
  expect(lines[0]).toBe('seq,at,actor_type,actor_id,action,person_ref,device_id,subject_id,outcome,detail,prev_hash,hash');
  // Other projects may add views meanwhile: the file has at least the rows shown.
  expect(lines.length).toBeGreaterThanOrEqual(count);
  for (const line of lines.slice(1)) expect(line).toMatch(/,staff,[^,]+,clinical\.viewed,p01,/);

  // The check walks the trail in parts of 5 events (AUDIT_VERIFY_PART_EVENTS in
  // playwright.config.ts); the answer counts them all (issue 17 #4).
  // The first part, asked in the administrator's session: it names the trail's length.
  const head = (await (await page.request.post('/api/staff/audit/verify', { data: { fromSeq: 1 } })).json()) as { total?: number };
  expect(head.total ?? 0).toBeGreaterThan(5);
  await page.getByRole('button', { name: '改ざんがないか確認する' }).click();
  const verified = page.getByRole('status').filter({ hasText: '問題ありません' });
  await expect(verified).toBeVisible();
  expect(Number(/(\d+)件の記録/.exec((await verified.textContent()) ?? '')?.[1])).toBeGreaterThanOrEqual(head.total!);
  await snapshot(page, 'audit-viewer', info.project.name);
  await expectNoSeriousA11yViolations(page);
});
