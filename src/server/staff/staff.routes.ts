import { Hono } from 'hono';
import { loginRequestSchema, type StaffMeResponse } from '../../domain/shared/api.ts';
import { permissionsOf } from '../../domain/staff/roles.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { AppEnv } from '../http/app-env.ts';
import { NotFoundError } from '../http/errors.ts';
import { LoginFailedError } from './staff-errors.ts';
import { readJson } from '../http/validate.ts';
import { findInstitutionById } from '../institution/institution.repository.ts';
import { toInstitutionDto } from '../institution/institution.service.ts';
import { InstitutionInactiveError } from '../institution/institution-errors.ts';
import { accountRoutes } from './accounts.routes.ts';
import { authRoutes, loginStep } from './auth.routes.ts';
import { assertNotLocked } from './lockout.ts';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './password.ts';
import { findStaffByLoginId } from './staff.repository.ts';
import { endSession, recordActivity, requireStaff, startSession } from './session.ts';

export const staffRoutes = new Hono<AppEnv>()
  /**
   * The password step. A correct password opens a short second-factor session only: it reaches
   * nothing but /api/staff/auth until a TOTP code, passkey or recovery code (or, for an account
   * without any, the enrolment of one) completes the login with a new session id.
   */
  .post('/login', async (c) => {
    const { loginId, password } = await readJson(c, loginRequestSchema);
    const staff = await findStaffByLoginId(c.var.db, loginId);
    // Verify even for an unknown login ID so the answer time does not reveal which IDs exist.
    const ok = await verifyPassword(password, staff?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (!staff || !ok || staff.disabled_at !== null) throw new LoginFailedError();
    // Issue 12 #2: an account locked by failed second factors is refused at the password step too.
    assertNotLocked(staff.locked_until, c.var.now());
    // Issue 12 #9: staff of an institution the operator has not activated (or suspended) cannot sign in.
    if ((await findInstitutionById(c.var.db, staff.institution_id))?.activated_at == null) throw new InstitutionInactiveError();
    await appendAudit(
      c.var.db,
      { institutionId: staff.institution_id, actorType: 'staff', actorId: staff.id, action: 'staff.login.password', subjectId: staff.id, outcome: 'ok' },
      c.var.now(),
    );
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
  /** P4 idle lock (issue 12 #10): a touch, click or key in the console counts as the user's activity. */
  .post('/activity', async (c) => {
    await recordActivity(c);
    return c.body(null, 204);
  })
  .route('/auth', authRoutes)
  .route('/accounts', accountRoutes);
