import type { DbOrTx } from '../db/database.ts';
import type { SessionStage, StaffAccountRow, StaffAccountTable, StaffPasskeyRow, StaffPasskeyTable } from './staff.table.ts';
import type { Insertable } from 'kysely';

export async function findStaffByLoginId(db: DbOrTx, loginId: string): Promise<StaffAccountRow | undefined> {
  return db.selectFrom('staff_account').selectAll().where('login_id', '=', loginId).executeTakeFirst();
}

export async function insertStaff(db: DbOrTx, row: Insertable<StaffAccountTable>): Promise<void> {
  await db.insertInto('staff_account').values(row).execute();
}

export async function updateStaffPassword(db: DbOrTx, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('staff_account').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

export async function insertSession(db: DbOrTx, tokenHash: string, staffId: string, now: string, stage: SessionStage): Promise<void> {
  await db
    .insertInto('staff_session')
    .values({ token_hash: tokenHash, staff_id: staffId, created_at: now, last_seen_at: now, stage, challenge: null, pending_totp_secret: null, locked_at: null })
    .execute();
}

export async function findSessionWithStaff(db: DbOrTx, tokenHash: string) {
  return db
    .selectFrom('staff_session')
    .innerJoin('staff_account', 'staff_account.id', 'staff_session.staff_id')
    .innerJoin('institution', 'institution.id', 'staff_account.institution_id')
    .select([
      'institution.activated_at as institution_activated_at',
      'staff_session.token_hash',
      'staff_session.created_at as session_created_at',
      'staff_session.last_seen_at',
      'staff_session.stage',
      'staff_session.challenge',
      'staff_session.pending_totp_secret',
      'staff_session.locked_at',
      'staff_account.id',
      'staff_account.institution_id',
      'staff_account.login_id',
      'staff_account.display_name',
      'staff_account.role',
      'staff_account.disabled_at',
    ])
    .where('staff_session.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function touchSession(db: DbOrTx, tokenHash: string, now: string): Promise<void> {
  await db.updateTable('staff_session').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
}

/** Issue 12 #10: locks a session (the first lock time is kept). */
export async function lockSession(db: DbOrTx, tokenHash: string, now: string): Promise<void> {
  await db.updateTable('staff_session').set({ locked_at: now }).where('token_hash', '=', tokenHash).where('locked_at', 'is', null).execute();
}

/** After the password: unlocked, and the idle timers start again from now. */
export async function unlockSession(db: DbOrTx, tokenHash: string, now: string): Promise<void> {
  await db.updateTable('staff_session').set({ locked_at: null, last_seen_at: now, unlock_failures: 0 }).where('token_hash', '=', tokenHash).execute();
}

/** Counts a wrong password at the lock screen; returns the count so far. */
export async function countUnlockFailure(db: DbOrTx, tokenHash: string): Promise<number> {
  await db
    .updateTable('staff_session')
    .set((eb) => ({ unlock_failures: eb('unlock_failures', '+', 1) }))
    .where('token_hash', '=', tokenHash)
    .execute();
  const row = await db.selectFrom('staff_session').select('unlock_failures').where('token_hash', '=', tokenHash).executeTakeFirst();
  return row?.unlock_failures ?? 0;
}

export async function deleteSession(db: DbOrTx, tokenHash: string): Promise<void> {
  await db.deleteFrom('staff_session').where('token_hash', '=', tokenHash).execute();
}

export async function setSessionChallenge(db: DbOrTx, tokenHash: string, challenge: string | null): Promise<void> {
  await db.updateTable('staff_session').set({ challenge }).where('token_hash', '=', tokenHash).execute();
}

export async function setSessionPendingTotp(db: DbOrTx, tokenHash: string, secret: string | null): Promise<void> {
  await db.updateTable('staff_session').set({ pending_totp_secret: secret }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOfStaff(db: DbOrTx, staffId: string): Promise<void> {
  await db.deleteFrom('staff_session').where('staff_id', '=', staffId).execute();
}

export async function findStaffById(db: DbOrTx, id: string): Promise<StaffAccountRow | undefined> {
  return db.selectFrom('staff_account').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listStaffOfInstitution(db: DbOrTx, institutionId: string): Promise<StaffAccountRow[]> {
  return db.selectFrom('staff_account').selectAll().where('institution_id', '=', institutionId).orderBy('login_id').execute();
}

/** Accounts of the institution locked now after second-factor failures (issue 12 #2); disabled ones aside. */
export async function countLockedAccounts(db: DbOrTx, institutionId: string, now: string): Promise<number> {
  const row = await db
    .selectFrom('staff_account')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('institution_id', '=', institutionId)
    .where('disabled_at', 'is', null)
    .where('locked_until', '>', now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countActiveAdmins(db: DbOrTx, institutionId: string): Promise<number> {
  const row = await db
    .selectFrom('staff_account')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('institution_id', '=', institutionId)
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateStaff(
  db: DbOrTx,
  id: string,
  values: Partial<Pick<StaffAccountTable, 'role' | 'disabled_at' | 'totp_secret' | 'totp_last_step'>>,
): Promise<void> {
  await db.updateTable('staff_account').set(values).where('id', '=', id).execute();
}

/** Replaces a clear TOTP secret by its sealed form, unless it changed meanwhile (issue 12 #6). */
export async function resealTotpSecret(db: DbOrTx, id: string, clear: string, sealed: string): Promise<void> {
  await db.updateTable('staff_account').set({ totp_secret: sealed }).where('id', '=', id).where('totp_secret', '=', clear).execute();
}

/** Every account's stored TOTP secret (sealed or, from before sealing, clear). */
export async function listTotpSecrets(db: DbOrTx): Promise<Array<{ id: string; totp_secret: string | null }>> {
  return db.selectFrom('staff_account').select(['id', 'totp_secret']).where('totp_secret', 'is not', null).execute();
}

/** Records a TOTP step as used, only if it is newer than the last one (two racing logins: one wins). */
export async function claimTotpStep(db: DbOrTx, id: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('staff_account')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listPasskeys(db: DbOrTx, staffId: string): Promise<StaffPasskeyRow[]> {
  return db.selectFrom('staff_passkey').selectAll().where('staff_id', '=', staffId).orderBy('created_at').execute();
}

export async function findPasskey(db: DbOrTx, credentialId: string): Promise<StaffPasskeyRow | undefined> {
  return db.selectFrom('staff_passkey').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
}

export async function insertPasskey(db: DbOrTx, row: StaffPasskeyTable): Promise<void> {
  await db.insertInto('staff_passkey').values(row).execute();
}

export async function updatePasskeyUse(db: DbOrTx, credentialId: string, counter: number, now: string): Promise<void> {
  await db.updateTable('staff_passkey').set({ counter, last_used_at: now }).where('credential_id', '=', credentialId).execute();
}

export async function replaceRecoveryCodes(db: DbOrTx, staffId: string, hashes: string[], now: string): Promise<void> {
  await db.deleteFrom('staff_recovery_code').where('staff_id', '=', staffId).execute();
  if (hashes.length > 0) {
    await db
      .insertInto('staff_recovery_code')
      .values(hashes.map((code_hash) => ({ code_hash, staff_id: staffId, created_at: now, used_at: null })))
      .execute();
  }
}

/** Marks an unused recovery code as used; false when there is no such unused code. */
export async function useRecoveryCode(db: DbOrTx, staffId: string, hash: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('staff_recovery_code')
    .set({ used_at: now })
    .where('staff_id', '=', staffId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: DbOrTx, staffId: string): Promise<number> {
  const row = await db
    .selectFrom('staff_recovery_code')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('staff_id', '=', staffId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Removes every second factor: the account must enrol again after its next password. */
export async function removeFactors(db: DbOrTx, staffId: string): Promise<void> {
  await db.deleteFrom('staff_passkey').where('staff_id', '=', staffId).execute();
  await db.deleteFrom('staff_recovery_code').where('staff_id', '=', staffId).execute();
  await db.updateTable('staff_account').set({ totp_secret: null, totp_last_step: null }).where('id', '=', staffId).execute();
}
