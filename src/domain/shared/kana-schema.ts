import { z } from './zod.ts';
import { isKana, toKatakana } from './kana.ts';

// Kept apart from kana.ts so that screens using only the kana helpers do not load zod.

/** The fixed sentences a kana field answers with: never the input (no patient data in errors). */
export interface KanaMessages {
  /** The value is not a string. */
  notText: string;
  tooLong: string;
  notKana: string;
}

/**
 * A furigana field (D4): blank is '', anything else must be kana only (hiragana or katakana, half-
 * or full-width) and is stored as full-width katakana with single spaces, as the declaration's
 * （フリガナ） and the outage search want it.
 */
export function kanaTextSchema(max: number, messages: KanaMessages) {
  return z
    .string({ error: messages.notText })
    .max(max, { error: messages.tooLong })
    .transform((value, ctx) => {
      const trimmed = value.trim();
      if (trimmed === '') return '';
      if (!isKana(trimmed)) {
        ctx.addIssue({ code: 'custom', message: messages.notKana });
        return z.NEVER;
      }
      return toKatakana(trimmed).replace(/ +/g, ' ');
    })
    .default('');
}
