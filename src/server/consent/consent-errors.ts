import { AppError } from '../http/errors.ts';

// The refusals of the staff lifecycle, each with its own code. Fixed sentences: no ids, no names.

/** Unknown, or another institution's: the two are indistinguishable on purpose. */
export class ConsentNotFoundError extends AppError {
  constructor() {
    super('consent_not_found', 'There is no such consent at this institution.');
  }
}

export class ConsentAlreadyRevokedError extends AppError {
  constructor() {
    super('consent_already_revoked', 'This consent has already been revoked.');
  }
}

/** X4: a revoked consent allows nothing more until a new card authentication. */
export class ConsentRevokedError extends AppError {
  constructor() {
    super('consent_revoked', 'This consent has been revoked. A new card authentication is needed.');
  }
}

/** V2/V3: the viewing window has ended (enforced here, not only hidden on screen). */
export class ConsentExpiredError extends AppError {
  constructor() {
    super('consent_expired', 'The viewing period of this consent has ended.');
  }
}

/** V5: only continuing home-visit consents are reconfirmed monthly. */
export class ConsentNotHomeVisitError extends AppError {
  constructor() {
    super('consent_not_home_visit', 'Only continuing home-visit consents are reconfirmed.');
  }
}

/** X2: e.g. 「往診の情報取得後」 for a 訪問診療等 consent. */
export class RevokeReasonMismatchError extends AppError {
  constructor() {
    super('revoke_reason_not_for_visit_type', 'This revocation reason does not fit the visit type of the consent.');
  }
}

/** Issue 19 #4: no receipt with this id at this institution (unknown, mistyped or another clinic's). */
export class ConsentReceiptNotFoundError extends AppError {
  constructor() {
    super('consent_receipt_not_found', 'There is no receipt with this id at this institution.');
  }
}
