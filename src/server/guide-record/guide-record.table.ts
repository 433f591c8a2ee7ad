import type { Insertable, Selectable } from 'kysely';

/** A decision-guide outcome without a form (issue 5 §2), kept until its retention ends (D5). */
export interface GuideRecordTable {
  /** The client's UUID: the outbox's idempotency key (P4). */
  id: string;
  institution_id: string;
  received_at: string;
  device_id: string;
  /** The validated GuideRecord as canonical JSON; compared byte for byte on a resend. */
  record_json: string;
  purge_after: string;
}

export type GuideRecordRow = Selectable<GuideRecordTable>;
export type NewGuideRecordRow = Insertable<GuideRecordTable>;
