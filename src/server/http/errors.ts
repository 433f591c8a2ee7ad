import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import type { z } from '../../domain/shared/zod.ts';
import type { ApiErrorBody, ErrorCode } from '../../domain/shared/api.ts';
import { log } from './logger.ts';

/**
 * Domain code throws small named errors: a code and a fixed sentence, never an HTTP status and
 * never what the user submitted. `handleError` below is the one place they become responses: the
 * status comes from HTTP_STATUS, read by the code, and the body is the one JSON error shape.
 * Each feature keeps its own classes in `<feature>-errors.ts`.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: Record<string, string> | undefined;
  constructor(code: ErrorCode, message: string, fields?: Record<string, string>) {
    super(message);
    this.code = code;
    this.fields = fields;
  }
}

/**
 * The HTTP status of every error code, once. A new code in ERROR_CODES without a status here fails
 * the typecheck. Clients and the API tests rely on these numbers: change none of them lightly.
 */
export const HTTP_STATUS = {
  validation_failed: 422,
  invalid_json: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  method_not_allowed: 405,
  unauthenticated: 401,
  forbidden: 403,
  login_failed: 401,
  internal: 500,
  card_unknown: 404,
  face_auth_only: 409,
  card_locked: 423,
  pin_incorrect: 401,
  card_simulator_unavailable: 502,
  link_invalid: 404,
  return_url_not_allowed: 422,
  registration_not_found: 404,
  registration_closed: 409,
  consultation_date_locked: 422,
  consent_not_updatable: 409,
  consent_not_found: 404,
  consent_already_revoked: 409,
  consent_revoked: 409,
  consent_expired: 410,
  consent_not_home_visit: 409,
  revoke_reason_not_for_visit_type: 422,
  rows_out_of_range: 422,
  batch_query_already_run: 409,
  csv_not_utf8: 422,
  csv_columns_invalid: 422,
  csv_malformed: 422,
  declaration_conflict: 409,
  declaration_not_found: 404,
  declaration_not_verifiable: 409,
  declaration_not_claimable: 409,
  declaration_claim_method_not_allowed: 409,
  declaration_unknown_claim_not_asked: 422,
  declaration_not_completable: 409,
  sealed_submission_unreadable: 422,
  second_factor_required: 401,
  second_factor_failed: 401,
  enrolment_not_allowed: 403,
  last_admin: 409,
  login_id_taken: 409,
  institution_code_taken: 409,
  activation_code_invalid: 422,
  activation_code_expired: 410,
  activation_code_used: 409,
  institution_inactive: 403,
  device_not_found: 404,
  device_revoked: 403,
  enrolment_code_invalid: 404,
  device_signature_invalid: 401,
  reference_number_taken: 409,
  guide_record_conflict: 409,
  rate_limited: 429,
  account_locked: 423,
  cross_site_refused: 403,
  session_locked: 401,
  consent_receipt_not_found: 404,
  api_client_unauthenticated: 401,
  api_client_scope_missing: 403,
  api_client_not_found: 404,
  feed_cursor_invalid: 400,
  webhook_url_not_allowed: 422,
  webhook_not_configured: 404,
  webhook_delivery_not_found: 404,
  // The card handoff's refusals (domain/registration/handoff.ts).
  challenge_unknown: 404,
  challenge_replayed: 409,
  challenge_expired: 410,
  signature_invalid: 422,
  certificate_malformed: 422,
  certificate_untrusted: 422,
  certificate_expired: 422,
  certificate_revoked: 422,
  // Not the card's fault: the reception cannot check revocation until its list is fresh again.
  revocation_unavailable: 503,
  card_not_registered: 422,
  consultation_date_passed: 422,
  card_holder_mismatch: 422,
  consent_not_active: 409,
  challenge_answers_limited: 429,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

/** The status an error is answered with. */
export function statusOf(err: AppError): ContentfulStatusCode {
  // A malformed header is refused before the body is read: 400, where a body's fields get 422.
  if (err instanceof HeaderInvalidError) return 400;
  return HTTP_STATUS[err.code];
}

/** A refusal of the client's request (a 4xx answer), as opposed to the server failing. */
export function isRefusal(err: unknown): err is AppError {
  if (!(err instanceof AppError)) return false;
  const status = statusOf(err);
  return status >= 400 && status < 500;
}

/** Non-personal numbers a client needs to react, added to the error body (e.g. PIN attempts left). */
export type AppErrorExtra = Pick<ApiErrorBody['error'], 'attemptsRemaining'>;

export class AppErrorWithExtra extends AppError {
  readonly extra: AppErrorExtra;
  constructor(code: ErrorCode, message: string, extra: AppErrorExtra) {
    super(code, message);
    this.extra = extra;
  }
}

/** A refusal the client may retry after a delay: the answer carries Retry-After (seconds). */
export class RetryLaterError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(code: ErrorCode, message: string, retryAfterSeconds: number) {
    super(code, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

// Failures of the HTTP exchange itself, before any feature is reached.

/** A request header the route needs is missing or malformed (`fields` names the header). */
export class HeaderInvalidError extends AppError {
  constructor(message: string, fields: Record<string, string>) {
    super('validation_failed', message, fields);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message = 'Send the request body as application/json.') {
    super('unsupported_media_type', message);
  }
}

export class InvalidJsonError extends AppError {
  constructor() {
    super('invalid_json', 'The request body is not valid JSON.');
  }
}

export class PayloadTooLargeError extends AppError {
  constructor() {
    super('payload_too_large', 'The request is too large.');
  }
}

// Refusals shared by every feature.

export class NotFoundError extends AppError {
  constructor(message = 'The requested resource does not exist.') {
    super('not_found', message);
  }
}

export class UnauthenticatedError extends AppError {
  constructor() {
    super('unauthenticated', 'Please log in.');
  }
}

/** Signed in, but the role does not allow this (P3 and the authorization matrix in domain/staff/roles.ts). */
export class ForbiddenError extends AppError {
  constructor() {
    super('forbidden', 'Your role does not allow this.');
  }
}

/** A cookie-authenticated change sent by a page of another origin (issue 12 #11). */
export class CrossSiteRefusedError extends AppError {
  constructor() {
    super('cross_site_refused', 'Requests from another site are refused.');
  }
}

export class ValidationError extends AppError {
  constructor(fields: Record<string, string>) {
    super('validation_failed', 'Some fields are not valid.', fields);
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
    if (err instanceof RetryLaterError) return c.json(body, statusOf(err), { 'Retry-After': String(err.retryAfterSeconds) });
    return c.json(body, statusOf(err));
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
