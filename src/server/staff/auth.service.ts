import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import type { AuditAction, AuditOutcome } from '../../domain/staff/audit-events.ts';
import type { LoginRequest } from '../../domain/shared/api.ts';
import type { LoginStepResponse, MyFactorsResponse, SecondFactorMethod, TotpEnrolmentStart } from '../../domain/staff/staff-auth.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { Db, DbOrTx } from '../db/database.ts';
import { findInstitutionById } from '../institution/institution.repository.ts';
import { InstitutionInactiveError } from '../institution/institution-errors.ts';
import type { Keyring } from '../secrets/keyring.ts';
import { assertNotLocked, beginFactorAttempt } from './lockout.ts';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './password.ts';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.ts';
import { UNLOCK_ATTEMPTS, type AuthSession } from './session.ts';
import { EnrolmentNotAllowedError, LoginFailedError, SecondFactorFailedError } from './staff-errors.ts';
import {
  claimTotpStep,
  countUnlockFailure,
  countUnusedRecoveryCodes,
  findPasskey,
  findStaffById,
  findStaffByLoginId,
  insertPasskey,
  listPasskeys,
  replaceRecoveryCodes,
  setSessionChallenge,
  setSessionPendingTotp,
  unlockSession,
  updatePasskeyUse,
  updateStaff,
  useRecoveryCode,
} from './staff.repository.ts';
import type { StaffAccountRow } from './staff.table.ts';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';
import { openAccountTotp, openPendingTotp, sealAccountTotp, sealPendingTotp } from './totp-secret.ts';

/**
 * The staff login flow (P3): the password step, the second factor (TOTP, passkey, recovery
 * code), enrolling a factor, and the idle lock's unlock. The routes (auth.routes.ts,
 * staff.routes.ts) read the request and set the session cookie; everything else is here.
 */

const ISSUER = '在宅受付';

/** What the flow needs from the request: the database, the secret keys, the clock, the passkey party. */
export interface AuthContext {
  db: Db;
  secrets: Keyring;
  now: Date;
  /** The address staff reach (PUBLIC_URL): passkeys are bound to its host name. */
  relyingParty: { rpID: string; origin: string };
}

async function audit(db: DbOrTx, session: AuthSession, action: AuditAction, outcome: AuditOutcome, now: Date, detail?: string) {
  await appendAudit(
    db,
    { institutionId: session.staff.institutionId, actorType: 'staff', actorId: session.staff.id, action, subjectId: session.staff.id, outcome, detail: detail ?? null },
    now,
  );
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
 * The password step: the account whose password this is, if it may sign in. The route then opens
 * a short second-factor session only.
 */
export async function checkPassword(db: Db, { loginId, password }: LoginRequest, now: Date): Promise<StaffAccountRow> {
  const staff = await findStaffByLoginId(db, loginId);
  // Verify even for an unknown login ID so the answer time does not reveal which IDs exist.
  const ok = await verifyPassword(password, staff?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!staff || !ok || staff.disabled_at !== null) throw new LoginFailedError();
  // Issue 12 #2: an account locked by failed second factors is refused at the password step too.
  assertNotLocked(staff.locked_until, now);
  // Issue 12 #9: staff of an institution the operator has not activated (or suspended) cannot sign in.
  if ((await findInstitutionById(db, staff.institution_id))?.activated_at == null) throw new InstitutionInactiveError();
  await appendAudit(
    db,
    { institutionId: staff.institution_id, actorType: 'staff', actorId: staff.id, action: 'staff.login.password', subjectId: staff.id, outcome: 'ok' },
    now,
  );
  return staff;
}

/**
 * One second-factor answer. Issue 12 #2: counted against the account before it is checked (423
 * while locked), audited either way; a refusal throws. On success the route promotes the session.
 */
async function answerSecondFactor(ctx: AuthContext, session: AuthSession, method: SecondFactorMethod, check: () => Promise<boolean>): Promise<void> {
  const attempt = await beginFactorAttempt(ctx.db, session.staff, ctx.now);
  if (!(await check())) {
    await audit(ctx.db, session, 'staff.login.second_factor', 'refused', ctx.now, method);
    await attempt.failed(method);
    throw new SecondFactorFailedError();
  }
  await attempt.succeeded();
  await audit(ctx.db, session, 'staff.login.second_factor', 'ok', ctx.now, method);
}

export async function answerTotp(ctx: AuthContext, session: AuthSession, code: string): Promise<void> {
  await answerSecondFactor(ctx, session, 'totp', async () => {
    const staff = await findStaffById(ctx.db, session.staff.id);
    const secret = staff ? await openAccountTotp(ctx.db, ctx.secrets, staff) : null;
    const step = staff && secret ? verifyTotp(secret, code, ctx.now, staff.totp_last_step) : null;
    // claimTotpStep refuses a step already used, even by a login racing this one.
    return step !== null && session.stage !== 'full' && (await claimTotpStep(ctx.db, session.staff.id, step));
  });
}

export async function answerRecoveryCode(ctx: AuthContext, session: AuthSession, code: string): Promise<void> {
  await answerSecondFactor(
    ctx,
    session,
    'recovery',
    async () => session.stage !== 'full' && (await useRecoveryCode(ctx.db, session.staff.id, hashRecoveryCode(code), ctx.now.toISOString())),
  );
}

export async function passkeyLoginOptions(ctx: AuthContext, session: AuthSession): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const passkeys = await listPasskeys(ctx.db, session.staff.id);
  const options = await generateAuthenticationOptions({
    rpID: ctx.relyingParty.rpID,
    allowCredentials: passkeys.map((p) => ({ id: p.credential_id, transports: p.transports ? p.transports.split(',') : [] })),
    userVerification: 'required',
  });
  await setSessionChallenge(ctx.db, session.tokenHash, options.challenge);
  return options;
}

export async function answerPasskey(ctx: AuthContext, session: AuthSession, answer: AuthenticationResponseJSON): Promise<void> {
  const challenge = session.challenge;
  // A challenge is good for one answer.
  await setSessionChallenge(ctx.db, session.tokenHash, null);
  await answerSecondFactor(ctx, session, 'passkey', async () => {
    const passkey = typeof answer.id === 'string' ? await findPasskey(ctx.db, answer.id) : undefined;
    if (!challenge || !passkey || passkey.staff_id !== session.staff.id || session.stage === 'full') return false;
    try {
      const result = await verifyAuthenticationResponse({
        response: answer,
        expectedChallenge: challenge,
        expectedOrigin: ctx.relyingParty.origin,
        expectedRPID: ctx.relyingParty.rpID,
        requireUserVerification: true,
        credential: { id: passkey.credential_id, publicKey: Buffer.from(passkey.public_key, 'base64url'), counter: passkey.counter },
      });
      if (result.verified) await updatePasskeyUse(ctx.db, passkey.credential_id, result.authenticationInfo.newCounter, ctx.now.toISOString());
      return result.verified;
    } catch {
      return false;
    }
  });
}

/**
 * Enrolment is open to a full session (adding a passkey on "my security"), and to a
 * password-only session only while the account has no factor at all (forced enrolment right
 * after the first password). Otherwise a stolen password alone could add the thief's factor.
 */
export async function assertMayEnrol(db: DbOrTx, session: AuthSession): Promise<void> {
  if (session.stage === 'full') return;
  if ((await loginStep(db, session.staff.id)).next !== 'enrol') throw new EnrolmentNotAllowedError();
}

export async function startTotpEnrolment(ctx: AuthContext, session: AuthSession): Promise<TotpEnrolmentStart> {
  await assertMayEnrol(ctx.db, session);
  const secret = newTotpSecret();
  await setSessionPendingTotp(ctx.db, session.tokenHash, sealPendingTotp(ctx.secrets, session.tokenHash, secret));
  return { secret, uri: otpauthUri(secret, session.staff.loginId, ISSUER) };
}

/**
 * Checks the first code of a pending TOTP secret (after assertMayEnrol); the route then saves it
 * (saveTotpEnrolment) in a transaction.
 */
export function checkTotpEnrolment(ctx: AuthContext, session: AuthSession, code: string): { secret: string; step: number } {
  const secret = openPendingTotp(ctx.secrets, session.tokenHash, session.pendingTotpSecret);
  const step = secret ? verifyTotp(secret, code, ctx.now, null) : null;
  if (!secret || step === null) throw new SecondFactorFailedError();
  return { secret, step };
}

export async function saveTotpEnrolment(trx: DbOrTx, ctx: AuthContext, session: AuthSession, checked: { secret: string; step: number }): Promise<void> {
  // The code just typed counts as used: it cannot log in a second time.
  await updateStaff(trx, session.staff.id, { totp_secret: sealAccountTotp(ctx.secrets, session.staff.id, checked.secret), totp_last_step: checked.step });
  await setSessionPendingTotp(trx, session.tokenHash, null);
  await audit(trx, session, 'staff.factor.enrol', 'ok', ctx.now, 'totp');
}

export async function passkeyEnrolmentOptions(ctx: AuthContext, session: AuthSession): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await assertMayEnrol(ctx.db, session);
  const existing = await listPasskeys(ctx.db, session.staff.id);
  const options = await generateRegistrationOptions({
    rpName: ISSUER,
    rpID: ctx.relyingParty.rpID,
    userName: session.staff.loginId,
    userDisplayName: session.staff.displayName,
    userID: new TextEncoder().encode(session.staff.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credential_id })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
  await setSessionChallenge(ctx.db, session.tokenHash, options.challenge);
  return options;
}

/** A passkey the authenticator just created, verified, not yet saved. */
export type NewPasskey = NonNullable<VerifiedRegistrationResponse['registrationInfo']>['credential'];

/**
 * Checks a new passkey against the session's challenge (after assertMayEnrol); the route then
 * saves it (savePasskey) in a transaction.
 */
export async function checkPasskeyEnrolment(ctx: AuthContext, session: AuthSession, response: RegistrationResponseJSON): Promise<NewPasskey> {
  const challenge = session.challenge;
  await setSessionChallenge(ctx.db, session.tokenHash, null);
  if (!challenge) throw new SecondFactorFailedError();
  let info;
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: ctx.relyingParty.origin,
      expectedRPID: ctx.relyingParty.rpID,
      requireUserVerification: true,
    });
    info = result.verified ? result.registrationInfo : undefined;
  } catch {
    info = undefined;
  }
  if (!info) throw new SecondFactorFailedError();
  return info.credential;
}

export async function savePasskey(trx: DbOrTx, ctx: AuthContext, session: AuthSession, credential: NewPasskey): Promise<void> {
  await insertPasskey(trx, {
    credential_id: credential.id,
    staff_id: session.staff.id,
    public_key: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: (credential.transports ?? []).join(','),
    created_at: ctx.now.toISOString(),
    last_used_at: null,
  });
  await audit(trx, session, 'staff.factor.enrol', 'ok', ctx.now, 'passkey');
}

/** Issues ten fresh recovery codes (replacing any earlier ones) and returns them in clear, once. */
async function issueRecoveryCodes(db: DbOrTx, staffId: string, now: Date): Promise<string[]> {
  const codes = newRecoveryCodes();
  await replaceRecoveryCodes(db, staffId, codes.map(hashRecoveryCode), now.toISOString());
  return codes;
}

/** After enrolling: first-time enrolment gets recovery codes (the route promotes a pending session). */
export async function recoveryCodesAfterEnrolment(ctx: AuthContext, session: AuthSession): Promise<string[]> {
  return (await countUnusedRecoveryCodes(ctx.db, session.staff.id)) === 0 ? issueRecoveryCodes(ctx.db, session.staff.id, ctx.now) : [];
}

/** New recovery codes replace the old ones (all of them, used or not). */
export async function replaceMyRecoveryCodes(trx: DbOrTx, session: AuthSession, now: Date): Promise<string[]> {
  const codes = await issueRecoveryCodes(trx, session.staff.id, now);
  await audit(trx, session, 'staff.factor.recovery_codes', 'ok', now);
  return codes;
}

/** "My security": the factors of the signed-in account. */
export async function myFactors(db: DbOrTx, staffId: string): Promise<MyFactorsResponse> {
  const staff = await findStaffById(db, staffId);
  const passkeys = await listPasskeys(db, staffId);
  return {
    totp: Boolean(staff?.totp_secret),
    passkeys: passkeys.map((p) => ({ id: p.credential_id, createdAt: p.created_at, lastUsedAt: p.last_used_at })),
    recoveryCodesLeft: await countUnusedRecoveryCodes(db, staffId),
  };
}

/**
 * P4 idle lock (issue 12 #10): the password unlocks a locked session. A wrong one answers
 * `wrong`, or `ended` once UNLOCK_ATTEMPTS were wrong: the route then ends the session, and
 * whoever found the tablet must log in from scratch.
 */
export async function unlockWithPassword(ctx: AuthContext, session: AuthSession, password: string): Promise<'unlocked' | 'wrong' | 'ended'> {
  const staff = await findStaffById(ctx.db, session.staff.id);
  const ok = staff ? await verifyPassword(password, staff.password_hash) : false;
  await audit(ctx.db, session, 'staff.unlock', ok ? 'ok' : 'refused', ctx.now);
  if (!ok) return (await countUnlockFailure(ctx.db, session.tokenHash)) >= UNLOCK_ATTEMPTS ? 'ended' : 'wrong';
  await unlockSession(ctx.db, session.tokenHash, ctx.now.toISOString());
  return 'unlocked';
}
