import type { DbOrTx } from '../db/database.ts';
import type { StaffAccountRow, StaffAccountTable } from './staff.table.ts';
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

export async function insertSession(db: DbOrTx, tokenHash: string, staffId: string, now: string): Promise<void> {
  await db
    .insertInto('staff_session')
    .values({ token_hash: tokenHash, staff_id: staffId, created_at: now, last_seen_at: now })
    .execute();
}

export async function findSessionWithStaff(db: DbOrTx, tokenHash: string) {
  return db
    .selectFrom('staff_session')
    .innerJoin('staff_account', 'staff_account.id', 'staff_session.staff_id')
    .select([
      'staff_session.token_hash',
      'staff_session.created_at as session_created_at',
      'staff_session.last_seen_at',
      'staff_account.id',
      'staff_account.institution_id',
      'staff_account.login_id',
      'staff_account.display_name',
      'staff_account.role',
    ])
    .where('staff_session.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function touchSession(db: DbOrTx, tokenHash: string, now: string): Promise<void> {
  await db.updateTable('staff_session').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSession(db: DbOrTx, tokenHash: string): Promise<void> {
  await db.deleteFrom('staff_session').where('token_hash', '=', tokenHash).execute();
}
