import { AppError } from '../http/errors.ts';

/**
 * Issue 19 #2. Any unusable credential (missing, malformed, unknown, wrong secret, revoked, its
 * institution suspended) gets the same refusal, so a caller learns nothing about which it was.
 */
export class ApiClientUnauthenticatedError extends AppError {
  constructor() {
    super('api_client_unauthenticated', 'Send a valid API client credential as "Authorization: Bearer <secret>".');
  }
}

export class ApiClientScopeMissingError extends AppError {
  constructor() {
    super('api_client_scope_missing', 'This API client is not allowed this kind of data.');
  }
}

export class ApiClientNotFoundError extends AppError {
  constructor() {
    super('api_client_not_found', 'There is no such API client.');
  }
}
