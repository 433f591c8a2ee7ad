/**
 * The Japanese era calendar (和暦) for dates written as era + year + month + day, as on the
 * 被保険者資格申立書 (003 別添3: 生年月日 □明治 □大正 □昭和 □平成 □令和 年 月 日). Rule D4: an era date
 * must be a real day of that era (平成31年4月30日 exists, 平成31年5月1日 does not).
 *
 * An era year counts from 1 (元年) and restarts on the day the era begins; month and day are the
 * Gregorian month and day. That arithmetic is only right from 1873-01-01 (明治6年1月1日), when Japan
 * adopted the Gregorian calendar (明治5年太政官布告第337号): before that, 明治元年–明治5年 dates were
 * lunisolar (天保暦) and the same numbers name other days, so those years are refused rather than
 * silently converted wrongly. No patient alive was born then; the 医療扶助 "unknown" date of birth
 * 1900-01-01 is 明治33年1月1日, well inside.
 *
 * Era starts (the first day, Gregorian):
 * - 明治 1868-01-25: the 改元の詔 proclaimed on 1868-10-23 (慶応4年9月8日) made the whole year 明治元年,
 *   i.e. from 慶応4年1月1日 = 1868-01-25. Kept for the record only: conversions start 1873-01-01 anyway,
 *   so choosing 1868-10-23 instead would change no answer this module gives. (ICU uses 1868-09-08,
 *   the lunar date read as Gregorian; formatEraDate never reaches it.)
 * - 大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01 (each the day of the change;
 *   the previous era's last day is the day before).
 */
import { isJstDate } from './jst.ts';

export const ERA_IDS = ['meiji', 'taisho', 'showa', 'heisei', 'reiwa'] as const;
export type EraId = (typeof ERA_IDS)[number];

export interface Era {
  id: EraId;
  /** 元号. */
  name: string;
  /** Romanised, for English screens. */
  nameEn: string;
  /** Single-letter abbreviation used on forms and in receipt software (M/T/S/H/R). */
  letter: string;
  /** First day, 'YYYY-MM-DD'. */
  start: string;
  /** Last day, or null for the era in force. */
  end: string | null;
}

export const ERAS: readonly Era[] = [
  { id: 'meiji', name: '明治', nameEn: 'Meiji', letter: 'M', start: '1868-01-25', end: '1912-07-29' },
  { id: 'taisho', name: '大正', nameEn: 'Taisho', letter: 'T', start: '1912-07-30', end: '1926-12-24' },
  { id: 'showa', name: '昭和', nameEn: 'Showa', letter: 'S', start: '1926-12-25', end: '1989-01-07' },
  { id: 'heisei', name: '平成', nameEn: 'Heisei', letter: 'H', start: '1989-01-08', end: '2019-04-30' },
  { id: 'reiwa', name: '令和', nameEn: 'Reiwa', letter: 'R', start: '2019-05-01', end: null },
];

/** The first day era dates convert exactly: the Gregorian calendar's adoption, 明治6年1月1日. */
export const GREGORIAN_ADOPTED = '1873-01-01';

const FIRST_CONVERTIBLE_MEIJI_YEAR = 6;
/** Keeps the open era inside four-digit years. */
const LAST_GREGORIAN_YEAR = 9999;

export type EraDateProblem = 'unknownEra' | 'yearOutOfRange' | 'notADate' | 'beforeEraStart' | 'afterEraEnd';

export interface EraDateInput {
  /** An era id, its 元号 (明治…令和, also ㍾㍽㍼㍻㋿) or its letter (M/T/S/H/R). */
  era: string;
  /** 1…, '元' / '元年', full-width or half-width digits. */
  year: number | string;
  month: number | string;
  day: number | string;
}

export type EraDateResult = { ok: true; date: string } | { ok: false; problem: EraDateProblem };

export interface EraDate {
  era: EraId;
  year: number;
  month: number;
  day: number;
}

function gregorianYear(date: string): number {
  return Number(date.slice(0, 4));
}

/** The era with this id, 元号 or letter; null when none. */
export function findEra(value: string): Era | null {
  const text = value.normalize('NFKC').trim();
  return ERAS.find((e) => e.id === text.toLowerCase() || e.name === text || e.letter === text.toUpperCase()) ?? null;
}

/** The smallest and largest year of an era that this calendar converts. */
export function eraYearRange(era: EraId): { min: number; max: number } {
  const entry = ERAS.find((e) => e.id === era);
  if (!entry) throw new RangeError('unknown era');
  const first = gregorianYear(entry.start);
  const last = entry.end === null ? LAST_GREGORIAN_YEAR : gregorianYear(entry.end);
  return { min: era === 'meiji' ? FIRST_CONVERTIBLE_MEIJI_YEAR : 1, max: last - first + 1 };
}

/**
 * A year, month or day number as people write it: 31, '31', '３１', '31年', and for a year '元' or
 * '元年' (the first year of an era). Null when it is not a whole positive number.
 */
export function parseEraNumber(value: number | string): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
  const text = value.normalize('NFKC').trim().replace(/[年月日]$/, '').trim();
  if (text === '元') return 1;
  if (!/^\d{1,4}$/.test(text)) return null;
  const n = Number(text);
  return n > 0 ? n : null;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** D4: the Gregorian date an era date names, or why it names none. */
export function parseEraDate(input: EraDateInput): EraDateResult {
  const era = findEra(input.era);
  if (!era) return { ok: false, problem: 'unknownEra' };
  const year = parseEraNumber(input.year);
  const month = parseEraNumber(input.month);
  const day = parseEraNumber(input.day);
  if (year === null || month === null || day === null) return { ok: false, problem: 'notADate' };
  const range = eraYearRange(era.id);
  if (year < range.min || year > range.max) return { ok: false, problem: 'yearOutOfRange' };
  if (month > 12 || day > 31) return { ok: false, problem: 'notADate' };
  const date = `${pad(gregorianYear(era.start) + year - 1, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  if (!isJstDate(date)) return { ok: false, problem: 'notADate' };
  if (date < era.start) return { ok: false, problem: 'beforeEraStart' };
  if (era.end !== null && date > era.end) return { ok: false, problem: 'afterEraEnd' };
  return { ok: true, date };
}

/** The era date of a 'YYYY-MM-DD' day, in the era in force that day; null before 1873 or for a non-date. */
export function toEraDate(isoDate: string): EraDate | null {
  if (!isJstDate(isoDate) || isoDate < GREGORIAN_ADOPTED) return null;
  const era = [...ERAS].reverse().find((e) => isoDate >= e.start);
  if (!era) return null;
  return {
    era: era.id,
    year: gregorianYear(isoDate) - gregorianYear(era.start) + 1,
    month: Number(isoDate.slice(5, 7)),
    day: Number(isoDate.slice(8, 10)),
  };
}

/** 令和元年5月1日 style, from our own table. */
function renderEraDate(date: EraDate): string {
  const era = ERAS.find((e) => e.id === date.era);
  return `${era?.name ?? ''}${date.year === 1 ? '元' : String(date.year)}年${date.month}月${date.day}日`;
}

let japaneseFormat: Intl.DateTimeFormat | null | undefined;

function intlJapanese(): Intl.DateTimeFormat | null {
  if (japaneseFormat === undefined) {
    try {
      japaneseFormat = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
        era: 'long',
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        timeZone: 'UTC',
      });
    } catch {
      japaneseFormat = null;
    }
  }
  return japaneseFormat;
}

/**
 * 'YYYY-MM-DD' as 令和元年5月1日, through Intl's Japanese calendar. The first year is always 元年
 * (ICU prints 元年 or 1年 depending on its version). When the engine's era data disagrees with
 * the table above (a browser without 令和, or ICU's 明治 start) the table wins. Null when the
 * date cannot be written in an era (not a date, or before 1873).
 */
export function formatEraDate(isoDate: string): string | null {
  const expected = toEraDate(isoDate);
  if (!expected) return null;
  const ours = renderEraDate(expected);
  const format = intlJapanese();
  if (!format) return ours;
  const parts = format.formatToParts(new Date(`${isoDate}T00:00:00Z`));
  const eraPart = parts.find((p) => p.type === 'era')?.value;
  const yearPart = parts.find((p) => p.type === 'year')?.value;
  const eraName = ERAS.find((e) => e.id === expected.era)?.name;
  if (eraPart !== eraName || yearPart === undefined || parseEraNumber(yearPart) !== expected.year) return ours;
  return parts.map((p) => (p.type === 'year' && expected.year === 1 ? '元' : p.value)).join('');
}

/**
 * A day as Japanese screens, print and CSV show it: 和暦 with the Western year after it,
 * 「昭和61年6月14日（1986年）」 — the era form staff and patients read, the year to check ages
 * at a glance. A day before 1873 (no exact era conversion) is written 「1850年1月1日」; text
 * that is not a 'YYYY-MM-DD' day is returned as it is.
 */
export function formatDateJa(isoDate: string): string {
  if (!isJstDate(isoDate)) return isoDate;
  const year = Number(isoDate.slice(0, 4));
  const era = formatEraDate(isoDate);
  if (era === null) return `${year}年${Number(isoDate.slice(5, 7))}月${Number(isoDate.slice(8, 10))}日`;
  return `${era}（${year}年）`;
}
