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

/** Issue 12 #9: the operator's one-time activation code, refused. */
export type ActivationRefusal = 'activation_code_invalid' | 'activation_code_expired' | 'activation_code_used';

const REFUSALS: Record<ActivationRefusal, { message: string; field: string }> = {
  activation_code_invalid: {
    message: 'This activation code is not valid for this institution code.',
    field: 'Enter the activation code issued for this institution code.',
  },
  activation_code_expired: { message: 'This activation code has expired.', field: 'This activation code has expired; ask the operator for a new one.' },
  activation_code_used: { message: 'This activation code has already been used.', field: 'This activation code has already been used.' },
};

export class ActivationCodeRefusedError extends AppError {
  readonly refusal: ActivationRefusal;
  constructor(refusal: ActivationRefusal) {
    const { message, field } = REFUSALS[refusal];
    super(refusal, message, { activationCode: field });
    this.refusal = refusal;
  }
}
