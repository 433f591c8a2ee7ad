import { AppError } from '../http/errors.ts';

export class InstitutionCodeTakenError extends AppError {
  constructor() {
    super('institution_code_taken', 'An institution with this code is already registered.', { code: 'This institution code is already registered.' });
  }
}

export class LoginIdTakenError extends AppError {
  constructor() {
    super('login_id_taken', 'This login ID is already in use.', { loginId: 'This login ID is already in use.' });
  }
}

export class InstitutionInactiveError extends AppError {
  constructor() {
    super('institution_inactive', 'This institution is not active. Please contact the operator of this service.');
  }
}

/** An institution link that is unknown or was reissued (the old one stops working). */
export class LinkInvalidError extends AppError {
  constructor() {
    super('link_invalid', 'This institution link is not valid. It may have been reissued.');
  }
}
