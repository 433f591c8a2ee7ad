import { appendAudit } from '../audit/audit.service.ts';
import type { DbOrTx } from '../db/database.ts';
import { AccountLockedError } from './staff-errors.ts';
import { forgetLoginFailuresOf } from '../http/rate-limits.ts';
import { clearFactorFailures, findLockedUntil, takeFactorAttempt } from './lockout.repository.ts';
import type { SignedInStaff } from './signed-in-staff.ts';

/**
 * Issue 12 #2: second-factor failures (TOTP, recovery code, passkey) lock the ACCOUNT, whatever
 * address or session they come from. The 5th failure since the last success locks it for 15
 * minutes; every further failure after a lock doubles the lock, up to 24 hours. Attempts are
 * counted before the factor is checked, so simultaneous guesses cannot slip past the lock; a
 * locked account answers 423 `account_locked` (with Retry-After) at the second-factor step and
 * at the password step. Locks and unlocks are audited; events never hold a code.
 */
export const FACTOR_FAILURES_BEFORE_LOCK = 5;
export const FIRST_LOCK_MS = 15 * 60 * 1000;
export const MAX_LOCK_MS = 24 * 60 * 60 * 1000;

/** How long the `failures`-th failure locks the account (0 below the threshold). */
export function lockDurationMs(failures: number): number {
  if (failures < FACTOR_FAILURES_BEFORE_LOCK) return 0;
  const doublings = failures - FACTOR_FAILURES_BEFORE_LOCK;
  return doublings >= 17 ? MAX_LOCK_MS : Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** doublings);
}

/** Lock ends for counts threshold, threshold + 1, … up to the first that reaches the maximum. */
function lockEnds(now: Date): string[] {
  const ends: string[] = [];
  for (let n = FACTOR_FAILURES_BEFORE_LOCK; ; n++) {
    const ms = lockDurationMs(n);
    ends.push(new Date(now.getTime() + ms).toISOString());
    if (ms >= MAX_LOCK_MS) return ends;
  }
}

function secondsUntil(until: string, now: Date): number {
  return Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 1000));
}

/** The password step: a locked account is refused even with the right password. */
export function assertNotLocked(lockedUntil: string | null, now: Date): void {
  if (lockedUntil !== null && lockedUntil > now.toISOString()) throw new AccountLockedError(secondsUntil(lockedUntil, now));
}

export interface FactorAttempt {
  /** The factor was accepted: the failures are forgotten (and a lock this attempt set is lifted). */
  succeeded(): Promise<void>;
  /** The factor was refused: the attempt stays counted; a lock it set is audited. */
  failed(method: string): Promise<void>;
}

/** Takes one attempt for the account before its factor is checked; 423 when it is locked. */
export async function beginFactorAttempt(db: DbOrTx, staff: SignedInStaff, now: Date): Promise<FactorAttempt> {
  const taken = await takeFactorAttempt(db, staff.id, now.toISOString(), FACTOR_FAILURES_BEFORE_LOCK, lockEnds(now));
  if (!taken) throw new AccountLockedError(secondsUntil((await findLockedUntil(db, staff.id)) ?? now.toISOString(), now));
  const failures = Number(taken.failed_factor_count);
  return {
    succeeded: () => clearFactorFailures(db, staff.id),
    async failed(method) {
      if (failures < FACTOR_FAILURES_BEFORE_LOCK) return;
      await appendAudit(
        db,
        {
          institutionId: staff.institutionId,
          actorType: 'system',
          action: 'staff.account.lock',
          subjectId: staff.id,
          outcome: 'locked',
          // The method and the lock's length in minutes: never the code that was tried.
          detail: `${method}:${lockDurationMs(failures) / 60_000}min`,
        },
        now,
      );
    },
  };
}

/**
 * An administrator's unlock: the second-factor failures are forgotten, and so is the account's
 * failed-password window (the rule counted per login id), so its owner can sign in at once.
 */
export async function unlockAccount(db: DbOrTx, staff: { id: string; login_id: string }): Promise<void> {
  await clearFactorFailures(db, staff.id);
  await forgetLoginFailuresOf(db, staff.login_id);
}
