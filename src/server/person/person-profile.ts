import type { EligibilityRecord } from '../../domain/registration/eligibility.ts';
import { normaliseKana } from '../../domain/shared/kana.ts';
import type { DbOrTx } from '../db/database.ts';
import { insertProfileIfAbsent, upsertProfileFields } from './person.repository.ts';

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
  const fields = profileFields(record);
  // 該当資格なし carries no name: keep what was known rather than blanking the search keys.
  if (record.status === 'notFound' && record.name === '') await insertProfileIfAbsent(db, institutionId, personRef, fields, at);
  else await upsertProfileFields(db, institutionId, personRef, fields, at);
}
