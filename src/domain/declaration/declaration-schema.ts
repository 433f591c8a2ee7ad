import { z } from '../shared/zod.ts';
import {
  CARD_ISSUED_WHEN,
  DECLARATION_SEXES,
  DECLARED_RATIOS,
  INSURANCE_TYPES,
  isDeclarationUsable,
  isJapanesePhoneNumber,
  normalisePhone,
  withoutInapplicableAnswers,
  type Declaration,
} from './declaration.ts';
import { ERA_IDS, eraYearRange, findEra, parseEraDate, parseEraNumber, type EraId } from '../shared/era.ts';
import { jstDate, isJstDate } from '../shared/jst.ts';
import { kanaTextSchema } from '../shared/kana-schema.ts';

// Kept apart from declaration.ts so that screens using only the plain rules do not load zod.
// Shared by the app (before queuing) and the server (on receipt).

/**
 * Every message is a fixed sentence: none repeats what was typed, so a rejected form cannot leak
 * patient data into responses or logs. The app maps them to its catalogue by key.
 */
export const DECLARATION_MESSAGES = {
  usable: "Enter the patient's name, or the clinic's patient number.",
  text: 'Enter text here.',
  tooLong: 'This text is too long.',
  choice: 'Choose one of the boxes, or leave them all empty.',
  checkbox: 'Tick the box or leave it empty.',
  kana: 'Write the furigana in kana.',
  era: 'Choose an era: Meiji, Taisho, Showa, Heisei or Reiwa.',
  number: 'Enter a number.',
  eraYear: 'This year does not exist in the chosen era.',
  eraDate: 'This date does not exist in the chosen era.',
  dateOfBirthInFuture: 'The date of birth cannot be later than today.',
  date: 'Enter a real date.',
  phone: 'Enter a Japanese phone number.',
  signature: 'The signature could not be read. Please sign again.',
  signatureTooLarge: 'The signature is too large. Please sign again.',
  id: 'The form has no valid identifier.',
  createdAt: 'The form has no valid creation time.',
  linkToken: 'The institution link is not valid.',
  unexpected: 'The form holds fields it should not have.',
  form: 'The form could not be read.',
} as const;
export type DeclarationMessageKey = keyof typeof DECLARATION_MESSAGES;
const M = DECLARATION_MESSAGES;

/** Base64 characters of a PNG data URL; a drawn signature is far below (typically 10–60 kB). */
export const SIGNATURE_MAX_CHARS = 200_000;
/** A PNG data URL: the PNG signature \x89PNG\r\n\x1a\n is 'iVBORw0KGgo' in base64. */
const PNG_DATA_URL = /^data:image\/png;base64,iVBORw0KGgo[A-Za-z0-9+/]*={0,2}$/;

const text = (max: number) =>
  z
    .string({ error: M.text })
    .max(max, { error: M.tooLong })
    .transform((value) => value.trim())
    .default('');

/** Blank ('' or null) is null; a choice outside the list is refused. */
const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), z.enum(values)], { error: M.choice })
    .nullable()
    .transform((value) => (value === '' || value === null ? null : value))
    .default(null);

const eraNumber = z
  .union([z.number(), z.string().max(8)], { error: M.number })
  .nullable()
  .transform((value, ctx): number | null => {
    if (value === null || (typeof value === 'string' && value.trim() === '')) return null;
    const n = parseEraNumber(value);
    if (n === null || n > 9999) {
      ctx.addIssue({ code: 'custom', message: M.number });
      return z.NEVER;
    }
    return n;
  })
  .default(null);

const eraField = z
  .string({ error: M.era })
  .max(8, { error: M.era })
  .nullable()
  .transform((value, ctx): EraId | null => {
    if (value === null || value.trim() === '') return null;
    const era = findEra(value);
    if (!era) {
      ctx.addIssue({ code: 'custom', message: M.era });
      return z.NEVER;
    }
    return era.id;
  })
  .default(null);

/** 生年月日: each part may be blank (D3); what is there must fit the era, and a full date must exist (D4). */
const dateOfBirthSchema = z
  .strictObject({ era: eraField, year: eraNumber, month: eraNumber, day: eraNumber }, { error: (issue) => (issue.code === 'unrecognized_keys' ? M.unexpected : M.eraDate) })
  .superRefine((dob, ctx) => {
    const { era, year, month, day } = dob;
    // zod still runs this check when a part failed its own: an era it could not read is already
    // reported there and is no era id here (the fuzz found the RangeError it caused: a 500).
    if (era !== null && !(ERA_IDS as readonly string[]).includes(era)) return;
    if (era !== null && year !== null) {
      const range = eraYearRange(era);
      if (year < range.min || year > range.max) {
        ctx.addIssue({ code: 'custom', message: M.eraYear, path: ['year'] });
        return;
      }
    }
    if (month !== null && month > 12) ctx.addIssue({ code: 'custom', message: M.eraDate, path: ['month'] });
    if (day !== null && day > 31) ctx.addIssue({ code: 'custom', message: M.eraDate, path: ['day'] });
    if (era === null || year === null || month === null || month > 12) return;
    if (day === null) {
      // A month with no day of the era in it (平成31年5月) is wrong even before the day is written.
      const someDay = Array.from({ length: 31 }, (_, i) => i + 1).some((d) => parseEraDate({ era, year, month, day: d }).ok);
      if (!someDay) ctx.addIssue({ code: 'custom', message: M.eraDate, path: ['month'] });
      return;
    }
    const parsed = parseEraDate({ era, year, month, day });
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem === 'yearOutOfRange' ? M.eraYear : M.eraDate });
  })
  .default({ era: null, year: null, month: null, day: null });

const nameKanaSchema = kanaTextSchema(100, { notText: M.text, tooLong: M.tooLong, notKana: M.kana });

const dateSchema = z
  .string({ error: M.date })
  .max(10, { error: M.date })
  .nullable()
  .transform((value, ctx): string | null => {
    if (value === null || value === '') return null;
    if (!isJstDate(value)) {
      ctx.addIssue({ code: 'custom', message: M.date });
      return z.NEVER;
    }
    return value;
  })
  .default(null);

const phoneSchema = z
  .string({ error: M.phone })
  .max(30, { error: M.phone })
  .transform((value, ctx) => {
    const normalised = normalisePhone(value);
    if (normalised === '') return '';
    if (!isJapanesePhoneNumber(normalised)) {
      ctx.addIssue({ code: 'custom', message: M.phone });
      return z.NEVER;
    }
    return normalised;
  })
  .default('');

const signatureSchema = z
  .string({ error: M.signature })
  .max(SIGNATURE_MAX_CHARS, { error: M.signatureTooLarge })
  .regex(PNG_DATA_URL, { error: M.signature })
  .nullable()
  .default(null);

// Nothing else may ride along: no My Number, no card number (P1).
const declarationObject = z.strictObject(
  {
    id: z.uuid({ error: M.id }),
    createdAt: z.iso.datetime({ offset: true, error: M.createdAt }),
    linkToken: z.string({ error: M.linkToken }).min(10, { error: M.linkToken }).max(64, { error: M.linkToken }).regex(/^[A-Za-z0-9_-]+$/, { error: M.linkToken }),
    referenceNumber: text(40),

    holdsValidCard: z.boolean({ error: M.checkbox }).default(false),
    insuranceType: choice(INSURANCE_TYPES),
    insurerName: text(100),
    employerName: text(100),
    cardIssuedWhen: choice(CARD_ISSUED_WHEN),
    copayRatio: z
      .union([z.literal(''), z.literal(DECLARED_RATIOS)], { error: M.choice })
      .nullable()
      .transform((value) => (value === '' ? null : value))
      .default(null),

    name: text(100),
    nameKana: nameKanaSchema,
    dateOfBirth: dateOfBirthSchema,
    sex: choice(DECLARATION_SEXES),
    address: text(200),
    otherResidence: text(200),

    declaredOn: dateSchema,
    signature: signatureSchema,
    relationship: text(40),
    phone: phoneSchema,
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? M.unexpected : M.form) },
);

function dateOfBirthNotInFuture(declaration: Declaration, ctx: z.RefinementCtx): void {
  const created = new Date(declaration.createdAt);
  if (Number.isNaN(created.getTime())) return;
  const { era, year, month, day } = declaration.dateOfBirth;
  if (era === null || year === null || month === null || day === null) return;
  const parsed = parseEraDate({ era, year, month, day });
  if (parsed.ok && parsed.date > jstDate(created)) {
    ctx.addIssue({ code: 'custom', message: M.dateOfBirthInFuture, path: ['dateOfBirth'] });
  }
}

/**
 * A draft as the device keeps it: every rule on what is filled in, nothing required beyond the
 * form's id, time and institution (D3: it saves with blanks).
 */
export const declarationDraftSchema = declarationObject
  .superRefine((value, ctx) => dateOfBirthNotInFuture(value, ctx))
  .transform((value): Declaration => withoutInapplicableAnswers(value));

/**
 * A submitted declaration (app before queuing, server on receipt): the draft rules plus D3's one
 * requirement, a name (kanji or kana) or the clinic's patient number. Answers to questions the form
 * does not ask (D1, D2) are cleared. Parsing the output again gives the same output.
 */
export const declarationSchema = declarationObject
  .superRefine((value, ctx) => {
    dateOfBirthNotInFuture(value, ctx);
    if (!isDeclarationUsable(value)) ctx.addIssue({ code: 'custom', message: M.usable, path: ['name'] });
  })
  .transform((value): Declaration => withoutInapplicableAnswers(value));

export type DeclarationInput = z.input<typeof declarationSchema>;
