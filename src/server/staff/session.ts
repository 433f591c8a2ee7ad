import { createHash, randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { StaffRole } from '../../domain/api.ts';
import type { AppEnv } from '../http/app-env.ts';
import { type Permission, roleCan } from '../../domain/roles.ts';
import { ForbiddenError, UnauthenticatedError } from '../http/errors.ts';
import { deleteSession, findSessionWithStaff, insertSession, touchSession } from './staff.repository.ts';

export const SESSION_COOKIE = 'zaitaku_session';
/** Sessions end after 30 minutes without a request, and 12 hours after login whatever happens. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;

export interface SignedInStaff {
  id: string;
  institutionId: string;
  loginId: string;
  displayName: string;
  role: StaffRole;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Starts a fresh session (a new id at every login) and sets its cookie. */
export async function startSession(c: Context<AppEnv>, staffId: string): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  await insertSession(c.var.db, hashToken(token), staffId, c.var.now().toISOString());
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  });
}

export async function endSession(c: Context<AppEnv>): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await deleteSession(c.var.db, hashToken(token));
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
}

/**
 * The staff member signed in on this browser, or null. Touches the session (idle timer) when
 * valid and deletes it when past either limit.
 */
export async function currentStaff(c: Context<AppEnv>): Promise<SignedInStaff | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const tokenHash = hashToken(token);
  const row = await findSessionWithStaff(c.var.db, tokenHash);
  if (!row) return null;
  const now = c.var.now();
  if (
    now.getTime() - Date.parse(row.last_seen_at) > SESSION_IDLE_MS ||
    now.getTime() - Date.parse(row.session_created_at) > SESSION_ABSOLUTE_MS
  ) {
    await deleteSession(c.var.db, tokenHash);
    return null;
  }
  await touchSession(c.var.db, tokenHash, now.toISOString());
  return {
    id: row.id,
    institutionId: row.institution_id,
    loginId: row.login_id,
    displayName: row.display_name,
    role: row.role,
  };
}

/** Guards staff routes: no valid session, no access. Sets `c.var.staff`. */
export function requireStaff(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const staff = await currentStaff(c);
    if (!staff) throw new UnauthenticatedError();
    c.set('staff', staff);
    await next();
  };
}

/**
 * Guards a staff route by permission (domain/roles.ts): no session → 401, a role the permission
 * does not list → 403. Sets `c.var.staff`; data access still filters by the staff member's own
 * institution, so changing an id in the path never reaches another clinic's data.
 */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const staff = c.var.staff ?? (await currentStaff(c));
    if (!staff) throw new UnauthenticatedError();
    if (!roleCan(staff.role, permission)) throw new ForbiddenError();
    c.set('staff', staff);
    await next();
  };
}
