import { Hono, type Context } from 'hono';
import { parseDashboardQuery, type PersonPageResponse } from '../../domain/consent/consent-dashboard.ts';
import { clinicRecordSchema, otherPersonSchema, referenceNumberSchema } from '../../domain/staff/person-schema.ts';
import { staffAuditor, staffTransaction } from '../consent/staff-action.ts';
import type { AppEnv } from '../http/app-env.ts';
import { NotFoundError } from '../http/errors.ts';
import { readJson } from '../http/validate.ts';
import { requirePermission } from '../staff/session.ts';
import { consentDashboard, personPage, recordOtherPerson, saveClinicRecord, setReferenceNumber } from './person.service.ts';

/** Person references are the eligibility source's opaque ids; anything else is simply not found. */
function personRefParam(c: Context<AppEnv>): string {
  const ref = c.req.param('personRef') ?? '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(ref)) throw new NotFoundError();
  return ref;
}

function ctxOf(c: Context<AppEnv>) {
  return { institutionId: c.var.staff.institutionId, staffId: c.var.staff.id, now: c.var.now(), audit: staffAuditor(c) };
}

/** The consent dashboard (mounted at /api/staff/consent-dashboard): status only, every role (P3). */
export const consentDashboardRoutes = new Hono<AppEnv>().get('/', requirePermission('consent.view'), async (c) => {
  const query = parseDashboardQuery(c.req.query());
  const ctx = ctxOf(c);
  const body = await c.var.db.transaction().execute((trx) => consentDashboard(trx, ctx, query));
  return c.json(body);
});

/**
 * The person page (mounted at /api/staff/persons): eligibility and checks (E2–E6), R9, the E3
 * record and the "someone else" steps. Only persons with a consent at the staff's institution.
 */
export const personRoutes = new Hono<AppEnv>()
  .get('/:personRef', requirePermission('consent.view'), async (c) => {
    const personRef = personRefParam(c);
    const ctx = ctxOf(c);
    const page = await c.var.db.transaction().execute((trx) => personPage(trx, ctx, personRef));
    // E5 asks the eligibility source, outside the transaction: no lock waits on another system.
    const qualificationChoice = (await c.var.national.eligibility.qualificationChoice?.(personRef, ctx.now).catch(() => null)) ?? null;
    const body: PersonPageResponse = { ...page, qualificationChoice };
    return c.json(body);
  })
  .put('/:personRef/reference-number', requirePermission('person.edit'), async (c) => {
    const personRef = personRefParam(c);
    const { referenceNumber } = await readJson(c, referenceNumberSchema);
    const ctx = ctxOf(c);
    const person = await staffTransaction(c, { action: 'person.reference_number_set', personRef }, (trx) => setReferenceNumber(trx, ctx, personRef, referenceNumber));
    return c.json({ person });
  })
  .put('/:personRef/clinic-record', requirePermission('person.edit'), async (c) => {
    const personRef = personRefParam(c);
    const record = await readJson(c, clinicRecordSchema);
    const ctx = ctxOf(c);
    const clinicRecord = await c.var.db.transaction().execute((trx) => saveClinicRecord(trx, ctx, personRef, record));
    return c.json({ clinicRecord });
  })
  .post('/:personRef/other-person', requirePermission('consent.revoke'), async (c) => {
    const personRef = personRefParam(c);
    const { step } = await readJson(c, otherPersonSchema);
    const ctx = ctxOf(c);
    const identityStatus = await c.var.db.transaction().execute((trx) => recordOtherPerson(trx, ctx, personRef, step));
    return c.json({ identityStatus });
  });
