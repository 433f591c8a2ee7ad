import { Hono, type Context } from 'hono';
import { isUuid } from '../../domain/shared/ids.ts';
import { checkInsuranceQuery, type InsuranceQuery } from '../../domain/requery/csv.ts';
import type { ConsentResponse } from '../../domain/consent/staff-lifecycle-api.ts';
import { insuranceQuerySchema, revokeRequestSchema } from '../../domain/consent/staff-lifecycle-schema.ts';
import type { AppEnv } from '../http/app-env.ts';
import { ValidationError } from '../http/errors.ts';
import { readJson } from '../http/validate.ts';
import { requirePermission } from '../staff/session.ts';
import { ConsentNotFoundError } from './consent-errors.ts';
import { consentEligibility, consentLists, lookUpPersons, revokeByStaff, searchPersons } from './consent.service.ts';
import { staffAuditor, staffTransaction } from './staff-action.ts';


/** A consent id from the path; anything that is not an id is simply not found (and not audited). */
function consentIdParam(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!isUuid(id)) throw new ConsentNotFoundError();
  return id.toLowerCase();
}

const FIELD_RULES: Record<string, string> = {
  insurerNumber: 'Enter the insurer number: 6 or 8 digits.',
  symbol: 'The symbol is too long.',
  number: 'Enter the insured number.',
  branch: 'The branch number has 2 digits, or is left blank.',
  dateOfBirth: 'Enter a real date of birth (YYYY-MM-DD).',
};

/** X1: the search fields, normalised (NFKC, Excel's lost zeros); the errors name rules, not values. */
export function insuranceQueryOrFail(input: Record<string, string | undefined>): InsuranceQuery {
  const checked = checkInsuranceQuery(input);
  if (!checked.ok) throw new ValidationError(Object.fromEntries(checked.fields.map((f) => [f, FIELD_RULES[f] ?? 'This value is not valid.'])));
  return checked.value;
}

/**
 * Staff consent management (mounted at /api/staff/consents): search (X1), revoke (X1, X2),
 * retrieval within the window (R8, V2–V4) and the lists (X2, V2–V5). Every route needs a staff
 * session and sees only the staff member's institution.
 */
export const consentRoutes = new Hono<AppEnv>()
    // POST, not GET: insurance numbers and dates of birth stay out of URLs, histories and logs.
  .post('/search', requirePermission('consent.view'), async (c) => {
    const query = insuranceQueryOrFail(await readJson(c, insuranceQuerySchema));
    const now = c.var.now();
    const found = await lookUpPersons(c.var.national.eligibility, query, now);
    const audit = staffAuditor(c);
    const body = await c.var.db.transaction().execute((trx) => searchPersons(trx, { institutionId: c.var.staff.institutionId, now, audit }, found));
    return c.json(body);
  })
  .get('/lists', requirePermission('consent.view'), async (c) => {
    const now = c.var.now();
    const audit = staffAuditor(c);
    const body = await c.var.db.transaction().execute((trx) => consentLists(trx, { institutionId: c.var.staff.institutionId, now, audit }));
    return c.json(body);
  })
  .post('/:id/revoke', requirePermission('consent.revoke'), async (c) => {
    const id = consentIdParam(c);
    const { reason } = await readJson(c, revokeRequestSchema);
    const now = c.var.now();
    const staff = c.var.staff;
    const consent = await staffTransaction(c, { action: 'consent.revoked', subjectId: id }, (trx, audit) =>
      revokeByStaff(trx, { institutionId: staff.institutionId, staffId: staff.id, now, audit }, id, reason),
    );
    const body: ConsentResponse = { consent };
    return c.json(body);
  })
  .get('/:id/eligibility', requirePermission('consent.view'), async (c) => {
    const id = consentIdParam(c);
    const now = c.var.now();
    const body = await staffTransaction(c, { action: 'eligibility.viewed', subjectId: id }, (trx, audit) =>
      consentEligibility(trx, { institutionId: c.var.staff.institutionId, now, audit }, id),
    );
    return c.json(body);
  });
