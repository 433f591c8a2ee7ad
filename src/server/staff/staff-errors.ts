import { AppError, RetryLaterError } from '../http/errors.ts';

export class EnrolmentNotAllowedError extends AppError {
  constructor() {
    super('enrolment_not_allowed', 'A second factor can be added here only after logging in with one.');
  }
}

/** Issue 12 #2: too many failed second factors; the account refuses logins until the lock ends. */
export class AccountLockedError extends RetryLaterError {
  constructor(retryAfterSeconds: number) {
    super('account_locked', 'This account is locked after too many failed attempts. Try again later or ask an administrator to unlock it.', retryAfterSeconds);
  }
}

/** Password accepted, second factor not yet given: only the /api/staff/auth routes answer. */
export class SecondFactorRequiredError extends AppError {
  constructor() {
    super('second_factor_required', 'Please confirm your login with your second factor.');
  }
}

/** A wrong, expired or already used TOTP code, recovery code or passkey answer. */
export class SecondFactorFailedError extends AppError {
  constructor() {
    super('second_factor_failed', 'The second factor was not accepted.');
  }
}

/** P4 idle lock (issue 12 #10): the session waits for its user's password (unlock) or logout. */
export class SessionLockedError extends AppError {
  constructor() {
    super('session_locked', 'The screen is locked. Enter your password to continue.');
  }
}

/** Accounts: the change would leave the institution without an administrator. */
export class LastAdminError extends AppError {
  constructor() {
    super('last_admin', 'The institution must keep at least one active administrator.');
  }
}

export class LoginIdTakenError extends AppError {
  constructor() {
    super('login_id_taken', 'This login ID is already in use.');
  }
}

export class LoginFailedError extends AppError {
  constructor() {
    super('login_failed', 'The login ID or password is not correct.');
  }
}
