import { formatDateJa } from '../../domain/shared/era.ts';
import { jstDate } from '../../domain/shared/jst.ts';
import type { Lang, Translate } from '../i18n/i18n.tsx';

/*
 * How every screen, print sheet and CSV export writes dates, kana, card numbers and blanks
 * (issue 16 #1, #3): one place, so the tablet, the phone and the staff console read alike.
 */

/** A value the record or the clinic does not have is 「（未登録）」, never an empty cell or stray punctuation. */
export function orNotRegistered(t: Translate, value: string | null | undefined): string {
  return value === null || value === undefined || value.trim() === '' ? t('field.notRegistered') : value;
}

/**
 * A calendar date `YYYY-MM-DD` as people read it (the date itself, not converted between zones):
 * 「昭和61年6月14日（1986年）」 in Japanese (D4, `formatDateJa`), "14 June 1986" in English.
 */
export function formatDate(date: string, lang: Lang): string {
  if (lang === 'ja') return formatDateJa(date);
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return date;
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** An instant in Japan time, with its time kept: 「令和8年12月6日（2026年） 19:20」, "6 December 2026 at 19:20 JST". */
export function formatInstant(iso: string, lang: Lang): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  const time = new Intl.DateTimeFormat('ja-JP', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Tokyo' }).format(instant);
  if (lang === 'ja') return `${formatDateJa(jstDate(instant))} ${time}`;
  return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(instant)} JST`;
}

/** A date of birth: 医療扶助's 1900-01-01 is "unknown" (DOMAIN §6), a missing one 「（未登録）」. */
export function formatDateOfBirth(t: Translate, lang: Lang, dateOfBirth: string | null | undefined): string {
  if (dateOfBirth === '1900-01-01') return t('field.unknownDob');
  return dateOfBirth ? formatDate(dateOfBirth, lang) : t('field.notRegistered');
}

/** A date that may be missing. */
export function formatOptionalDate(t: Translate, lang: Lang, date: string | null | undefined): string {
  return date ? formatDate(date, lang) : t('field.notRegistered');
}

/** A validity period with one or both ends: 「令和8年4月1日（2026年） から」, never 「… – 」. */
export function formatPeriod(t: Translate, lang: Lang, from: string | null | undefined, to: string | null | undefined): string {
  if (from && to) return t('format.period', { from: formatDate(from, lang), to: formatDate(to, lang) });
  if (from) return t('format.periodFrom', { from: formatDate(from, lang) });
  if (to) return t('format.periodTo', { to: formatDate(to, lang) });
  return t('field.notRegistered');
}

/**
 * Kana as the national service sends it is half-width (ﾔﾏﾀﾞ ﾊﾅｺ); it is shown full-width
 * (ヤマダ ハナコ) by NFKC, which also folds full-width spaces. Only for showing: stored and
 * compared text is left as it came (E3 compares with `normaliseKana`).
 */
export function displayKana(t: Translate, kana: string | null | undefined): string {
  const shown = (kana ?? '').normalize('NFKC').trim();
  return shown === '' ? t('field.notRegistered') : shown;
}

/** 記号・番号・枝番 with their labels, 「記号 31150617　番号 1042　枝番 00」; a missing one is 「（未登録）」. */
export function formatInsuranceNumbers(
  t: Translate,
  card: { symbol: string | null | undefined; number: string | null | undefined; branch: string | null | undefined },
): string {
  return t('format.insuranceNumbers', {
    symbol: orNotRegistered(t, card.symbol),
    number: orNotRegistered(t, card.number),
    branch: orNotRegistered(t, card.branch),
  });
}
