import { expect, expectNoSeriousA11yViolations, PHONE, snapshot, test } from './support/fixtures.ts';
import { consentsOf, expectChoicesOnOneLine, LINK, registerViaApi, useCard } from './support/reception.ts';

// The patient's own phone drives these.
test.use(PHONE);

test('U1, U3, R10: a patient views their consents and narrows one on a phone, confirming with the card twice; a house call’s consent offers no change; issue 16 §2: six screens of ours', async ({ page, request }, info) => {
  // Two card steps on a busy two-core machine.
  test.setTimeout(90_000);
  await registerViaApi(request, 'card-13');
  await registerViaApi(request, 'card-13', { visitType: 'houseCall' });
  await page.goto(LINK);
  await page.getByRole('button', { name: /同意照会・更新/ }).click();
  // Issue 16 §2: the menu's choice starts the card step, with what it is for.
  await expect(page.getByText('マイナンバーカードで本人確認をすると、この医療機関に登録した同意の内容を確認し、変更できます。')).toBeVisible();
  await snapshot(page, 'manage-1-card', info.project.name);
  await page.getByRole('link', { name: 'カードのアプリを開く' }).click();
  await useCard(page, /カード13/);

  await expect(page.getByRole('heading', { name: '登録している同意' })).toBeVisible({ timeout: 10_000 });
  const consent = page.getByRole('region', { name: '訪問診療等' });
  await expect(consent).toContainText('特定健診情報');
  // U3: 同意照会・更新 is for 訪問診療等 and オンライン診療等; a house call's consent can only be revoked.
  const houseCall = page.getByRole('region', { name: '往診' });
  await expect(houseCall).toContainText('往診の同意は変更できません。');
  await expect(houseCall.getByRole('button', { name: '内容を変更する' })).toHaveCount(0);
  // Issue 16 §2: its one changeable consent's current content is the form to change it, on the same screen.
  await expect(consent.getByRole('heading', { name: '同意の内容を変更してください' })).toBeVisible();
  await expect(consent.getByRole('group', { name: '特定健診情報' }).getByLabel('同意する')).toBeChecked();
  await snapshot(page, 'manage-2-list', info.project.name);
  await expectNoSeriousA11yViolations(page);
  await expectChoicesOnOneLine(page);
  await consent.getByRole('group', { name: '特定健診情報' }).getByLabel('同意しない').check();
  await consent.getByRole('group', { name: '手術情報' }).getByLabel('同意しない').check();
  await consent.getByText('電子処方箋', { exact: true }).click();
  // R10: the labels staff are trained on (002 l.3634–3636, 3710–3712).
  await page.getByRole('button', { name: '更新内容を確認する' }).click();
  await expect(page.getByText('変更は、もう一度マイナンバーカードで本人確認をしてから登録されます。')).toBeVisible();
  await snapshot(page, 'manage-3-confirm', info.project.name);
  await page.getByRole('button', { name: '同意内容を更新する' }).click();
  await page.getByRole('link', { name: 'カードのアプリを開く' }).click();
  await useCard(page, /カード13/);

  await expect(page.getByRole('heading', { name: '同意の内容を変更しました' })).toBeVisible({ timeout: 10_000 });
  // 002 l.3840–3848: for a home visit the tab may simply be closed; no return to an app.
  await expect(page.getByText('確認が終わったら、このタブを閉じてかまいません。')).toBeVisible();
  await expect(page.getByRole('button', { name: '手続きを終了する' })).toHaveCount(0);
  await snapshot(page, 'manage-4-updated', info.project.name);
  const active = (await consentsOf('p13')).filter((c) => c.status === 'active' && c.visit_type === 'homeVisit');
  expect(active).toEqual([{ scopes: 'clinical,medication,dispensing,costLimit,specificDisease', status: 'active', visit_type: 'homeVisit' }]);
});

test('X3, issue 16 §4: a patient revokes every consent at the clinic with one card confirmation', async ({ page, request }, info) => {
  await registerViaApi(request, 'card-14');
  await registerViaApi(request, 'card-14', { visitType: 'houseCall' });
  expect((await consentsOf('p14')).filter((c) => c.status === 'active')).toHaveLength(2);

  await page.goto(LINK);
  await page.getByRole('button', { name: /すべての同意を取消す/ }).click();
  await expect(page.getByText('オンライン診療の予約を取り消す場合も、この手続きで同意を取り消してください。')).toBeVisible();
  await snapshot(page, 'revoke-1-intro', info.project.name);
  await page.getByRole('button', { name: 'カードで本人確認して取り消す' }).click();
  await page.getByRole('link', { name: 'カードのアプリを開く' }).click();
  await useCard(page, /カード14/);

  await expect(page.getByRole('heading', { name: '同意を取り消しました' })).toBeVisible({ timeout: 10_000 });
  await expect(page.getByText('2件の同意を取り消しました。')).toBeVisible();
  await snapshot(page, 'revoke-2-done', info.project.name);
  expect((await consentsOf('p14')).filter((c) => c.status === 'active')).toEqual([]);
  await expect(page.getByRole('button', { name: '終わる' })).toBeVisible();
  // Issue 16 §4: the clinic's link opened again shows its menu, not the old result.
  await page.goto(LINK);
  await expect(page.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
  await expect(page.getByText('同意を取り消しました')).toHaveCount(0);
});
