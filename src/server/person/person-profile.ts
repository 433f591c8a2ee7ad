import type { EligibilityRecord } from '../../domain/registration/eligibility.ts';
import { normaliseKana } from '../../domain/shared/kana.ts';
import type { DbOrTx } from '../db/database.ts';

/** The profile columns an eligibility record fills (the search keys and the list label). */
export function profileFields(record: Pick<EligibilityRecord, 'name' | 'nameKana' | 'dateOfBirth' | 'insurerNumber'>) {
  return {
    name: record.name,
    name_kana: record.nameKana,
    kana_key: normaliseKana(record.nameKana),
    date_of_birth: record.dateOfBirth,
    insurer_number: record.insurerNumber,
  };
}

/**
 * Called wherever an eligibility record for a person arrives (registration, re-query): keeps the
 * search keys current. An insurer change updates insurer_number; the reference number (R9) and the
 * clinic's own record stay, because the profile is keyed by person_ref.
 */
export async function notePersonRecord(
  db: DbOrTx,
  institutionId: string,
  personRef: string,
  record: Pick<EligibilityRecord, 'name' | 'nameKana' | 'dateOfBirth' | 'insurerNumber' | 'status'>,
  at: string,
): Promise<void> {
  // 該当資格なし carries no name: keep what was known rather than blanking the search keys.
  if (record.status === 'notFound' && record.name === '') {
    await db
      .insertInto('person_profile')
      .values({ institution_id: institutionId, person_ref: personRef, ...profileFields(record), reference_number: null, clinic_record_json: null, identity_status: null, updated_at: at })
      .onConflict((oc) => oc.columns(['institution_id', 'person_ref']).doNothing())
      .execute();
    return;
  }
  const fields = profileFields(record);
  await db
    .insertInto('person_profile')
    .values({ institution_id: institutionId, person_ref: personRef, ...fields, reference_number: null, clinic_record_json: null, identity_status: null, updated_at: at })
    .onConflict((oc) => oc.columns(['institution_id', 'person_ref']).doUpdateSet({ ...fields, updated_at: at }))
    .execute();
}
