/**
 * Dates as people type them (issue 16 #1): the ONE parser of a typed date, used by every date
 * input, the CSV import and the server. Its counterpart, the ONE Japanese formatter, is
 * `formatDateJa` in era.ts (kept there so the patient's screens, which only show dates, do not
 * download the parser).
 *
 * Clinic staff and patients write a date of birth in 和暦 far more often than in 西暦, and in
 * several forms: 昭和18年10月22日, S18.10.22, S18/10/22, s18-10-22, 平成元年1月8日, full-width
 * digits, or the receipt computers' seven-digit GYYMMDD (3181022: 1 明治 … 5 令和). Western forms
 * are read too: 1943-10-22, 1943/10/22, 1943年10月22日, 19431022. Era dates follow D4: the day
 * must exist in that era (昭和64年1月7日 does, 昭和64年1月8日 is 平成元年1月8日).
 */
import { ERAS, parseEraDate, type Era } from './era.ts';
import { isJstDate } from './jst.ts';

export type DateTextProblem =
  /** Nothing typed. */
  | 'empty'
  /** Not a date in any form we read, or a day that does not exist (2月30日). */
  | 'notADate'
  /** An era we do not know (慶応, X18.10.22). */
  | 'unknownEra'
  /** D4: a day before the era began (平成元年1月7日 is 昭和64年). */
  | 'beforeEraStart'
  /** D4: a day after the era ended (平成31年5月1日 is 令和元年). */
  | 'afterEraEnd'
  /** 明治元年–5年: the lunisolar calendar, which this calendar does not convert (see era.ts). */
  | 'beforeGregorian';

export type DateTextResult = { ok: true; date: string } | { ok: false; problem: DateTextProblem };

/** The receipt computers' era digit (レセプト電算: 1 明治, 2 大正, 3 昭和, 4 平成, 5 令和). */
const ERA_BY_DIGIT: Readonly<Record<string, Era>> = Object.fromEntries(ERAS.map((era, i) => [String(i + 1), era]));

const ERA_NAMES = ERAS.map((e) => e.name).join('|');
const ERA_LETTERS = ERAS.map((e) => e.letter).join('');
/** Between year and month, month and day: 年/月 or a separator. */
const YEAR_SEP = '(?:年|[./-])';
const MONTH_SEP = '(?:月|[./-])';

const ERA_DATE = new RegExp(`^(${ERA_NAMES}|[${ERA_LETTERS}])(元|\\d{1,2})${YEAR_SEP}(\\d{1,2})${MONTH_SEP}(\\d{1,2})日?$`, 'i');
/** Any other word before an era-style year: an era we do not know. */
const OTHER_ERA_DATE = new RegExp(`^([^\\d\\s.\\-/]{1,4})(元|\\d{1,2})${YEAR_SEP}(\\d{1,2})${MONTH_SEP}(\\d{1,2})日?$`);
const WESTERN_DATE = new RegExp(`^(\\d{4})${YEAR_SEP}(\\d{1,2})${MONTH_SEP}(\\d{1,2})日?$`);
const WESTERN_COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const RECEIPT_COMPUTER_COMPACT = /^([1-5])(\d{2})(\d{2})(\d{2})$/;

const pad = (n: number | string, width: number) => String(n).padStart(width, '0');

function western(year: string, month: string, day: string): DateTextResult {
  const date = `${year}-${pad(month, 2)}-${pad(day, 2)}`;
  return isJstDate(date) ? { ok: true, date } : { ok: false, problem: 'notADate' };
}

function era(era: Era, year: string, month: string, day: string): DateTextResult {
  const parsed = parseEraDate({ era: era.id, year, month, day });
  if (parsed.ok) return parsed;
  switch (parsed.problem) {
    case 'yearOutOfRange':
      // 昭和65年 is after 昭和; 明治1–5年 are before the Gregorian calendar; year 0 is no year.
      if (Number(year) === 0) return { ok: false, problem: 'notADate' };
      return { ok: false, problem: era.id === 'meiji' && Number(year) < 6 ? 'beforeGregorian' : 'afterEraEnd' };
    case 'unknownEra':
    case 'notADate':
    case 'beforeEraStart':
    case 'afterEraEnd':
      return { ok: false, problem: parsed.problem };
  }
}

/**
 * D4: the 'YYYY-MM-DD' day a typed date names, or the one reason it names none. Full-width
 * characters and the era ligatures (㍼) are folded by NFKC; spaces anywhere are ignored
 * (「昭和 18年 10月 22日」). Never echoes the text in its answer.
 */
export function parseDateText(text: string): DateTextResult {
  const v = text.normalize('NFKC').replace(/\s+/g, '');
  if (v === '') return { ok: false, problem: 'empty' };
  let m = ERA_DATE.exec(v);
  if (m) {
    const found = ERAS.find((e) => e.name === m![1] || e.letter === m![1]!.toUpperCase());
    return found ? era(found, m[2]!, m[3]!, m[4]!) : { ok: false, problem: 'unknownEra' };
  }
  m = WESTERN_DATE.exec(v) ?? WESTERN_COMPACT.exec(v);
  if (m) return western(m[1]!, m[2]!, m[3]!);
  m = RECEIPT_COMPUTER_COMPACT.exec(v);
  if (m) return era(ERA_BY_DIGIT[m[1]!]!, m[2]!, m[3]!, m[4]!);
  if (OTHER_ERA_DATE.test(v)) return { ok: false, problem: 'unknownEra' };
  return { ok: false, problem: 'notADate' };
}
