import type { Selectable } from 'kysely';

/** `api_client`: a clinic system's credential (issue 19 #2); actor_id is the client's id. */
export type AuditActorType = 'patient' | 'staff' | 'system' | 'api_client';

export interface AuditEventTable {
  seq: number;
  at: string;
  institution_id: string | null;
  actor_type: AuditActorType;
  actor_id: string | null;
  action: string;
  person_ref: string | null;
  device_id: string | null;
  /** The registration, consent or challenge the event is about. */
  subject_id: string | null;
  outcome: string;
  /** A short code, never free text about the person. */
  detail: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export type AuditEventRow = Selectable<AuditEventTable>;
