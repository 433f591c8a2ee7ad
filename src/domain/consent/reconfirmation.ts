import { CONSENT_SCOPES, type ConsentScope } from './consent.ts';
import { jstDate, type JstDate } from '../shared/jst.ts';

/**
 * V5: for a continuing home-visit consent, staff confirm verbally about once a month that viewing
 * continues, and record it. The product reminds when the confirmation is due.
 */

export const RECONFIRMATION_ANSWERS = ['continue', 'stopViewing', 'revoke'] as const;
export type ReconfirmationAnswer = (typeof RECONFIRMATION_ANSWERS)[number];

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The same day of the next month, clamped to that month's last day (01-31 → 02-28, or 02-29 in a
 * leap year; 03-31 → 04-30; 12-15 → next year's 01-15).
 */
export function sameDayNextMonth(date: JstDate): JstDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const year = m === 12 ? y + 1 : y;
  const month = m === 12 ? 1 : m + 1;
  const day = Math.min(d, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * V5: the Japan date from which the next verbal confirmation is due: one month after the last
 * confirmation, or after registration when there has been none.
 */
export function reconfirmationDueOn(consent: { registeredAt: string; lastConfirmedAt: string | null }): JstDate {
  return sameDayNextMonth(jstDate(new Date(consent.lastConfirmedAt ?? consent.registeredAt)));
}

/** V5: is the confirmation due at `now`? From 00:00 JST of the due date on. */
export function isReconfirmationDue(consent: { registeredAt: string; lastConfirmedAt: string | null }, now: Date): boolean {
  return jstDate(now) >= reconfirmationDueOn(consent);
}

/** S1/S3: 診療情報 and 処方・調剤情報 come with the 薬剤情報 choice and leave with it. */
const MEDICATION_BUNDLE: readonly ConsentScope[] = ['clinical', 'medication', 'dispensing'];

export type ReconfirmationOutcome =
  | { kind: 'continue'; scopes: ConsentScope[] }
  | { kind: 'narrow'; scopes: ConsentScope[] }
  | { kind: 'revoke' }
  | { kind: 'invalid'; reason: 'notASubset' | 'splitsBundle' | 'nothingStopped' };

/**
 * V5: what the patient's answer does to the consent's scopes. "Stop viewing" keeps the scopes the
 * patient still allows: it can only narrow (widening needs a card authentication, U1), it keeps or
 * drops the 薬剤情報 bundle as a whole, and when nothing is left the consent is revoked.
 */
export function applyReconfirmation(
  current: readonly ConsentScope[],
  answer: ReconfirmationAnswer,
  remaining: readonly ConsentScope[] = [],
): ReconfirmationOutcome {
  if (answer === 'continue') return { kind: 'continue', scopes: [...current] };
  if (answer === 'revoke') return { kind: 'revoke' };
  const keep = new Set(remaining);
  if ([...keep].some((s) => !current.includes(s))) return { kind: 'invalid', reason: 'notASubset' };
  const bundleHeld = MEDICATION_BUNDLE.filter((s) => current.includes(s));
  const bundleKept = bundleHeld.filter((s) => keep.has(s));
  if (bundleKept.length > 0 && bundleKept.length < bundleHeld.length) return { kind: 'invalid', reason: 'splitsBundle' };
  const scopes = CONSENT_SCOPES.filter((s) => keep.has(s));
  if (scopes.length === 0) return { kind: 'revoke' };
  if (scopes.length === current.length) return { kind: 'invalid', reason: 'nothingStopped' };
  return { kind: 'narrow', scopes };
}
