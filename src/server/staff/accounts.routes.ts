import { randomUUID } from 'node:crypto';
import type { AuditAction } from '../../domain/staff/audit-events.ts';
import { isUuid } from '../../domain/shared/ids.ts';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { changeRoleSchema, createAccountSchema, type StaffAccountDto, type StaffAccountsResponse } from '../../domain/staff/staff-auth.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { DbOrTx } from '../db/database.ts';
import type { AppEnv } from '../http/app-env.ts';
import { NotFoundError } from '../http/errors.ts';
import { LastAdminError, LoginIdTakenError } from './staff-errors.ts';
import { readJson } from '../http/validate.ts';
import { unlockAccount } from './lockout.ts';
import { hashPassword } from './password.ts';
import { requirePermission } from './session.ts';
import {
  countActiveAdmins,
  deleteSessionsOfStaff,
  findStaffById,
  findStaffByLoginId,
  insertStaff,
  listPasskeys,
  listStaffOfInstitution,
  removeFactors,
  updateStaff,
} from './staff.repository.ts';
import type { StaffAccountRow } from './staff.table.ts';

async function toDto(db: DbOrTx, row: StaffAccountRow, now: Date): Promise<StaffAccountDto> {
  return {
    id: row.id,
    loginId: row.login_id,
    displayName: row.display_name,
    role: row.role,
    disabled: row.disabled_at !== null,
    hasTotp: row.totp_secret !== null,
    passkeys: (await listPasskeys(db, row.id)).length,
    createdAt: row.created_at,
    lockedUntil: row.locked_until !== null && row.locked_until > now.toISOString() ? row.locked_until : null,
  };
}

/** An account of the administrator's own institution; another clinic's id is simply not found. */
async function ownAccount(c: Context<AppEnv>, db: DbOrTx, id: string): Promise<StaffAccountRow> {
  if (!isUuid(id)) throw new NotFoundError();
  const row = await findStaffById(db, id);
  if (!row || row.institution_id !== c.var.staff.institutionId) throw new NotFoundError();
  return row;
}

async function audit(c: Context<AppEnv>, db: DbOrTx, subjectId: string, action: AuditAction, detail?: string): Promise<void> {
  await appendAudit(
    db,
    { institutionId: c.var.staff.institutionId, actorType: 'staff', actorId: c.var.staff.id, action, subjectId, outcome: 'ok', detail: detail ?? null },
    c.var.now(),
  );
}

/** Would this change leave no active administrator? Then it is refused. */
async function assertAdminRemains(db: DbOrTx, row: StaffAccountRow, after: { role: string; disabled: boolean }): Promise<void> {
  const losesAdmin = row.role === 'admin' && row.disabled_at === null && (after.role !== 'admin' || after.disabled);
  if (losesAdmin && (await countActiveAdmins(db, row.institution_id)) <= 1) throw new LastAdminError();
}

/** Account management (permission staff.manage, administrators). Every change is audited. */
export const accountRoutes = new Hono<AppEnv>()
  .use(requirePermission('staff.manage'))
  .get('/', async (c) => {
    const rows = await listStaffOfInstitution(c.var.db, c.var.staff.institutionId);
    const body: StaffAccountsResponse = { accounts: await Promise.all(rows.map((r) => toDto(c.var.db, r, c.var.now()))) };
    return c.json(body);
  })
  .post('/', async (c) => {
    const input = await readJson(c, createAccountSchema);
    const passwordHash = await hashPassword(input.password);
    const dto = await c.var.db.transaction().execute(async (trx) => {
      if (await findStaffByLoginId(trx, input.loginId)) throw new LoginIdTakenError();
      const id = randomUUID();
      await insertStaff(trx, {
        id,
        institution_id: c.var.staff.institutionId,
        login_id: input.loginId,
        display_name: input.displayName,
        role: input.role,
        password_hash: passwordHash,
        created_at: c.var.now().toISOString(),
      });
      await audit(c, trx, id, 'staff.account.create', input.role);
      return toDto(trx, await ownAccount(c, trx, id), c.var.now());
    });
    return c.json(dto, 201);
  })
  .patch('/:id/role', async (c) => {
    const { role } = await readJson(c, changeRoleSchema);
    const dto = await c.var.db.transaction().execute(async (trx) => {
      const row = await ownAccount(c, trx, c.req.param('id'));
      await assertAdminRemains(trx, row, { role, disabled: row.disabled_at !== null });
      await updateStaff(trx, row.id, { role });
      await audit(c, trx, row.id, 'staff.account.role', role);
      return toDto(trx, { ...row, role }, c.var.now());
    });
    return c.json(dto);
  })
  /** Removes TOTP, passkeys and recovery codes and ends the account's sessions: it enrols again at its next login. */
  .post('/:id/reset-factors', async (c) => {
    const dto = await c.var.db.transaction().execute(async (trx) => {
      const row = await ownAccount(c, trx, c.req.param('id'));
      await removeFactors(trx, row.id);
      await deleteSessionsOfStaff(trx, row.id);
      await audit(c, trx, row.id, 'staff.account.reset_factors');
      return toDto(trx, await ownAccount(c, trx, row.id), c.var.now());
    });
    return c.json(dto);
  })
  /** Issue 12 #2: lifts a lock from failed second factors and forgets the failed passwords. */
  .post('/:id/unlock', async (c) => {
    const dto = await c.var.db.transaction().execute(async (trx) => {
      const row = await ownAccount(c, trx, c.req.param('id'));
      await unlockAccount(trx, row);
      await audit(c, trx, row.id, 'staff.account.unlock');
      return toDto(trx, await ownAccount(c, trx, row.id), c.var.now());
    });
    return c.json(dto);
  })
  .post('/:id/disable', async (c) => {
    const dto = await c.var.db.transaction().execute(async (trx) => {
      const row = await ownAccount(c, trx, c.req.param('id'));
      await assertAdminRemains(trx, row, { role: row.role, disabled: true });
      await updateStaff(trx, row.id, { disabled_at: c.var.now().toISOString() });
      await deleteSessionsOfStaff(trx, row.id);
      await audit(c, trx, row.id, 'staff.account.disable');
      return toDto(trx, await ownAccount(c, trx, row.id), c.var.now());
    });
    return c.json(dto);
  });
