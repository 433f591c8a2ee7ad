import { Hono } from 'hono';
import { reconfirmationRequestSchema } from '../../domain/consent/staff-lifecycle-schema.ts';
import { staffTransaction } from '../consent/staff-action.ts';
import type { AppEnv } from '../http/app-env.ts';
import { readJson } from '../http/validate.ts';
import { requirePermission } from '../staff/session.ts';
import { recordReconfirmation } from './reconfirmation.service.ts';

/** V5: the monthly verbal confirmation, mounted at /api/staff/reconfirmations. */
export const reconfirmationRoutes = new Hono<AppEnv>()
  .use('*', requirePermission('reconfirmation.manage'))
  .post('/', async (c) => {
    const request = await readJson(c, reconfirmationRequestSchema);
    const staff = c.var.staff;
    const now = c.var.now();
    const body = await staffTransaction(c, { action: 'consent.reconfirmed', subjectId: request.consentId }, (trx, audit) =>
      recordReconfirmation(trx, { institutionId: staff.institutionId, staffId: staff.id, now, audit }, request),
    );
    return c.json(body, 201);
  });
