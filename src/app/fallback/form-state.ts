import {
  DECLARATION_FIELDS,
  emptyDeclaration,
  type Declaration,
  type DeclarationField,
  type DeclarationFieldId,
  type EraDateFieldId,
} from '../../domain/declaration/declaration.ts';
import { DECLARATION_MESSAGES, type DeclarationMessageKey } from '../../domain/declaration/declaration-schema.ts';
import { ERA_IDS, parseEraDate, type EraId } from '../../domain/shared/era.ts';
import { jstDate, type JstDate } from '../../domain/shared/jst.ts';
import { randomId } from '../random-id.ts';

/** An era date as typed: the era box, and 年 月 日 as text (「元」 or 「３１」 are kept as written). */
export interface EraDateText {
  era: EraId | null;
  year: string;
  month: string;
  day: string;
}

/**
 * The declaration form as typed: text stays text, so bad input is never lost; the schema reads it
 * on every change and on submit. This is what the draft holds (storage/drafts.ts, encrypted at
 * rest). It differs from a Declaration only in its era dates.
 */
export type FormState = Omit<Declaration, EraDateFieldId> & Record<EraDateFieldId, EraDateText>;

const str = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/** A declaration as the form shows it. */
export function formStateOf(declaration: Declaration): FormState {
  const { dateOfBirth, ...rest } = declaration;
  const eraDate = (value: Declaration[EraDateFieldId]): EraDateText => ({ era: value.era, year: str(value.year), month: str(value.month), day: str(value.day) });
  return { ...rest, dateOfBirth: eraDate(dateOfBirth) };
}

/** A new, blank form (the domain's one blank form); the declaration's date starts as today (Japan), which the patient may change. */
export function newFormState(linkToken: string, now = new Date()): FormState {
  const blank = emptyDeclaration({ id: randomId(), createdAt: now.toISOString(), linkToken });
  return formStateOf({ ...blank, declaredOn: jstDate(now) });
}

/** One field of a saved draft, read defensively by its kind: anything unreadable is blank. */
function readField(field: DeclarationField, raw: unknown): string | number | boolean | EraDateText | null {
  switch (field.kind) {
    case 'checkbox':
      return raw === true;
    case 'choice':
      return field.options?.find((o) => o.value === raw)?.value ?? null;
    case 'text':
    case 'address':
    case 'kana':
    case 'phone':
      return str(raw);
    case 'eraDate': {
      const parts = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      return { era: ERA_IDS.find((era) => era === parts.era) ?? null, year: str(parts.year), month: str(parts.month), day: str(parts.day) };
    }
    case 'date':
    case 'signature':
      return typeof raw === 'string' && raw !== '' ? raw : null;
    default: {
      const unexpected: never = field;
      throw new RangeError(`unknown field kind ${String(unexpected)}`);
    }
  }
}

/** A saved draft's form, read defensively: anything unreadable becomes blank rather than failing. */
export function formStateFrom(record: Record<string, unknown>, linkToken: string): FormState {
  const blank = newFormState(linkToken);
  const form: FormState = {
    ...blank,
    id: typeof record.id === 'string' && record.id !== '' ? record.id : blank.id,
    createdAt: typeof record.createdAt === 'string' && record.createdAt !== '' ? record.createdAt : blank.createdAt,
    referenceNumber: str(record.referenceNumber),
  };
  // Each value is of its field's kind (readField), which the field list ties to the field's type.
  for (const field of DECLARATION_FIELDS) Object.assign(form, { [field.id]: readField(field, record[field.id]) });
  return form;
}

/** Whether a field holds an answer; the declaration's date does not count (it is pre-filled at creation). */
function isAnswered(field: DeclarationField, form: FormState): boolean {
  switch (field.kind) {
    case 'checkbox':
      return form[field.id];
    case 'choice':
      return form[field.id] !== null;
    case 'text':
    case 'address':
    case 'kana':
    case 'phone':
      return form[field.id].trim() !== '';
    case 'eraDate': {
      const value = form[field.id];
      return value.era !== null || [value.year, value.month, value.day].some((v) => v.trim() !== '');
    }
    case 'date':
      return false;
    case 'signature':
      return form[field.id] !== null;
    default: {
      const unexpected: never = field;
      throw new RangeError(`unknown field kind ${String(unexpected)}`);
    }
  }
}

/** Whether anything was written yet (the date pre-filled at creation does not count). */
export function hasContent(form: FormState): boolean {
  return form.referenceNumber.trim() !== '' || DECLARATION_FIELDS.some((field) => isAnswered(field, form));
}

/** The Japan day the form was started: D2's age and E7's charge are worked out for it. */
export function formDay(createdAt: string): JstDate {
  const created = new Date(createdAt);
  return jstDate(Number.isNaN(created.getTime()) ? new Date() : created);
}

/** An era date as 'YYYY-MM-DD' when every part is written and names a real day of its era (D4). */
export function eraDateOf(value: EraDateText): JstDate | null {
  const { era, year, month, day } = value;
  if (era === null || year.trim() === '' || month.trim() === '' || day.trim() === '') return null;
  const parsed = parseEraDate({ era, year, month, day });
  return parsed.ok ? parsed.date : null;
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

/** The part of an era date an error points at (for aria-invalid on that input). */
export type EraDatePart = 'year' | 'month' | 'day';
export function eraDateErrorPart(issues: readonly { path: readonly PropertyKey[] }[], id: EraDateFieldId): EraDatePart | 'all' | null {
  const issue = issues.find((i) => i.path[0] === id);
  if (!issue) return null;
  const part = issue.path[1];
  return part === 'year' || part === 'month' || part === 'day' ? part : 'all';
}
