import { Hono } from 'hono';
import { loginRequestSchema, type StaffMeResponse } from '../../domain/api.ts';
import { permissionsOf } from '../../domain/roles.ts';
import type { AppEnv } from '../http/app-env.ts';
import { LoginFailedError, NotFoundError } from '../http/errors.ts';
import { readJson } from '../http/validate.ts';
import { findInstitutionById } from '../institution/institution.repository.ts';
import { toInstitutionDto } from '../institution/institution.service.ts';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './password.ts';
import { findStaffByLoginId } from './staff.repository.ts';
import { endSession, requireStaff, startSession } from './session.ts';

export const staffRoutes = new Hono<AppEnv>()
  .post('/login', async (c) => {
    const { loginId, password } = await readJson(c, loginRequestSchema);
    const staff = await findStaffByLoginId(c.var.db, loginId);
    // Verify even for an unknown login ID so the answer time does not reveal which IDs exist.
    const ok = await verifyPassword(password, staff?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (!staff || !ok) throw new LoginFailedError();
    await startSession(c, staff.id);
    return c.body(null, 204);
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
    };
    return c.json(body);
  });
