/**
 * Japan time without time-zone databases: Japan has had no daylight saving since 1951, so JST is
 * always UTC+9 and a plain offset is exact for every date this product handles.
 */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** A calendar date in Japan, `YYYY-MM-DD`. */
export type JstDate = string;

/** The Japan-time calendar date of an instant. */
export function jstDate(instant: Date): JstDate {
  return new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since midnight, Japan time, of an instant (0–1439). */
export function jstMinuteOfDay(instant: Date): number {
  const shifted = new Date(instant.getTime() + JST_OFFSET_MS);
  return shifted.getUTCHours() * 60 + shifted.getUTCMinutes();
}

/** The instant at which a Japan-time calendar date begins (00:00 JST). */
export function startOfJstDate(date: JstDate): Date {
  if (!isJstDate(date)) throw new RangeError('not a calendar date');
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - JST_OFFSET_MS);
}

/** The first instant after a Japan-time calendar date (00:00 JST of the next day). */
export function endOfJstDate(date: JstDate): Date {
  return new Date(startOfJstDate(date).getTime() + 24 * 60 * 60 * 1000);
}

/** True for a `YYYY-MM-DD` string naming a real Gregorian date. */
export function isJstDate(value: string): value is JstDate {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/**
 * P6: registering a card for health-insurance use is unavailable every day from 03:00 to 06:00
 * Japan time; screens say so instead of sending the patient into a failure.
 */
export function isCardRegistrationMaintenance(instant: Date): boolean {
  const minute = jstMinuteOfDay(instant);
  return minute >= 3 * 60 && minute < 6 * 60;
}
