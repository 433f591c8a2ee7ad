import { expect, type Page } from '@playwright/test';
import { E2E_DEMO_PASSWORD } from '../../../playwright.config.ts';

/** The demo accounts, one per role (src/server/demo/demo-seed.ts). */
export const DEMO_STAFF = {
  admin: { loginId: 'demo-admin', displayName: 'デモ管理者', roleLabel: '管理者' },
  clerk: { loginId: 'demo-clerk', displayName: 'デモ受付', roleLabel: '受付' },
  doctor: { loginId: 'demo-doctor', displayName: 'デモ医師', roleLabel: '医師・歯科医師' },
} as const;
export type DemoRole = keyof typeof DEMO_STAFF;

/**
 * Opens a staff page and signs in through the login form as the demo account of `role`.
 * Every browser test signs in through here, so a change to the login steps is made once.
 */
export async function signInStaff(page: Page, path: string, role: DemoRole = 'admin'): Promise<void> {
  const account = DEMO_STAFF[role];
  await page.goto(path);
  await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();
  await page.getByLabel('ログインID').fill(account.loginId);
  await page.getByLabel('パスワード').fill(E2E_DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await expect(page.getByText(`${account.displayName}（${account.roleLabel}）でログイン中`)).toBeVisible();
}
