import type { Selectable } from 'kysely';
import type { ArrivalRoute, PrescriptionForm } from '../../domain/registration/registration.ts';
import type { VisitType } from '../../domain/shared/visit-type.ts';

export type RegistrationStatus = 'awaitingCard' | 'completed' | 'failed';

/**
 * What a card request is for: registering a consent (R6), seeing one's consents (U1, first card
 * step), applying a change (U1, second card step) or revoking everything (X3).
 */
export type CardRequestPurpose = 'register' | 'query' | 'update' | 'revokeAll';

export interface RegistrationTable {
  id: string;
  institution_id: string;
  purpose: CardRequestPurpose;
  /** The visit type registered or updated; null for query and revokeAll. */
  visit_type: VisitType | null;
  arrival: ArrivalRoute;
  /** Scopes after the bundling rules S1–S3, comma-separated. */
  scopes: string;
  prescription_form: PrescriptionForm | null;
  consultation_date: string | null;
  return_url: string | null;
  device_id: string;
  staff_id: string | null;
  /** SHA-256 of the token the starting device holds to read the outcome. */
  access_token_hash: string;
  status: RegistrationStatus;
  failure_code: string | null;
  person_ref: string | null;
  consent_id: string | null;
  created_at: string;
  completed_at: string | null;
}

export type RegistrationRow = Selectable<RegistrationTable>;
