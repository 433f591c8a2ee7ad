import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DeclarationStatus, QualificationFound } from '../../domain/declaration/declaration-api.ts';
import type { ClaimMethod } from '../../domain/fallback/fallback-guide.ts';

/** A received 被保険者資格申立書 (F3, D1–D6) and the clinic's work on it until it is purged (D5). */
export interface DeclarationTable {
  /** The client's UUID: the outbox's idempotency key (P4). */
  id: string;
  institution_id: string;
  received_at: string;
  device_id: string;
  /** The validated form (Declaration) as canonical JSON; compared byte for byte on a resend. */
  form_json: string;
  /** GuideOutcome as canonical JSON, or null when the device sent none. */
  guide_outcome_json: string | null;
  status: DeclarationStatus;
  verified_at: string | null;
  verified_by: string | null;
  verified_qualification: QualificationFound | null;
  verified_note: string | null;
  claimed_at: string | null;
  claimed_by: string | null;
  claim_method: ClaimMethod | null;
  completed_at: string | null;
  completed_by: string | null;
  /** D5: completed_at + the institution's retention days. */
  purge_after: string | null;
  /** Issue 12 #15: the enrolled device whose signature came with it; null for an unknown device. */
  sender_key_id: string | null;
}

export type DeclarationRow = Selectable<DeclarationTable>;
export type NewDeclarationRow = Insertable<DeclarationTable>;
export type DeclarationUpdate = Updateable<DeclarationTable>;
