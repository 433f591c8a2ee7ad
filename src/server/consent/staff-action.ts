import type { Context } from 'hono';
import { appendAuditMany, type AuditEntry } from '../audit/audit.service.ts';
import type { DbOrTx } from '../db/database.ts';
import { isUuid } from '../../domain/shared/ids.ts';
import type { AppEnv } from '../http/app-env.ts';
import { isRefusal } from '../http/errors.ts';

/** The staff browser's device id (X5), when it sends a well-formed one; staff may also use a PC without one. */
export function staffDevice(c: Context<AppEnv>): string | null {
  const id = c.req.header('x-device-id') ?? '';
  return isUuid(id) ? id.toLowerCase() : null;
}

export type StaffAuditEntry = Omit<AuditEntry, 'institutionId' | 'actorType' | 'actorId' | 'deviceId'>;

/**
 * The audit writer a staff action uses: who (the staff member), where (the device), their
 * institution. Several entries at once are appended in order with one claim on the chain head.
 */
export function staffAuditor(c: Context<AppEnv>) {
  const staff = c.var.staff;
  const deviceId = staffDevice(c);
  return (trx: DbOrTx, entry: StaffAuditEntry | StaffAuditEntry[], at: Date) =>
    appendAuditMany(
      trx,
      (Array.isArray(entry) ? entry : [entry]).map((e) => ({ ...e, institutionId: staff.institutionId, actorType: 'staff' as const, actorId: staff.id, deviceId })),
      at,
    );
}
export type StaffAuditor = ReturnType<typeof staffAuditor>;

/**
 * Runs a staff action in one transaction, opened here at the route. A refusal (an AppError the
 * action throws after its guards) rolls the action back, and is then recorded on its own (X5):
 * who tried what on which consent, and the refusal code.
 */
export async function staffTransaction<T>(
  c: Context<AppEnv>,
  refusal: Omit<StaffAuditEntry, 'outcome' | 'detail'>,
  action: (trx: DbOrTx, audit: StaffAuditor) => Promise<T>,
): Promise<T> {
  const audit = staffAuditor(c);
  try {
    return await c.var.db.transaction().execute((trx) => action(trx, audit));
  } catch (err) {
    if (isRefusal(err) && err.code !== 'validation_failed') {
      await c.var.db.transaction().execute((trx) => audit(trx, { ...refusal, outcome: 'refused', detail: err.code }, c.var.now()));
    }
    throw err;
  }
}
