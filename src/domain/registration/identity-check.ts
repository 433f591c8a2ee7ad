import type { EligibilityRecord, Sex } from './eligibility.ts';
import { normaliseKana } from '../shared/kana.ts';

/**
 * E3 (003 second notice, 2023-07-04; 001 1-③): on first use or after an insurer change, staff
 * compare the displayed eligibility record with the clinic's own record of the person (intake form
 * or chart): kanji name, kana, sex, date of birth, address. The system's data has known quirks —
 * 「●」 for characters it cannot represent, half-width kana, small kana stored large — so the
 * comparison normalises, treats ● as "cannot compare", and decides on kana by the given name.
 * The result only flags: staff decide, nothing is blocked.
 */

/** What the clinic keeps about the person (entered on the person page). '' means not recorded. */
export interface ClinicPersonRecord {
  name: string;
  nameKana: string;
  sex: Sex | '';
  /** 'YYYY-MM-DD' or ''. */
  dateOfBirth: string;
  address: string;
}

export const EMPTY_CLINIC_RECORD: ClinicPersonRecord = { name: '', nameKana: '', sex: '', dateOfBirth: '', address: '' };

export const IDENTITY_FIELDS = ['name', 'nameKana', 'givenNameKana', 'sex', 'dateOfBirth', 'address'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

/**
 * match / mismatch; cannotCompare: the displayed value is blank, unknown or holds ●;
 * notRecorded: the clinic has no value for it.
 */
export type FieldComparison = 'match' | 'mismatch' | 'cannotCompare' | 'notRecorded';

export interface IdentityCheckResult {
  fields: Record<IdentityField, FieldComparison>;
  /** true when any compared field differs: staff should confirm with the patient (never a block). */
  flagged: boolean;
  /** true when nothing at all could be compared (no clinic record yet). */
  nothingCompared: boolean;
}

/** The character the system shows for what it cannot represent (DOMAIN §6). */
export const UNREPRESENTABLE = '●';

/** NFKC (full-/half-width), and no spaces: 山田　花子 and 山田 花子 are the same name. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '');
}

/**
 * The given name of a kana name: the part after the first space (half- or full-width). Without a
 * space the name cannot be split, and the whole name is the best we have.
 */
export function givenNameKana(kana: string): string {
  const parts = kana.normalize('NFKC').trim().split(/\s+/u);
  return parts.length > 1 ? parts.slice(1).join(' ') : (parts[0] ?? '');
}

function compareText(displayed: string, clinic: string, key: (s: string) => string): FieldComparison {
  if (clinic.trim() === '') return 'notRecorded';
  if (displayed.trim() === '' || displayed.includes(UNREPRESENTABLE)) return 'cannotCompare';
  return key(displayed) === key(clinic) ? 'match' : 'mismatch';
}

/** The legal sex when the card face omits it (性別2), else the face's (性別1). */
function displayedSex(record: Pick<EligibilityRecord, 'sex1' | 'sex2'>): Sex | null {
  return record.sex1 ?? record.sex2;
}

export type DisplayedIdentity = Pick<EligibilityRecord, 'name' | 'nameKana' | 'sex1' | 'sex2' | 'dateOfBirth' | 'address'>;

/** E3: compare the displayed record with the clinic's record, field by field. */
export function checkIdentity(displayed: DisplayedIdentity, clinic: ClinicPersonRecord): IdentityCheckResult {
  const sex = displayedSex(displayed);
  const fields: Record<IdentityField, FieldComparison> = {
    name: compareText(displayed.name, clinic.name, normaliseText),
    nameKana: compareText(displayed.nameKana, clinic.nameKana, normaliseKana),
    givenNameKana: compareText(givenNameKana(displayed.nameKana), clinic.nameKana === '' ? '' : givenNameKana(clinic.nameKana), normaliseKana),
    sex: clinic.sex === '' ? 'notRecorded' : sex === null ? 'cannotCompare' : sex === clinic.sex ? 'match' : 'mismatch',
    // 1900-01-01 means "unknown" for 医療扶助 (DOMAIN §6).
    dateOfBirth:
      clinic.dateOfBirth === ''
        ? 'notRecorded'
        : displayed.dateOfBirth === null || displayed.dateOfBirth === '1900-01-01'
          ? 'cannotCompare'
          : displayed.dateOfBirth === clinic.dateOfBirth.normalize('NFKC')
            ? 'match'
            : 'mismatch',
    address: compareText(displayed.address, clinic.address, normaliseText),
  };
  // A family name changes on marriage before the insurer catches up; the given name is what E3
  // decides on, so a full-kana difference with a matching given name is shown but not flagged.
  const decisive = IDENTITY_FIELDS.filter((f) => f !== 'nameKana' || fields.givenNameKana === 'cannotCompare');
  const flagged = decisive.some((f) => fields[f] === 'mismatch');
  const nothingCompared = IDENTITY_FIELDS.every((f) => fields[f] === 'notRecorded' || fields[f] === 'cannotCompare');
  return { fields, flagged, nothingCompared };
}

/**
 * 001 1-③: when the record shows someone else, staff (1) tell the online-eligibility call centre,
 * which has the insurer correct the data, and (2) delete the information the system provided.
 * E9 (002 FAQ #10): when staff doubt that the person is who they say, they may ask for a photo ID
 * first; 'photoIdChecked' records that they did (it changes nothing else).
 */
export const OTHER_PERSON_STEPS = ['callCentre', 'deleteProvidedInformation', 'photoIdChecked'] as const;
export type OtherPersonStep = (typeof OTHER_PERSON_STEPS)[number];

/**
 * E9 (002 FAQ #10, l.5965–5985): the identity documents staff may ask to see when they doubt the
 * person — documents with a photo issued by a public body. Message keys name them on screen.
 */
export const PHOTO_ID_EXAMPLES = [
  'driversLicence',
  'drivingRecord',
  'passport',
  'myNumberCard',
  'residenceCard',
  'specialPermanentResident',
  'officialPhotoDocument',
] as const;

/** オンライン資格確認等コールセンター (001 1-③). */
export const ELIGIBILITY_CALL_CENTRE = '0800-080-4583';
