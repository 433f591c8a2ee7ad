/**
 * E2: the declaration form opened from a result that confirmed no qualification starts with what
 * the record already says of the patient, as the declaration's own fields, so it is filled in as
 * far as it can be.
 *
 * Only fields of the declaration form are carried (the type is a Pick of it), so nothing else of
 * the record — and never a My Number, which no record holds (P1) — reaches the draft.
 */
import { toEraDate } from '../shared/era.ts';
import { toKatakana } from '../shared/kana.ts';
import type { Declaration } from '../declaration/declaration.ts';
import type { EligibilityRecord } from '../registration/eligibility.ts';

/** What a declaration draft starts with for a patient already checked. */
export type KnownPatient = Pick<Declaration, 'name' | 'nameKana' | 'dateOfBirth' | 'sex' | 'address' | 'insurerName' | 'referenceNumber'>;

/** The date of birth the record gives, as the form's era boxes; blank when unknown (1900-01-01, 医療扶助). */
function eraDateOfBirth(isoDate: string | null): Declaration['dateOfBirth'] {
  const era = isoDate && isoDate !== '1900-01-01' ? toEraDate(isoDate) : null;
  return era ? { era: era.era, year: era.year, month: era.month, day: era.day } : { era: null, year: null, month: null, day: null };
}

/**
 * What the eligibility record says of the patient, in the declaration's fields. The record's
 * kana is half-width; the form's フリガナ is full-width katakana (D4). The insurer is the one on
 * the record (for `lost` the lost one, which F6 allows claiming with when nothing newer is
 * known); the patient may correct any of it on the form.
 */
export function knownPatientOf(record: EligibilityRecord): KnownPatient {
  return {
    name: record.name.trim(),
    nameKana: toKatakana(record.nameKana).trim(),
    dateOfBirth: eraDateOfBirth(record.dateOfBirth),
    sex: record.sex1 ?? record.sex2,
    address: record.address.trim(),
    insurerName: record.insurerName.trim(),
    referenceNumber: record.referenceNumber ?? '',
  };
}
