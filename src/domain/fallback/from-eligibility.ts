/**
 * E2: a `lost`, `lostWithNew` or `notFound` result leads straight to the decision guide and the
 * declaration form for the patient just checked. This is what the result hands over: the guide's
 * cause for the status, and what the record already says of the patient, as the declaration's
 * own fields, so the form opens filled in as far as it can be.
 *
 * Only fields of the declaration form are carried (the type is a Pick of it), so nothing else of
 * the record — and never a My Number, which no record holds (P1) — reaches the draft.
 */
import { toEraDate } from '../shared/era.ts';
import { toKatakana } from '../shared/kana.ts';
import type { Declaration } from '../declaration/declaration.ts';
import type { EligibilityRecord, EligibilityStatus } from '../registration/eligibility.ts';
import type { FallbackCause } from './fallback-guide.ts';

/** The statuses whose result is not a confirmed qualification and so opens the fallback (E2). */
export type UnconfirmedStatus = Extract<EligibilityStatus, 'lost' | 'lostWithNew' | 'notFound'>;

const CAUSE_OF_STATUS: Record<UnconfirmedStatus, FallbackCause> = {
  lost: 'resultLost',
  lostWithNew: 'resultLostWithNew',
  notFound: 'resultNotFound',
};

/** The status when the result confirmed no qualification; null for valid and validUnregistered (有効). */
export function unconfirmedStatus(status: EligibilityStatus): UnconfirmedStatus | null {
  switch (status) {
    case 'lost':
    case 'lostWithNew':
    case 'notFound':
      return status;
    case 'valid':
    case 'validUnregistered':
      return null;
    default: {
      const unexpected: never = status;
      throw new RangeError(`unknown status ${String(unexpected)}`);
    }
  }
}

/** The decision guide's cause for such a result. */
export function fallbackCauseOf(status: UnconfirmedStatus): FallbackCause {
  return CAUSE_OF_STATUS[status];
}

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
