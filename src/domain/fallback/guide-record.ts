import { z } from '../shared/zod.ts';
import { guideOutcomeSchema } from '../declaration/declaration-api-schema.ts';
import { checkGuideOutcome, guideStepIds, FALLBACK_CAUSES, type GuideOutcome, type GuideStepId } from './fallback-guide.ts';
import { isJstDate, type JstDate } from '../shared/jst.ts';
import { kanaTextSchema } from '../shared/kana-schema.ts';

/**
 * The record of a decision-guide walk that ended WITHOUT a declaration form (F1 proof, F4, F5,
 * with E7's charge, E8's paper prescription): issue 5 §2 "record the outcome of the guide with the
 * visit". It travels through the same encrypted outbox as a declaration and is stored once per
 * client id (P4). A walk that ends in the form sends its outcome inside the declaration instead
 * (GuideOutcome.declarationId), so the two never overlap: here the resolution is never the form.
 *
 * Kept minimal on purpose: no name in kanji, no date of birth, no insurer numbers, and never a
 * My Number (P1) — a free-text note that contains a 12-digit run is refused.
 */
export interface GuideRecord {
  /** The client's UUID: the outbox's idempotency key. */
  id: string;
  /** Which clinic link the device uses; names the institution on the server. */
  linkToken: string;
  /** The day of the visit, JST 'YYYY-MM-DD'. */
  visitDate: JstDate;
  /** The guide steps passed before the one that settled it, then that one, in order. */
  steps: GuideStepId[];
  outcome: GuideOutcome;
  /** Optional: to find the visit in the chart (full-width katakana once parsed). */
  patientKana: string;
  /** Optional short chart note. */
  note: string;
}

/** The server's acknowledgement; only once the device holds it may it delete its copy. */
export interface GuideRecordReceipt {
  id: string;
  receivedAt: string;
}

/** One received record in the staff inbox (read-only). */
export interface GuideRecordItemDto extends GuideRecord {
  receivedAt: string;
  /** D5: when it will be purged. */
  purgeAfter: string;
}

export interface GuideRecordListResponse {
  guideRecords: GuideRecordItemDto[];
}

export const GUIDE_RECORD_MESSAGES = {
  record: 'The record of the decision guide could not be read.',
  visitDate: 'Enter the visit date as YYYY-MM-DD.',
  steps: 'The steps of the guide do not belong to its cause.',
  form: 'A walk that ended with the declaration form is sent with the form.',
  kana: 'Write the furigana in kana.',
  tooLong: 'This text is too long.',
  myNumber: 'Do not write a My Number or any other 12-digit number here.',
} as const;
const M = GUIDE_RECORD_MESSAGES;

export const GUIDE_RECORD_NOTE_MAX = 200;
export const GUIDE_RECORD_KANA_MAX = 100;

/** A run of 12 digits (ASCII or full-width, spaces and hyphens allowed between): looks like a My Number (P1). */
export function containsTwelveDigitRun(text: string): boolean {
  const digits = text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  return /\d(?:[\s\-ー－]*\d){11}/.test(digits);
}

const kanaSchema = kanaTextSchema(GUIDE_RECORD_KANA_MAX, { notText: M.kana, tooLong: M.tooLong, notKana: M.kana });

const noteSchema = z
  .string({ error: M.tooLong })
  .max(GUIDE_RECORD_NOTE_MAX, { error: M.tooLong })
  .transform((value) => value.trim())
  .refine((value) => !containsTwelveDigitRun(value), { error: M.myNumber })
  .default('');

const STEP_IDS = [...new Set(FALLBACK_CAUSES.flatMap((cause) => guideStepIds(cause)))] as [GuideStepId, ...GuideStepId[]];

/** The body of `POST /api/public/guide-records`; shared by the app (before queueing) and the server. */
export const guideRecordSchema = z
  .strictObject(
    {
      id: z.uuid({ error: M.record }).transform((id) => id.toLowerCase()),
      linkToken: z.string({ error: M.record }).min(1, { error: M.record }).max(200, { error: M.record }),
      visitDate: z.string({ error: M.visitDate }).refine(isJstDate, { error: M.visitDate }),
      steps: z.array(z.enum(STEP_IDS, { error: M.steps }), { error: M.steps }).min(1, { error: M.steps }).max(30, { error: M.steps }),
      outcome: guideOutcomeSchema,
      patientKana: kanaSchema,
      note: noteSchema,
    },
    { error: M.record },
  )
  .superRefine((record, ctx) => {
    if (record.outcome.resolution === 'declarationForm') {
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: M.form });
      return;
    }
    if (checkGuideOutcome(record.outcome).length > 0) ctx.addIssue({ code: 'custom', path: ['outcome'], message: M.record });
    const ids = guideStepIds(record.outcome.cause);
    if (record.steps.some((step) => !ids.includes(step))) ctx.addIssue({ code: 'custom', path: ['steps'], message: M.steps });
  });

export type GuideRecordInput = z.input<typeof guideRecordSchema>;
