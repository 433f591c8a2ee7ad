import type { Context } from 'hono';
import { appendAudit } from '../audit/audit.service.ts';
import { staffDevice } from '../consent/staff-action.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { DeclarationAuditor, StaffContext } from './declaration.service.ts';

/**
 * Who acts (the staff member), from which browser (X5), for which institution: built by the
 * routes of the outage inboxes (declarations, guide records) and passed to their services.
 */
export function staffContext(c: Context<AppEnv>): StaffContext {
  const staff = c.var.staff;
  const deviceId = staffDevice(c);
  const audit: DeclarationAuditor = (trx, entry, at) =>
    appendAudit(trx, { ...entry, institutionId: staff.institutionId, actorType: 'staff', actorId: staff.id, deviceId }, at);
  return { institutionId: staff.institutionId, staffId: staff.id, now: c.var.now(), audit };
}
