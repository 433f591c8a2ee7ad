const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'] as const;

/**
 * An online consent's last day as the patient booked it (issue 16 §4): 「12月7日（月）」, not the
 * instant it ends (2026年12月8日 0:00), which reads as the next day. `date` is `YYYY-MM-DD`,
 * a calendar date in Japan; null when it is not one.
 */
export function consultationDay(date: string, lang: 'ja' | 'en'): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = new Date(Date.UTC(year, month - 1, day));
  if (utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) return null;
  if (lang === 'en') return new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(utc);
  return `${month}月${day}日（${WEEKDAYS_JA[utc.getUTCDay()]}）`;
}
