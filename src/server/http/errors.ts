import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import type { ApiErrorBody, ErrorCode } from '../../domain/shared/api.ts';
import { log } from './logger.ts';

/**
 * Domain code throws these small errors; `handleError` maps them to the one JSON error shape.
 * Messages are fixed sentences: they never include what the user submitted.
 */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly fields: Record<string, string> | undefined;
  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, fields?: Record<string, string>) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** Non-personal numbers a client needs to react, added to the error body (e.g. PIN attempts left). */
export type AppErrorExtra = Pick<ApiErrorBody['error'], 'attemptsRemaining'>;

export class AppErrorWithExtra extends AppError {
  readonly extra: AppErrorExtra;
  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, extra: AppErrorExtra) {
    super(status, code, message);
    this.extra = extra;
  }
}

/** A refusal the client may retry after a delay: the answer carries Retry-After (seconds). */
export class RetryLaterError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, retryAfterSeconds: number) {
    super(status, code, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Issue 12 #2: too many failed second factors; the account refuses logins until the lock ends. */
export class AccountLockedError extends RetryLaterError {
  constructor(retryAfterSeconds: number) {
    super(423, 'account_locked', 'This account is locked after too many failed attempts. Try again later or ask an administrator to unlock it.', retryAfterSeconds);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'The requested resource does not exist.') {
    super(404, 'not_found', message);
  }
}

export class UnauthenticatedError extends AppError {
  constructor() {
    super(401, 'unauthenticated', 'Please log in.');
  }
}

/** Signed in, but the role does not allow this (P3 and the authorization matrix in domain/staff/roles.ts). */
export class ForbiddenError extends AppError {
  constructor() {
    super(403, 'forbidden', 'Your role does not allow this.');
  }
}

/** Password accepted, second factor not yet given: only the /api/staff/auth routes answer. */
export class SecondFactorRequiredError extends AppError {
  constructor() {
    super(401, 'second_factor_required', 'Please confirm your login with your second factor.');
  }
}

/** A wrong, expired or already used TOTP code, recovery code or passkey answer. */
export class SecondFactorFailedError extends AppError {
  constructor() {
    super(401, 'second_factor_failed', 'The second factor was not accepted.');
  }
}

/** P4 idle lock (issue 12 #10): the session waits for its user's password (unlock) or logout. */
export class SessionLockedError extends AppError {
  constructor() {
    super(401, 'session_locked', 'The screen is locked. Enter your password to continue.');
  }
}

/** A cookie-authenticated change sent by a page of another origin (issue 12 #11). */
export class CrossSiteRefusedError extends AppError {
  constructor() {
    super(403, 'cross_site_refused', 'Requests from another site are refused.');
  }
}

/** Accounts: the change would leave the institution without an administrator. */
export class LastAdminError extends AppError {
  constructor() {
    super(409, 'last_admin', 'The institution must keep at least one active administrator.');
  }
}

export class LoginIdTakenError extends AppError {
  constructor() {
    super(409, 'login_id_taken', 'This login ID is already in use.');
  }
}

export class LoginFailedError extends AppError {
  constructor() {
    super(401, 'login_failed', 'The login ID or password is not correct.');
  }
}

export class ValidationError extends AppError {
  constructor(fields: Record<string, string>) {
    super(422, 'validation_failed', 'Some fields are not valid.', fields);
  }
}

/** Turns zod issues into per-field messages that name the rule, not the rejected value. */
export function validationErrorFrom(error: z.ZodError): ValidationError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(body)';
    if (fields[field]) continue;
    fields[field] = describeIssue(issue);
  }
  return new ValidationError(fields);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'This field is required.' : `Expected ${issue.expected}.`;
    case 'too_small':
      return issue.origin === 'string' && issue.minimum === 1
        ? 'This field is required.'
        : `Must be at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : ''}.`;
    case 'too_big':
      return `Must be at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : ''}.`;
    case 'invalid_format':
      return 'The format is not valid.';
    case 'invalid_value':
      return 'This value is not one of the allowed choices.';
    case 'unrecognized_keys':
      return 'Unexpected fields were sent.';
    default:
      return 'This value is not valid.';
  }
}

export function errorBody(code: ErrorCode, message: string, fields?: Record<string, string>): ApiErrorBody {
  return { error: fields ? { code, message, fields } : { code, message } };
}

/** The single place errors become responses. Anything unexpected is a 500 with no details. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof AppError) {
    const body = errorBody(err.code, err.message, err.fields);
    if (err instanceof AppErrorWithExtra) Object.assign(body.error, err.extra);
    if (err instanceof RetryLaterError) return c.json(body, err.status, { 'Retry-After': String(err.retryAfterSeconds) });
    return c.json(body, err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code: ErrorCode = status === 413 ? 'payload_too_large' : status === 404 ? 'not_found' : 'validation_failed';
    const message = status === 413 ? 'The request is too large.' : 'The request could not be processed.';
    return c.json(errorBody(code, message), status);
  }
  // Log the error class and route only: a message or stack may carry request data.
  log('error', 'unhandled_error', { route: c.req.routePath, errorName: err.name });
  return c.json(errorBody('internal', 'Something went wrong on the server. Please try again.'), 500);
}
