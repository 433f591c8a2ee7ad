import { AppError } from '../http/errors.ts';

export class DeviceRevokedError extends AppError {
  constructor() {
    super('device_revoked', 'This device has been blocked by the clinic. Please ask the clinic.');
  }
}

export class DeviceNotFoundError extends AppError {
  constructor() {
    super('device_not_found', 'There is no such device for this institution.');
  }
}

/** Unknown, expired, used, or another institution's: one answer, so codes cannot be probed. */
export class EnrolmentCodeInvalidError extends AppError {
  constructor() {
    super('enrolment_code_invalid', 'This enrolment code is not valid. It may have expired or been used. Ask the clinic for a new code.');
  }
}

/** A signature that is malformed, does not verify, is stale, or was already used. */
export class DeviceSignatureInvalidError extends AppError {
  constructor() {
    super('device_signature_invalid', 'The request signature of this device was not accepted.');
  }
}
