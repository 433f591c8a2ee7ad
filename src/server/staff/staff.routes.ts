import { Hono } from 'hono';
import { loginRequestSchema, type StaffMeResponse } from '../../domain/shared/api.ts';
import { permissionsOf } from '../../domain/staff/roles.ts';
import type { AppEnv } from '../http/app-env.ts';
import { NotFoundError } from '../http/errors.ts';
import { readJson } from '../http/validate.ts';
import { findInstitutionById } from '../institution/institution.repository.ts';
import { toInstitutionDto } from '../institution/institution.service.ts';
import { accountRoutes } from './accounts.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { checkPassword, loginStep } from './auth.service.ts';
import { staffHome } from './staff-home.service.ts';
import { endSession, recordActivity, requireStaff, startSession } from './session.ts';

export const staffRoutes = new Hono<AppEnv>()
  /**
   * The password step. A correct password opens a short second-factor session only: it reaches
   * nothing but /api/staff/auth until a TOTP code, passkey or recovery code (or, for an account
   * without any, the enrolment of one) completes the login with a new session id.
   */
  .post('/login', async (c) => {
    const staff = await checkPassword(c.var.db, await readJson(c, loginRequestSchema), c.var.now());
    await startSession(c, staff.id, 'second_factor');
    return c.json(await loginStep(c.var.db, staff.id));
  })
  .post('/logout', async (c) => {
    await endSession(c);
    return c.body(null, 204);
  })
  .get('/me', requireStaff(), async (c) => {
    const staff = c.var.staff;
    const institution = await findInstitutionById(c.var.db, staff.institutionId);
    if (!institution) throw new NotFoundError();
    const body: StaffMeResponse = {
      staff: { id: staff.id, loginId: staff.loginId, displayName: staff.displayName, role: staff.role },
      permissions: permissionsOf(staff.role),
      institution: toInstitutionDto(institution, c.var.config.publicUrl),
      appMode: c.var.config.appMode,
    };
    return c.json(body);
  })
  /** The home's to-do counts: this institution only, and only those the role may act on (P3). */
  .get('/home', requireStaff(), async (c) => {
    const staff = c.var.staff;
    const now = c.var.now();
    return c.json(await c.var.db.transaction().execute((trx) => staffHome(trx, staff, now)));
  })
  /** P4 idle lock (issue 12 #10): a touch, click or key in the console counts as the user's activity. */
  .post('/activity', async (c) => {
    await recordActivity(c);
    return c.body(null, 204);
  })
  .route('/auth', authRoutes)
  .route('/accounts', accountRoutes);
