import type { Lang } from '../i18n/i18n.tsx';

const JAPAN = 'Asia/Tokyo';

/** A calendar date `YYYY-MM-DD` as people read it (the date itself, not converted between zones). */
export function formatDate(date: string, lang: Lang): string {
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return date;
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** An instant in Japan time, with the zone named when it is not obvious. */
export function formatInstant(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: JAPAN,
  }).format(new Date(iso)) + (lang === 'ja' ? '' : ' JST');
}
