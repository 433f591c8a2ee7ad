import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from '../../domain/shared/zod.ts';
import { recoveryCodeSchema, totpCodeSchema, unlockRequestSchema, type PendingLoginResponse, type RecoveryCodesResponse } from '../../domain/staff/staff-auth.ts';
import type { AppEnv } from '../http/app-env.ts';
import { UnauthenticatedError } from '../http/errors.ts';
import { readJson } from '../http/validate.ts';
import {
  answerPasskey,
  answerRecoveryCode,
  answerTotp,
  assertMayEnrol,
  checkPasskeyEnrolment,
  checkTotpEnrolment,
  loginStep,
  myFactors,
  passkeyEnrolmentOptions,
  passkeyLoginOptions,
  recoveryCodesAfterEnrolment,
  replaceMyRecoveryCodes,
  savePasskey,
  saveTotpEnrolment,
  startTotpEnrolment,
  unlockWithPassword,
  type AuthContext,
} from './auth.service.ts';
import { currentSession, endSession, promoteSession, type AuthSession } from './session.ts';
import { LoginFailedError } from './staff-errors.ts';
import { lockSession } from './staff.repository.ts';

/**
 * The second-factor and enrolment steps of the staff login (/api/staff/auth). The routes read the
 * request and the session cookie; the flow is in auth.service.ts.
 */

/** The session of either stage; the routes below are the only ones a password-only session reaches. */
async function authSession(c: Context<AppEnv>, options: { allowLocked?: boolean } = {}): Promise<AuthSession> {
  const session = await currentSession(c, options);
  if (!session) throw new UnauthenticatedError();
  return session;
}

async function fullSession(c: Context<AppEnv>, options: { allowLocked?: boolean } = {}): Promise<AuthSession> {
  const session = await authSession(c, options);
  if (session.stage !== 'full') throw new UnauthenticatedError();
  return session;
}

function authContext(c: Context<AppEnv>): AuthContext {
  // The address staff reach (PUBLIC_URL): passkeys are bound to its host name.
  const url = new URL(c.var.config.publicUrl);
  return { db: c.var.db, secrets: c.var.secrets, now: c.var.now(), relyingParty: { rpID: url.hostname, origin: url.origin } };
}

/** After enrolling: a pending session becomes a full one; first-time enrolment also gets recovery codes. */
async function finishEnrolment(c: Context<AppEnv>, ctx: AuthContext, session: AuthSession): Promise<RecoveryCodesResponse> {
  const recoveryCodes = await recoveryCodesAfterEnrolment(ctx, session);
  if (session.stage !== 'full') await promoteSession(c, session);
  return { recoveryCodes };
}

const passkeyResponseSchema = z.object({ response: z.record(z.string(), z.unknown()) });

export const authRoutes = new Hono<AppEnv>()
  /** What a password-only session must do next (the console asks after a reload). */
  .get('/pending', async (c) => {
    const session = await authSession(c);
    const body: PendingLoginResponse = session.stage === 'full' ? { next: 'done', methods: [] } : await loginStep(c.var.db, session.staff.id);
    return c.json(body);
  })
  .post('/totp', async (c) => {
    const session = await authSession(c);
    const { code } = await readJson(c, totpCodeSchema);
    await answerTotp(authContext(c), session, code);
    await promoteSession(c, session);
    return c.body(null, 204);
  })
  .post('/recovery', async (c) => {
    const session = await authSession(c);
    const { code } = await readJson(c, recoveryCodeSchema);
    await answerRecoveryCode(authContext(c), session, code);
    await promoteSession(c, session);
    return c.body(null, 204);
  })
  .post('/passkey/options', async (c) => {
    const session = await authSession(c);
    return c.json(await passkeyLoginOptions(authContext(c), session));
  })
  .post('/passkey/verify', async (c) => {
    const session = await authSession(c);
    const { response } = await readJson(c, passkeyResponseSchema);
    await answerPasskey(authContext(c), session, response as unknown as AuthenticationResponseJSON);
    await promoteSession(c, session);
    return c.body(null, 204);
  })
  .post('/enrol/totp/start', async (c) => {
    const session = await authSession(c);
    return c.json(await startTotpEnrolment(authContext(c), session));
  })
  .post('/enrol/totp/finish', async (c) => {
    const session = await authSession(c);
    const ctx = authContext(c);
    await assertMayEnrol(ctx.db, session);
    const { code } = await readJson(c, totpCodeSchema);
    const checked = checkTotpEnrolment(ctx, session, code);
    await c.var.db.transaction().execute((trx) => saveTotpEnrolment(trx, ctx, session, checked));
    return c.json(await finishEnrolment(c, ctx, session));
  })
  .post('/enrol/passkey/options', async (c) => {
    const session = await authSession(c);
    return c.json(await passkeyEnrolmentOptions(authContext(c), session));
  })
  .post('/enrol/passkey/verify', async (c) => {
    const session = await authSession(c);
    const ctx = authContext(c);
    await assertMayEnrol(ctx.db, session);
    const { response } = await readJson(c, passkeyResponseSchema);
    const credential = await checkPasskeyEnrolment(ctx, session, response as unknown as RegistrationResponseJSON);
    await c.var.db.transaction().execute((trx) => savePasskey(trx, ctx, session, credential));
    return c.json(await finishEnrolment(c, ctx, session));
  })
  /** "My security": the factors of the signed-in account. */
  .get('/factors', async (c) => {
    const session = await fullSession(c);
    return c.json(await myFactors(c.var.db, session.staff.id));
  })
  /** New recovery codes replace the old ones (all of them, used or not). */
  .post('/recovery-codes', async (c) => {
    const session = await fullSession(c);
    const recoveryCodes = await c.var.db.transaction().execute((trx) => replaceMyRecoveryCodes(trx, session, c.var.now()));
    const body: RecoveryCodesResponse = { recoveryCodes };
    return c.json(body);
  })
  /**
   * P4 idle lock (issue 12 #10): the session is locked on the server after five idle minutes or
   * when the console locks itself (/lock); the password unlocks it. Both answer a locked session.
   */
  .post('/unlock', async (c) => {
    const session = await fullSession(c, { allowLocked: true });
    const { password } = await readJson(c, unlockRequestSchema);
    const outcome = await unlockWithPassword(authContext(c), session, password);
    if (outcome === 'ended') {
      await endSession(c);
      throw new UnauthenticatedError();
    }
    if (outcome === 'wrong') throw new LoginFailedError();
    return c.body(null, 204);
  })
  .post('/lock', async (c) => {
    const session = await fullSession(c, { allowLocked: true });
    await lockSession(c.var.db, session.tokenHash, c.var.now().toISOString());
    return c.body(null, 204);
  });
