import { AppError, AppErrorWithExtra } from '../../../http/errors.ts';

export class CardUnknownError extends AppError {
  constructor() {
    super('card_unknown', 'There is no such card.');
  }
}

export class FaceAuthOnlyError extends AppError {
  constructor() {
    super(
      'face_auth_only',
      'This is a face-authentication-only My Number card. It has no PIN, so it cannot be used for this reception.',
    );
  }
}

export class CardLockedError extends AppError {
  constructor() {
    super('card_locked', 'The PIN of this card is locked. It can only be unlocked at the municipal office.');
  }
}

export class PinIncorrectError extends AppErrorWithExtra {
  constructor(attemptsRemaining: number) {
    super(
      'pin_incorrect',
      attemptsRemaining > 0
        ? 'The PIN is not correct.'
        : 'The PIN is not correct. The PIN is now locked; it can only be unlocked at the municipal office.',
      { attemptsRemaining },
    );
  }
}

export class CardSimulatorUnavailableError extends AppError {
  constructor() {
    super('card_simulator_unavailable', 'The card-app simulator is not reachable.');
  }
}
