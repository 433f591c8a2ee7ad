import { AppError } from '../http/errors.ts';

/** A cursor or limit that is not one the feed gives out (a malformed, forged or foreign cursor). */
export class FeedCursorInvalidError extends AppError {
  constructor() {
    super('feed_cursor_invalid', 'The cursor or limit is not valid for this feed.');
  }
}
