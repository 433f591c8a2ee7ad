import { createHash, randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../http/app-env.ts';
import { type Permission, roleCan } from '../../domain/staff/roles.ts';
import { ForbiddenError, UnauthenticatedError } from '../http/errors.ts';
import { SecondFactorRequiredError, SessionLockedError } from './staff-errors.ts';
import { isCrossOrigin } from '../http/same-origin.ts';
import { requestIsHttps } from '../http/request-scheme.ts';
import { deleteSession, findSessionWithStaff, insertSession, touchSession } from './staff.repository.ts';
import type { SessionStage } from './staff.table.ts';
import type { SignedInStaff } from './signed-in-staff.ts';
import type { SessionRow } from './session-cache.ts';

export const SESSION_COOKIE = 'zaitaku_session';
export const SESSION_TOUCH_INTERVAL_MS = 60 * 1000;
/** Sessions end after 30 minutes without a request, and 12 hours after login whatever happens. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** A password-only session has five minutes to present the second factor (or enrol one). */
export const SECOND_FACTOR_PENDING_MS = 5 * 60 * 1000;
/**
 * P4 idle lock, kept by the server (issue 12 #10): five minutes without a request of its user
 * and a full session is locked; only unlock (the password) and logout answer it. The console
 * locks itself after as long without a touch and says so at once (POST /auth/lock).
 */
export const SESSION_LOCK_IDLE_MS = 5 * 60 * 1000;
/** Wrong passwords at the lock screen before the session ends. */
export const UNLOCK_ATTEMPTS = 5;

/** A live session of either stage, for the second-factor and enrolment routes. */
export interface AuthSession {
  tokenHash: string;
  stage: SessionStage;
  challenge: string | null;
  pendingTotpSecret: string | null;
  /** A full session that is locked (issue 12 #10); only `currentSession(c, { allowLocked: true })` returns one. */
  locked: boolean;
  staff: SignedInStaff;
}

/**
 * The session cookie's `Secure` flag (issue 21 #2). Production: always. Demo: only when the request
 * came over HTTPS, because WebKit (an iPad's Safari) drops a `Secure` cookie set by a plain
 * `http://` page that is not localhost, and the demo is reached over the clinic's LAN at
 * `http://192.168.x.y:8080`. The cookie's name has no `__Host-` prefix (which would demand
 * `Secure`), so one name serves both schemes.
 */
export function sessionCookieSecure(c: Context<AppEnv>): boolean {
  return c.var.config.appMode === 'production' || requestIsHttps(c);
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Starts a fresh session (a new id at every login and again after the second factor) and sets
 * its cookie. The cookie's own lifetime matches the stage; the server enforces the limits.
 */
export async function startSession(c: Context<AppEnv>, staffId: string, stage: SessionStage = 'full'): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  await insertSession(c.var.db, hashToken(token), staffId, c.var.now().toISOString(), stage);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: sessionCookieSecure(c),
    sameSite: 'Strict',
    path: '/',
    maxAge: (stage === 'full' ? SESSION_ABSOLUTE_MS : SECOND_FACTOR_PENDING_MS) / 1000,
  });
}

/** After the second factor: the password-only session is deleted and a new full one replaces it. */
export async function promoteSession(c: Context<AppEnv>, session: AuthSession): Promise<void> {
  await deleteSession(c.var.db, session.tokenHash);
  await startSession(c, session.staff.id, 'full');
}

export async function endSession(c: Context<AppEnv>): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await deleteSession(c.var.db, hashToken(token));
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: sessionCookieSecure(c) });
}

/**
 * The session on this browser of either stage, or null. Deletes it when past its limits (or
 * the account was disabled). A locked session answers 401 `session_locked` unless the caller
 * is unlock, lock or logout (`allowLocked`). Every other request of a full session counts as its
 * user's activity and moves the idle timers; `activity: false` (a public route that only notes
 * who sent something, such as an outbox retrying in the background) moves nothing.
 */
export async function currentSession(c: Context<AppEnv>, options: { allowLocked?: boolean; activity?: boolean } = {}): Promise<AuthSession | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const tokenHash = hashToken(token);
  const row = await readSession(c, tokenHash);
  if (!row) return null;
  const now = c.var.now().getTime();
  const age = now - Date.parse(row.session_created_at);
  const expired =
    row.disabled_at !== null ||
    // Issue 12 #9: an institution the operator suspended ends its staff's sessions too.
    row.institution_activated_at === null ||
    (row.stage === 'full'
      ? now - Date.parse(row.last_seen_at) > SESSION_IDLE_MS || age > SESSION_ABSOLUTE_MS
      : age > SECOND_FACTOR_PENDING_MS);
  if (expired) {
    await deleteSession(c.var.db, tokenHash);
    return null;
  }
  const locked = row.stage === 'full' && (row.locked_at !== null || now - Date.parse(row.last_seen_at) >= SESSION_LOCK_IDLE_MS);
  // A refused request is no activity: a locked session still ends 30 minutes after its last use.
  if (locked && !options.allowLocked) throw new SessionLockedError();
  if (locked || options.activity === false) return sessionOf(tokenHash, row, locked);
  // The idle timer moves at most once a minute: each touch is a durable commit, and writing one
  // per staff request halved re-query throughput (npm run bench). Idle ends 30–31 minutes after
  // the last request instead of exactly 30, and the lock 4–5 minutes after it (the console's
  // activity signal, recordActivity, writes at once).
  if (row.stage === 'full' && now - Date.parse(row.last_seen_at) >= SESSION_TOUCH_INTERVAL_MS) {
    await touchSession(c.var.db, tokenHash, new Date(now).toISOString());
  }
  return sessionOf(tokenHash, row, false);
}

/** The session's row, from the cache while nothing it was read from has changed (session-cache.ts). */
async function readSession(c: Context<AppEnv>, tokenHash: string): Promise<SessionRow | undefined> {
  const cache = c.var.sessionCache;
  if (!cache) return findSessionWithStaff(c.var.db, tokenHash);
  const cached = cache.get(tokenHash);
  if (cached) return cached;
  const stamp = cache.stamp();
  const row = await findSessionWithStaff(c.var.db, tokenHash);
  if (row) cache.keep(tokenHash, row, stamp);
  return row;
}

function sessionOf(tokenHash: string, row: SessionRow, locked: boolean): AuthSession {
  return {
    tokenHash,
    stage: row.stage,
    challenge: row.challenge,
    pendingTotpSecret: row.pending_totp_secret,
    locked,
    staff: {
      id: row.id,
      institutionId: row.institution_id,
      loginId: row.login_id,
      displayName: row.display_name,
      role: row.role,
    },
  };
}

/**
 * The console's sign of life while its user reads or types without sending anything
 * (POST /api/staff/activity): moves the idle timers now, so the server does not lock a session
 * whose user is busy on a long form. The console sends it only on a touch, click or key.
 */
export async function recordActivity(c: Context<AppEnv>): Promise<void> {
  const session = await currentSession(c);
  if (!session) throw new UnauthenticatedError();
  if (session.stage !== 'full') throw new SecondFactorRequiredError();
  await touchSession(c.var.db, session.tokenHash, c.var.now().toISOString());
}

/**
 * Who is signed in on this browser, for the public routes that note which staff member sent
 * something: a full, unlocked session sent from our own pages, or null. Not the user's activity
 * (the outbox retries in the background), and never a refusal.
 */
export async function currentStaff(c: Context<AppEnv>): Promise<SignedInStaff | null> {
  if (isCrossOrigin(c)) return null;
  const session = await currentSession(c, { allowLocked: true, activity: false });
  return session?.stage === 'full' && !session.locked ? session.staff : null;
}

/** A password-only session gets its own 401 code, so the console asks for the second factor. */
async function signedInStaff(c: Context<AppEnv>): Promise<SignedInStaff> {
  const session = await currentSession(c);
  if (!session) throw new UnauthenticatedError();
  if (session.stage !== 'full') throw new SecondFactorRequiredError();
  return session.staff;
}

/** Guards staff routes: no full session (password and second factor), no access. Sets `c.var.staff`. */
export function requireStaff(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('staff', await signedInStaff(c));
    await next();
  };
}

/**
 * Guards a staff route by permission (domain/staff/roles.ts): no session → 401, a password-only
 * session → 401 `second_factor_required`, a role the permission does not list → 403. Sets
 * `c.var.staff`; data access still filters by the staff member's own institution, so changing
 * an id in the path never reaches another clinic's data.
 */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const staff = c.var.staff ?? (await signedInStaff(c));
    if (!roleCan(staff.role, permission)) throw new ForbiddenError();
    c.set('staff', staff);
    await next();
  };
}
