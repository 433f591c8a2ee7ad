import type { Selectable } from 'kysely';
import type { ChangeEventType } from '../../domain/change-feed/change-feed.ts';

export interface ChangeFeedHeadTable {
  institution_id: string;
  /** The last sequence number taken; the next event gets this + 1. */
  last_sequence: number;
}

export interface ChangeEventTable {
  id: string;
  institution_id: string;
  /** Per institution, 1, 2, 3, … in commit order: the feed's cursor. */
  sequence: number;
  type: ChangeEventType;
  /** The consent's or declaration's id: opaque, no patient data. */
  subject_id: string;
  occurred_at: string;
  recorded_at: string;
  /** `consent.expired:<id>` for the once-only expiry event; null otherwise. */
  once_key: string | null;
}

export type ChangeEventRow = Selectable<ChangeEventTable>;
