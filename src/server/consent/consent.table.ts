import type { Selectable } from 'kysely';
import type { PrescriptionForm } from '../../domain/registration/registration.ts';
import type { VisitType } from '../../domain/shared/visit-type.ts';

export type ConsentStatus = 'active' | 'revoked';

export interface ConsentTable {
  id: string;
  institution_id: string;
  person_ref: string;
  visit_type: VisitType;
  /** Consented scopes after bundling, comma-separated. */
  scopes: string;
  prescription_form: PrescriptionForm | null;
  consultation_date: string | null;
  registered_at: string;
  valid_until: string | null;
  status: ConsentStatus;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  device_id: string | null;
  staff_id: string | null;
  registration_id: string;
  updated_at: string;
  /** V5: the last verbal reconfirmation; null means none since registration. */
  last_confirmed_at: string | null;
}

export interface EligibilityCheckTable {
  id: string;
  institution_id: string;
  person_ref: string;
  consent_id: string | null;
  /** 'registration' now; re-queries and batch queries later. */
  kind: string;
  status: string;
  record_json: string;
  checked_at: string;
}

export type ConsentRow = Selectable<ConsentTable>;
