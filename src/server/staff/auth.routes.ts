import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  recoveryCodeSchema,
  totpCodeSchema,
  unlockRequestSchema,
  type LoginStepResponse,
  type MyFactorsResponse,
  type PendingLoginResponse,
  type RecoveryCodesResponse,
  type SecondFactorMethod,
  type TotpEnrolmentStart,
} from '../../domain/staff/staff-auth.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { DbOrTx } from '../db/database.ts';
import type { AppEnv } from '../http/app-env.ts';
import { UnauthenticatedError } from '../http/errors.ts';
import { LoginFailedError, SecondFactorFailedError } from './staff-errors.ts';
import { readJson } from '../http/validate.ts';
import { beginFactorAttempt } from './lockout.ts';
import { verifyPassword } from './password.ts';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.ts';
import { currentSession, endSession, promoteSession, UNLOCK_ATTEMPTS, type AuthSession } from './session.ts';
import {
  claimTotpStep,
  countUnlockFailure,
  countUnusedRecoveryCodes,
  findPasskey,
  findStaffById,
  insertPasskey,
  listPasskeys,
  lockSession,
  replaceRecoveryCodes,
  setSessionChallenge,
  setSessionPendingTotp,
  updatePasskeyUse,
  unlockSession,
  updateStaff,
  useRecoveryCode,
} from './staff.repository.ts';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';
import { openAccountTotp, openPendingTotp, sealAccountTotp, sealPendingTotp } from './totp-secret.ts';
import { EnrolmentNotAllowedError } from './staff-errors.ts';

const ISSUER = '在宅受付';

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

export async function factorMethods(db: DbOrTx, staffId: string): Promise<SecondFactorMethod[]> {
  const staff = await findStaffById(db, staffId);
  const methods: SecondFactorMethod[] = [];
  if (staff?.totp_secret) methods.push('totp');
  if ((await listPasskeys(db, staffId)).length > 0) methods.push('passkey');
  if ((await countUnusedRecoveryCodes(db, staffId)) > 0) methods.push('recovery');
  return methods;
}

export async function loginStep(db: DbOrTx, staffId: string): Promise<LoginStepResponse> {
  const methods = await factorMethods(db, staffId);
  // Recovery codes alone do not count as enrolled: they are the way back, not a factor to live on.
  const enrolled = methods.includes('totp') || methods.includes('passkey');
  return { next: enrolled ? 'second_factor' : 'enrol', methods: enrolled ? methods : [] };
}

/**
 * Enrolment is open to a full session (adding a passkey on "my security"), and to a
 * password-only session only while the account has no factor at all (forced enrolment right
 * after the first password). Otherwise a stolen password alone could add the thief's factor.
 */
async function assertMayEnrol(db: DbOrTx, session: AuthSession): Promise<void> {
  if (session.stage === 'full') return;
  if ((await loginStep(db, session.staff.id)).next !== 'enrol') throw new EnrolmentNotAllowedError();
}

function relyingParty(c: Context<AppEnv>): { rpID: string; origin: string } {
  // The address staff reach (PUBLIC_URL): passkeys are bound to its host name.
  const url = new URL(c.var.config.publicUrl);
  return { rpID: url.hostname, origin: url.origin };
}

async function audit(c: Context<AppEnv>, db: DbOrTx, session: AuthSession, action: string, outcome: string, detail?: string) {
  await appendAudit(
    db,
    { institutionId: session.staff.institutionId, actorType: 'staff', actorId: session.staff.id, action, subjectId: session.staff.id, outcome, detail: detail ?? null },
    c.var.now(),
  );
}

/** Issues ten fresh recovery codes (replacing any earlier ones) and returns them in clear, once. */
async function issueRecoveryCodes(c: Context<AppEnv>, db: DbOrTx, staffId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await replaceRecoveryCodes(db, staffId, codes.map(hashRecoveryCode), c.var.now().toISOString());
  return codes;
}

/** After enrolling: a pending session becomes a full one; first-time enrolment also gets recovery codes. */
async function finishEnrolment(c: Context<AppEnv>, session: AuthSession): Promise<RecoveryCodesResponse> {
  const db = c.var.db;
  const recoveryCodes = (await countUnusedRecoveryCodes(db, session.staff.id)) === 0 ? await issueRecoveryCodes(c, db, session.staff.id) : [];
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
    // Issue 12 #2: counted against the account before the code is checked; 423 while locked.
    const attempt = await beginFactorAttempt(c, session.staff);
    const staff = await findStaffById(c.var.db, session.staff.id);
    const secret = staff ? await openAccountTotp(c.var.db, c.var.secrets, staff) : null;
    const step = staff && secret ? verifyTotp(secret, code, c.var.now(), staff.totp_last_step) : null;
    // claimTotpStep refuses a step already used, even by a login racing this one.
    if (step === null || session.stage === 'full' || !(await claimTotpStep(c.var.db, session.staff.id, step))) {
      await audit(c, c.var.db, session, 'staff.login.second_factor', 'refused', 'totp');
      await attempt.failed('totp');
      throw new SecondFactorFailedError();
    }
    await attempt.succeeded();
    await audit(c, c.var.db, session, 'staff.login.second_factor', 'ok', 'totp');
    await promoteSession(c, session);
    return c.body(null, 204);
  })
  .post('/recovery', async (c) => {
    const session = await authSession(c);
    const { code } = await readJson(c, recoveryCodeSchema);
    const attempt = await beginFactorAttempt(c, session.staff);
    const now = c.var.now().toISOString();
    if (session.stage === 'full' || !(await useRecoveryCode(c.var.db, session.staff.id, hashRecoveryCode(code), now))) {
      await audit(c, c.var.db, session, 'staff.login.second_factor', 'refused', 'recovery');
      await attempt.failed('recovery');
      throw new SecondFactorFailedError();
    }
    await attempt.succeeded();
    await audit(c, c.var.db, session, 'staff.login.second_factor', 'ok', 'recovery');
    await promoteSession(c, session);
    return c.body(null, 204);
  })
  .post('/passkey/options', async (c) => {
    const session = await authSession(c);
    const passkeys = await listPasskeys(c.var.db, session.staff.id);
    const options = await generateAuthenticationOptions({
      rpID: relyingParty(c).rpID,
      allowCredentials: passkeys.map((p) => ({ id: p.credential_id, transports: p.transports ? p.transports.split(',') : [] })),
      userVerification: 'required',
    });
    await setSessionChallenge(c.var.db, session.tokenHash, options.challenge);
    return c.json(options);
  })
  .post('/passkey/verify', async (c) => {
    const session = await authSession(c);
    const { response } = await readJson(c, passkeyResponseSchema);
    const answer = response as unknown as AuthenticationResponseJSON;
    const challenge = session.challenge;
    // A challenge is good for one answer.
    await setSessionChallenge(c.var.db, session.tokenHash, null);
    const attempt = await beginFactorAttempt(c, session.staff);
    const passkey = typeof answer.id === 'string' ? await findPasskey(c.var.db, answer.id) : undefined;
    let verified = false;
    if (challenge && passkey && passkey.staff_id === session.staff.id && session.stage !== 'full') {
      const { rpID, origin } = relyingParty(c);
      try {
        const result = await verifyAuthenticationResponse({
          response: answer,
          expectedChallenge: challenge,
          expectedOrigin: origin,
          expectedRPID: rpID,
          requireUserVerification: true,
          credential: {
            id: passkey.credential_id,
            publicKey: Buffer.from(passkey.public_key, 'base64url'),
            counter: passkey.counter,
          },
        });
        verified = result.verified;
        if (verified) await updatePasskeyUse(c.var.db, passkey.credential_id, result.authenticationInfo.newCounter, c.var.now().toISOString());
      } catch {
        verified = false;
      }
    }
    if (!verified) {
      await audit(c, c.var.db, session, 'staff.login.second_factor', 'refused', 'passkey');
      await attempt.failed('passkey');
      throw new SecondFactorFailedError();
    }
    await attempt.succeeded();
    await audit(c, c.var.db, session, 'staff.login.second_factor', 'ok', 'passkey');
    await promoteSession(c, session);
    return c.body(null, 204);
  })
  .post('/enrol/totp/start', async (c) => {
    const session = await authSession(c);
    await assertMayEnrol(c.var.db, session);
    const secret = newTotpSecret();
    await setSessionPendingTotp(c.var.db, session.tokenHash, sealPendingTotp(c.var.secrets, session.tokenHash, secret));
    const body: TotpEnrolmentStart = { secret, uri: otpauthUri(secret, session.staff.loginId, ISSUER) };
    return c.json(body);
  })
  .post('/enrol/totp/finish', async (c) => {
    const session = await authSession(c);
    await assertMayEnrol(c.var.db, session);
    const { code } = await readJson(c, totpCodeSchema);
    const secret = openPendingTotp(c.var.secrets, session.tokenHash, session.pendingTotpSecret);
    const step = secret ? verifyTotp(secret, code, c.var.now(), null) : null;
    if (!secret || step === null) throw new SecondFactorFailedError();
    await c.var.db.transaction().execute(async (trx) => {
      // The code just typed counts as used: it cannot log in a second time.
      await updateStaff(trx, session.staff.id, { totp_secret: sealAccountTotp(c.var.secrets, session.staff.id, secret), totp_last_step: step });
      await setSessionPendingTotp(trx, session.tokenHash, null);
      await audit(c, trx, session, 'staff.factor.enrol', 'ok', 'totp');
    });
    return c.json(await finishEnrolment(c, session));
  })
  .post('/enrol/passkey/options', async (c) => {
    const session = await authSession(c);
    await assertMayEnrol(c.var.db, session);
    const existing = await listPasskeys(c.var.db, session.staff.id);
    const options = await generateRegistrationOptions({
      rpName: ISSUER,
      rpID: relyingParty(c).rpID,
      userName: session.staff.loginId,
      userDisplayName: session.staff.displayName,
      userID: new TextEncoder().encode(session.staff.id),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credential_id })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    });
    await setSessionChallenge(c.var.db, session.tokenHash, options.challenge);
    return c.json(options);
  })
  .post('/enrol/passkey/verify', async (c) => {
    const session = await authSession(c);
    await assertMayEnrol(c.var.db, session);
    const { response } = await readJson(c, passkeyResponseSchema);
    const challenge = session.challenge;
    await setSessionChallenge(c.var.db, session.tokenHash, null);
    if (!challenge) throw new SecondFactorFailedError();
    const { rpID, origin } = relyingParty(c);
    let info;
    try {
      const result = await verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        requireUserVerification: true,
      });
      info = result.verified ? result.registrationInfo : undefined;
    } catch {
      info = undefined;
    }
    if (!info) throw new SecondFactorFailedError();
    const credential = info.credential;
    await c.var.db.transaction().execute(async (trx) => {
      await insertPasskey(trx, {
        credential_id: credential.id,
        staff_id: session.staff.id,
        public_key: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: (credential.transports ?? []).join(','),
        created_at: c.var.now().toISOString(),
        last_used_at: null,
      });
      await audit(c, trx, session, 'staff.factor.enrol', 'ok', 'passkey');
    });
    return c.json(await finishEnrolment(c, session));
  })
  /** "My security": the factors of the signed-in account. */
  .get('/factors', async (c) => {
    const session = await fullSession(c);
    const staff = await findStaffById(c.var.db, session.staff.id);
    const passkeys = await listPasskeys(c.var.db, session.staff.id);
    const body: MyFactorsResponse = {
      totp: Boolean(staff?.totp_secret),
      passkeys: passkeys.map((p) => ({ id: p.credential_id, createdAt: p.created_at, lastUsedAt: p.last_used_at })),
      recoveryCodesLeft: await countUnusedRecoveryCodes(c.var.db, session.staff.id),
    };
    return c.json(body);
  })
  /** New recovery codes replace the old ones (all of them, used or not). */
  .post('/recovery-codes', async (c) => {
    const session = await fullSession(c);
    const recoveryCodes = await c.var.db.transaction().execute(async (trx) => {
      const codes = await issueRecoveryCodes(c, trx, session.staff.id);
      await audit(c, trx, session, 'staff.factor.recovery_codes', 'ok');
      return codes;
    });
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
    const staff = await findStaffById(c.var.db, session.staff.id);
    const ok = staff ? await verifyPassword(password, staff.password_hash) : false;
    await audit(c, c.var.db, session, 'staff.unlock', ok ? 'ok' : 'refused');
    if (!ok) {
      // A few wrong passwords end the session: whoever found the tablet must log in from scratch.
      if ((await countUnlockFailure(c.var.db, session.tokenHash)) >= UNLOCK_ATTEMPTS) {
        await endSession(c);
        throw new UnauthenticatedError();
      }
      throw new LoginFailedError();
    }
    await unlockSession(c.var.db, session.tokenHash, c.var.now().toISOString());
    return c.body(null, 204);
  })
  .post('/lock', async (c) => {
    const session = await fullSession(c, { allowLocked: true });
    await lockSession(c.var.db, session.tokenHash, c.var.now().toISOString());
    return c.body(null, 204);
  });
