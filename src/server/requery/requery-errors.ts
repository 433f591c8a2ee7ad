import { AppError } from '../http/errors.ts';

// The refusals of re-query and batch query (Q1–Q6). Fixed sentences: never a submitted value.

/** Q3 / Q6: the number of persons in one request is outside the client's limits. */
export class RowsOutOfRangeError extends AppError {
  constructor(limit: number) {
    // The limit is ours; the submitted count is not repeated.
    super('rows_out_of_range', `Send between 1 and ${limit} persons in one request.`);
  }
}

/** Q6: the batch query runs once a Japan day per institution. */
export class BatchAlreadyRunError extends AppError {
  constructor() {
    super('batch_query_already_run', 'The batch query has already run today (Japan time). It can run again tomorrow.');
  }
}

/** The upload is not text/csv, or not in a charset we read. */
export class UnsupportedCsvMediaTypeError extends AppError {
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

/** The upload is not UTF-8 (nor Shift_JIS that could be read). */
export class CsvNotUtf8Error extends AppError {
  constructor(message: string) {
    super('csv_not_utf8', message);
  }
}

/** The header row does not hold the template's columns. */
export class CsvColumnsInvalidError extends AppError {
  constructor() {
    super('csv_columns_invalid', "The first row must hold the template's column names (download the template).");
  }
}

/** A quotation mark is never closed, so the rows cannot be read. */
export class CsvMalformedError extends AppError {
  constructor() {
    super('csv_malformed', 'The file has a quotation mark that is never closed, so its rows cannot be read.');
  }
}
