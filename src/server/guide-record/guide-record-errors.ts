import { AppError } from '../http/errors.ts';

/** P4: the id is already taken by another record, or by this record at another institution. */
export class GuideRecordConflictError extends AppError {
  constructor() {
    super('guide_record_conflict', 'A different guide record was already received with this identifier.');
  }
}
