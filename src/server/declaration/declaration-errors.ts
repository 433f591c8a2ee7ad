import { AppError } from '../http/errors.ts';

// Refusals of the declaration API, each with its own code. Fixed sentences: no ids, no names.

/** P4: the id is already taken by another form, or by this form at another institution. */
export class DeclarationConflictError extends AppError {
  constructor() {
    super('declaration_conflict', 'A different form was already received with this identifier. Start a new form.');
  }
}

/** Unknown, purged, or another institution's: indistinguishable on purpose. */
export class DeclarationNotFoundError extends AppError {
  constructor() {
    super('declaration_not_found', 'There is no such declaration at this institution.');
  }
}

export class DeclarationNotVerifiableError extends AppError {
  constructor() {
    super('declaration_not_verifiable', 'Only a declaration that has just been received can be marked as verified.');
  }
}

export class DeclarationNotClaimableError extends AppError {
  constructor() {
    super('declaration_not_claimable', 'This declaration has already been claimed.');
  }
}

/** F6: claim with a current qualification if learned, else a past one, else 「不詳」. */
export class ClaimMethodNotAllowedError extends AppError {
  constructor() {
    super('declaration_claim_method_not_allowed', 'This way of claiming does not fit the qualification recorded for this declaration.');
  }
}

/** F6: 「不詳」 only once the patient was asked for the numbers (003 3(4)). */
export class UnknownClaimNotAskedError extends AppError {
  constructor() {
    super('declaration_unknown_claim_not_asked', 'Before claiming with the numbers as unknown, ask the patient for them and confirm that you did.');
  }
}

export class DeclarationNotCompletableError extends AppError {
  constructor() {
    super('declaration_not_completable', 'Only a claimed declaration can be marked as completed.');
  }
}

/** issue 12 #7: a sealed submission that this institution's key does not open (another's, altered, damaged). */
export class SealedSubmissionUnreadableError extends AppError {
  constructor() {
    super('sealed_submission_unreadable', 'This sealed form does not open with this institution\'s key. It was sealed for another institution or changed on the way.');
  }
}
