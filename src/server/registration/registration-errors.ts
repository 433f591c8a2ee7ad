import { AppError } from '../http/errors.ts';

// Refusals of the patient reception (R1, R6, U1/U2). Fixed sentences: no ids, no names.

/** R1: an app's return address must be on the institution's allow-list. */
export class ReturnUrlNotAllowedError extends AppError {
  constructor() {
    super('return_url_not_allowed', 'This return address is not registered for this institution.');
  }
}

/** Unknown id, wrong access token, or past the access window: indistinguishable on purpose. */
export class RegistrationNotFoundError extends AppError {
  constructor() {
    super('registration_not_found', 'This registration does not exist or has ended. Please start again.');
  }
}

export class RegistrationClosedError extends AppError {
  constructor() {
    super('registration_closed', 'This registration is already complete.');
  }
}

/** U2: an app sets the online consultation date; the patient cannot change it here. */
export class ConsultationDateLockedError extends AppError {
  constructor() {
    super('consultation_date_locked', 'The consultation date is set by your online-consultation app and cannot be changed here.');
  }
}

/** U3: 同意照会・更新 is for home visits and online consultations; a house call's consent is only revoked. */
export class ConsentNotUpdatableError extends AppError {
  constructor() {
    super('consent_not_updatable', 'A consent of this visit type cannot be updated; it can only be revoked.');
  }
}
