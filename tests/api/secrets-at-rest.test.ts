import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TotpEnrolmentStart } from '../../src/domain/staff/staff-auth.ts';
import { openDatabase, SQLITE_FILE_NAME } from '../../src/server/db/database.ts';
import { isSealed, keyringFromKeys } from '../../src/server/secrets/keyring.ts';
import { hashPassword } from '../../src/server/staff/password.ts';
import { accountTotpContext, sealClearTotpSecrets } from '../../src/server/staff/totp-secret.ts';
import { totpCode } from '../../src/server/staff/totp.ts';
import { createTestApp, jsonRequest, loginAsDemo, loginWithTotp, sessionCookie, TEST_TOTP_SECRET, type TestApp } from './support/test-app.ts';

/** Issue 12 #6: TOTP secrets sealed with a key outside the database; private data files. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function storedSecret(loginId: string): Promise<{ id: string; totp_secret: string | null }> {
  return t.db.selectFrom('staff_account').select(['id', 'totp_secret']).where('login_id', '=', loginId).executeTakeFirstOrThrow();
}

describe('TOTP secrets at rest (issue 12 #6)', () => {
  it('issue 12 #6: the demo accounts\' secret in the database is sealed, not the base32 secret, and login still works', async () => {
    const row = await storedSecret('demo-admin');
    expect(row.totp_secret).not.toBeNull();
    expect(row.totp_secret).not.toContain(TEST_TOTP_SECRET);
    expect(isSealed(row.totp_secret!)).toBe(true);
    expect(t.secrets.open(row.totp_secret!, accountTotpContext(row.id))).toBe(TEST_TOTP_SECRET);
    const cookie = await loginAsDemo(t);
    expect((await t.app.request('/api/staff/me', { headers: { cookie } })).status).toBe(200);
  });

  it('issue 12 #6: a secret copied onto another account does not give that account a working second factor', async () => {
    const admin = await storedSecret('demo-admin');
    const doctor = await storedSecret('demo-doctor');
    expect(() => t.secrets.open(admin.totp_secret!, accountTotpContext(doctor.id))).toThrow();
  });

  it('issue 12 #6: a secret stored in clear (before this change) still logs in, and is sealed once read', async () => {
    await t.db
      .insertInto('staff_account')
      .values({ id: 'legacy-clerk-id', institution_id: t.demo.institution.id, login_id: 'legacy-clerk', display_name: '旧', role: 'clerk', password_hash: await hashPassword('legacy-password-1'), totp_secret: TEST_TOTP_SECRET, created_at: t.clock.now().toISOString() })
      .execute();
    const cookie = await loginWithTotp(t, 'legacy-clerk', 'legacy-password-1', TEST_TOTP_SECRET);
    expect((await t.app.request('/api/staff/me', { headers: { cookie } })).status).toBe(200);
    const row = await storedSecret('legacy-clerk');
    expect(isSealed(row.totp_secret!)).toBe(true);
    expect(t.secrets.open(row.totp_secret!, accountTotpContext(row.id))).toBe(TEST_TOTP_SECRET);
    // And it keeps working sealed.
    expect(await loginWithTotp(t, 'legacy-clerk', 'legacy-password-1', TEST_TOTP_SECRET)).toMatch(/^zaitaku_session=/);
  });

  it('issue 12 #6: the start-up sweep seals every clear secret left', async () => {
    await t.db.updateTable('staff_account').set({ totp_secret: TEST_TOTP_SECRET }).where('login_id', 'in', ['demo-clerk', 'demo-doctor']).execute();
    expect(await sealClearTotpSecrets(t.db, t.secrets)).toBe(2);
    const rows = await t.db.selectFrom('staff_account').select('totp_secret').where('totp_secret', 'is not', null).execute();
    expect(rows.every((r) => isSealed(r.totp_secret!))).toBe(true);
    expect(await sealClearTotpSecrets(t.db, t.secrets)).toBe(0);
  });

  it('issue 12 #6: after a key rotation the start-up sweep reseals with the new key; the old one can then go', async () => {
    const oldKey = { id: 'old', key: randomBytes(32) };
    const newKey = { id: 'new', key: randomBytes(32) };
    const before = keyringFromKeys([oldKey], 'test');
    const row = await storedSecret('demo-doctor');
    await t.db.updateTable('staff_account').set({ totp_secret: before.seal(TEST_TOTP_SECRET, accountTotpContext(row.id)) }).where('id', '=', row.id).execute();
    const rotated = keyringFromKeys([newKey, oldKey], 'test');
    // The other accounts are under the app's key, which this ring lacks: skipped, not fatal.
    expect(await sealClearTotpSecrets(t.db, rotated)).toBe(1);
    const after = await storedSecret('demo-doctor');
    expect(after.totp_secret!.startsWith('sealed:v1:new:')).toBe(true);
    expect(keyringFromKeys([newKey], 'test').open(after.totp_secret!, accountTotpContext(row.id))).toBe(TEST_TOTP_SECRET);
    // Put back under the app's own key for the tests that follow.
    await t.db.updateTable('staff_account').set({ totp_secret: TEST_TOTP_SECRET }).where('id', '=', row.id).execute();
    await sealClearTotpSecrets(t.db, t.secrets);
  });

  it('issue 12 #6: a secret being enrolled is sealed in the session, and the enrolled one in the account', async () => {
    const admin = await loginAsDemo(t);
    const created = await t.app.request('/api/staff/accounts', jsonRequest('POST', { loginId: 'enrol-clerk', displayName: '登録', role: 'clerk', password: 'enrol-password-1' }, { cookie: admin }));
    expect(created.status).toBe(201);
    const login = await t.app.request('/api/staff/login', jsonRequest('POST', { loginId: 'enrol-clerk', password: 'enrol-password-1' }));
    const cookie = sessionCookie(login);
    const start = (await (await t.app.request('/api/staff/auth/enrol/totp/start', jsonRequest('POST', {}, { cookie }))).json()) as TotpEnrolmentStart;
    const pending = await t.db.selectFrom('staff_session').select('pending_totp_secret').where('pending_totp_secret', 'is not', null).execute();
    expect(pending).toHaveLength(1);
    expect(pending[0]!.pending_totp_secret).not.toContain(start.secret);
    expect(isSealed(pending[0]!.pending_totp_secret!)).toBe(true);
    const finish = await t.app.request('/api/staff/auth/enrol/totp/finish', jsonRequest('POST', { code: totpCode(start.secret, t.clock.now()) }, { cookie }));
    expect(finish.status).toBe(200);
    const row = await storedSecret('enrol-clerk');
    expect(row.totp_secret).not.toContain(start.secret);
    expect(t.secrets.open(row.totp_secret!, accountTotpContext(row.id))).toBe(start.secret);
    t.clock.advance(60_000);
    expect(await loginWithTotp(t, 'enrol-clerk', 'enrol-password-1', start.secret)).toMatch(/^zaitaku_session=/);
  });
});

describe('private data files (issue 12 #6)', () => {
  it('issue 12 #6: DATA_DIR is narrowed to 0700 and the SQLite files are 0600, whatever the umask', async () => {
    if (process.env.DATABASE_URL) return;
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-modes-')), 'data');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const previous = process.umask(0o022);
    try {
      const { db } = openDatabase({ dataDir: dir });
      await db.schema.createTable('probe').addColumn('id', 'integer').execute();
      await db.insertInto('probe' as never).values({ id: 1 } as never).execute();
      const file = path.join(dir, SQLITE_FILE_NAME);
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      for (const suffix of ['-wal', '-shm']) {
        expect(fs.existsSync(`${file}${suffix}`), suffix).toBe(true);
        expect(fs.statSync(`${file}${suffix}`).mode & 0o777, suffix).toBe(0o600);
      }
      await db.destroy();
      // An existing database file that others could read is narrowed at the next open.
      fs.chmodSync(file, 0o644);
      const again = openDatabase({ dataDir: dir });
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      await again.db.destroy();
    } finally {
      process.umask(previous);
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
