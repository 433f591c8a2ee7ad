import type { Selectable } from 'kysely';

/** One person the institution knows (has or had a consent for): search keys, R9, the E3 record. */
export interface PersonProfileTable {
  institution_id: string;
  person_ref: string;
  /** From the latest eligibility record; '' after the provided information was deleted (E3). */
  name: string;
  name_kana: string;
  kana_key: string;
  date_of_birth: string | null;
  insurer_number: string;
  /** R9 照会番号: the clinic's chart number. */
  reference_number: string | null;
  /** E3: the clinic's own record (ClinicPersonRecord as JSON). */
  clinic_record_json: string | null;
  identity_status: 'otherPerson' | 'informationDeleted' | null;
  updated_at: string;
}

export type PersonProfileRow = Selectable<PersonProfileTable>;
