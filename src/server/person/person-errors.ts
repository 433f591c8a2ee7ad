import { AppError } from '../http/errors.ts';

/** R9: the reference number already names another person at this institution. */
export class ReferenceNumberTakenError extends AppError {
  constructor() {
    super('reference_number_taken', 'This reference number is already used for another person.');
  }
}
