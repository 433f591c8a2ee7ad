import { AppError } from '../http/errors.ts';

/**
 * The FHIR API's refusals. They carry the app's error codes; fhir.routes.ts answers them as
 * OperationOutcome (never the staff API's error shape), with a fixed sentence that never repeats
 * what was sent.
 */

/** A search parameter the server does not know, or a malformed value: 400 in the FHIR API. */
export class FhirSearchInvalidError extends AppError {
  constructor(message: string) {
    super('validation_failed', message);
  }
}

/** No such resource at the client's institution (another institution's id included). */
export class FhirResourceNotFoundError extends AppError {
  constructor() {
    super('not_found', 'There is no such resource.');
  }
}

/** The API reads only: no create, update, delete or operation. */
export class FhirMethodNotAllowedError extends AppError {
  constructor() {
    super('method_not_allowed', 'This FHIR server only reads (GET).');
  }
}
