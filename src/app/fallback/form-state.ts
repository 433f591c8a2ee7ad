import {
  CARD_ISSUED_WHEN,
  DECLARATION_FIELDS,
  DECLARATION_SEXES,
  INSURANCE_TYPES,
  type Declaration,
  type DeclarationFieldId,
} from '../../domain/declaration/declaration.ts';
import { DECLARATION_MESSAGES, type DeclarationMessageKey } from '../../domain/declaration/declaration-schema.ts';
import { ERA_IDS, type EraId } from '../../domain/shared/era.ts';
import { jstDate } from '../../domain/shared/jst.ts';

/**
 * The declaration form as typed: text stays text (a year written 「元」 or 「３１」 is kept as it is),
 * so bad input is never lost; the schema reads it on every change and on submit. This is what the
 * draft holds (storage/drafts.ts, encrypted at rest).
 */
export type FormState = Omit<Declaration, 'dateOfBirth' | 'declaredOn'> & {
  dateOfBirth: { era: EraId | null; year: string; month: string; day: string };
  declaredOn: string | null;
};

/** A new, blank form; the declaration's date starts as today (Japan), which the patient may change. */
export function newFormState(linkToken: string, now = new Date()): FormState {
  return {
    id: crypto.randomUUID(),
    createdAt: now.toISOString(),
    linkToken,
    referenceNumber: '',
    holdsValidCard: false,
    insuranceType: null,
    insurerName: '',
    employerName: '',
    cardIssuedWhen: null,
    copayRatio: null,
    name: '',
    nameKana: '',
    dateOfBirth: { era: null, year: '', month: '', day: '' },
    sex: null,
    address: '',
    otherResidence: '',
    declaredOn: jstDate(now),
    signature: null,
    relationship: '',
    phone: '',
  };
}

const str = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const oneOf = <T extends string | number>(values: readonly T[], value: unknown): T | null =>
  values.includes(value as T) ? (value as T) : null;

/** A saved draft's form, read defensively: anything unreadable becomes blank rather than failing. */
export function formStateFrom(record: Record<string, unknown>, linkToken: string): FormState {
  const blank = newFormState(linkToken);
  const dob = (typeof record.dateOfBirth === 'object' && record.dateOfBirth !== null ? record.dateOfBirth : {}) as Record<string, unknown>;
  const ratio = record.copayRatio;
  return {
    id: typeof record.id === 'string' && record.id !== '' ? record.id : blank.id,
    createdAt: typeof record.createdAt === 'string' && record.createdAt !== '' ? record.createdAt : blank.createdAt,
    linkToken,
    referenceNumber: str(record.referenceNumber),
    holdsValidCard: record.holdsValidCard === true,
    insuranceType: oneOf(INSURANCE_TYPES, record.insuranceType),
    insurerName: str(record.insurerName),
    employerName: str(record.employerName),
    cardIssuedWhen: oneOf(CARD_ISSUED_WHEN, record.cardIssuedWhen),
    copayRatio: ratio === 10 || ratio === 20 || ratio === 30 || ratio === 'unknown' ? ratio : null,
    name: str(record.name),
    nameKana: str(record.nameKana),
    dateOfBirth: { era: oneOf(ERA_IDS, dob.era), year: str(dob.year), month: str(dob.month), day: str(dob.day) },
    sex: oneOf(DECLARATION_SEXES, record.sex),
    address: str(record.address),
    otherResidence: str(record.otherResidence),
    declaredOn: typeof record.declaredOn === 'string' && record.declaredOn !== '' ? record.declaredOn : null,
    signature: typeof record.signature === 'string' && record.signature !== '' ? record.signature : null,
    relationship: str(record.relationship),
    phone: str(record.phone),
  };
}

/** Whether anything was written yet (the date pre-filled at creation does not count). */
export function hasContent(form: FormState): boolean {
  const { dateOfBirth: dob } = form;
  return (
    [form.referenceNumber, form.insurerName, form.employerName, form.name, form.nameKana, form.address, form.otherResidence, form.relationship, form.phone].some(
      (v) => v.trim() !== '',
    ) ||
    form.holdsValidCard ||
    form.insuranceType !== null ||
    form.cardIssuedWhen !== null ||
    form.copayRatio !== null ||
    form.sex !== null ||
    form.signature !== null ||
    dob.era !== null ||
    [dob.year, dob.month, dob.day].some((v) => v.trim() !== '')
  );
}

/** Where an error is shown: a form field, or the clinic's patient number. */
export type ErrorTarget = DeclarationFieldId | 'referenceNumber' | 'form';
export type FieldErrors = Partial<Record<ErrorTarget, DeclarationMessageKey>>;

const MESSAGE_KEYS = Object.fromEntries(Object.entries(DECLARATION_MESSAGES).map(([key, text]) => [text, key])) as Record<string, DeclarationMessageKey>;
const TARGETS = new Set<string>(['referenceNumber', ...DECLARATION_FIELDS.map((f) => f.id)]);

/**
 * The schema's issues as one message key per field (the first wins). The messages are the
 * schema's fixed sentences, never the input; the screen shows its own translation of each.
 */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const head = issue.path[0];
    const target: ErrorTarget = typeof head === 'string' && TARGETS.has(head) ? (head as ErrorTarget) : 'form';
    errors[target] ??= MESSAGE_KEYS[issue.message] ?? 'form';
  }
  return errors;
}

/** The part of the date of birth an error points at (for aria-invalid on that input). */
export function dateOfBirthErrorPart(issues: readonly { path: readonly PropertyKey[] }[]): 'year' | 'month' | 'day' | 'all' | null {
  const issue = issues.find((i) => i.path[0] === 'dateOfBirth');
  if (!issue) return null;
  const part = issue.path[1];
  return part === 'year' || part === 'month' || part === 'day' ? part : 'all';
}
