import { Hono } from 'hono';
import { staffAuditor } from '../consent/staff-action.ts';
import type { AppEnv } from '../http/app-env.ts';
import { NotFoundError } from '../http/errors.ts';
import { requirePermission } from '../staff/session.ts';
import { clinicalPersons, viewClinical } from './clinical.service.ts';

/** P3: consented medical information, doctors only (`clinical.view`). */
export const clinicalRoutes = new Hono<AppEnv>()
  .use('*', requirePermission('clinical.view'))
  .get('/persons', async (c) => c.json(await clinicalPersons(c.var.db, c.var.staff.institutionId, c.var.now())))
  .get('/persons/:personRef', async (c) => {
    const personRef = c.req.param('personRef');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(personRef)) throw new NotFoundError();
    const now = c.var.now();
    const ctx = { institutionId: c.var.staff.institutionId, now, audit: staffAuditor(c), eligibility: c.var.national.eligibility };
    const body = await c.var.db.transaction().execute((trx) => viewClinical(trx, ctx, personRef));
    // Another clinic's patient looks exactly like an unknown one.
    if (!body) throw new NotFoundError('This person has no consent at this institution.');
    return c.json(body);
  });
