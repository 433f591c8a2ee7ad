import type { ConsentScope } from '../consent/consent.ts';
import type { CostLimitCertificate } from '../registration/eligibility.ts';
import { jstDate, startOfJstDate } from '../shared/jst.ts';
import { consentState } from '../consent/validity.ts';
import { isContinuingCare, type VisitType } from '../shared/visit-type.ts';

/**
 * Re-query (再照会, Q1–Q5) and the batch query before visits (一括照会, Q6): limits per request and per day,
 * what the screen shows, who may be re-queried (X4) and the cost-limit flags of the batch query.
 * Every day boundary is Japan time.
 */

/** Who asks: the staff screen, an API client, or a receipt computer (レセコン). */
export const REQUERY_CLIENTS = ['screen', 'api', 'receiptComputer'] as const;
export type RequeryClient = (typeof REQUERY_CLIENTS)[number];

/** Q3: 1–1000 persons per request; 1–500 when a receipt computer sends a home-visit re-query. */
export const REQUERY_LIMITS: Record<RequeryClient, number> = { screen: 1000, api: 1000, receiptComputer: 500 };
/** Q6: 1–5000 persons per batch query. */
export const BATCH_QUERY_LIMIT = 5000;

export type RowCountProblem = 'empty' | 'tooMany';

/** Q3/Q6: null when `count` persons may be sent at once, else why not. */
export function checkRowCount(count: number, limit: number): RowCountProblem | null {
  if (count < 1) return 'empty';
  if (count > limit) return 'tooMany';
  return null;
}

export function requeryLimit(client: RequeryClient): number {
  return REQUERY_LIMITS[client];
}

/**
 * Q2: how many re-queries a person may have per Japan day ("at most once a day, in principle").
 * The one place this limit lives: the server stores each result in one of the day's slots
 * 0 … REQUERY_DAILY_LIMIT − 1 (a unique index), so changing it here changes what the server allows.
 */
export const REQUERY_DAILY_LIMIT = 1;

/**
 * Q2: may a person queried at the times `earlier` be queried again at `now`? Only the queries of
 * now's Japan calendar date count (00:00 JST starts a new day, whatever the hour).
 */
export function mayRequeryAgain(earlier: readonly Date[], now: Date): boolean {
  const today = jstDate(now);
  return earlier.filter((at) => jstDate(at) === today).length < REQUERY_DAILY_LIMIT;
}

/** Q4: the screen shows at most this many results per person… */
export const REQUERY_DISPLAY_COUNT = 3;
/** …and none 14 days old or older. */
export const REQUERY_DISPLAY_MAX_AGE_DAYS = 14;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Q4: how old a result is in Japan calendar days: 0 on the day it was queried, 1 the next day.
 * A result is "14 days old" from 00:00 JST of the 14th calendar day after its query date, so
 * one queried any time on 11-01 is shown through 11-14 and hidden from 11-15 00:00 JST.
 */
export function resultAgeInDays(queriedAt: Date, now: Date): number {
  return Math.round((startOfJstDate(jstDate(now)).getTime() - startOfJstDate(jstDate(queriedAt)).getTime()) / DAY_MS);
}

/** Q4: the results the screen may show, newest first: the last 3, none 14 days old or older. */
export function visibleRequeryResults<T extends { queriedAt: string }>(results: readonly T[], now: Date): T[] {
  return [...results]
    .filter((r) => resultAgeInDays(new Date(r.queriedAt), now) < REQUERY_DISPLAY_MAX_AGE_DAYS)
    .sort((a, b) => Date.parse(b.queriedAt) - Date.parse(a.queriedAt))
    .slice(0, REQUERY_DISPLAY_COUNT);
}

/** What re-query needs to know of each consent the person has (or had) at the institution. */
export interface ConsentForRequery {
  visitType: VisitType;
  status: 'active' | 'revoked';
  validUntil: string | null;
  registeredAt: string;
  scopes: readonly ConsentScope[];
}

/**
 * Q1/X4: may this person be re-queried?
 * - allowed: an active home-visit consent (its scopes decide what the answer carries);
 * - revoked: the home-visit consent was revoked, and only a new card authentication at a visit
 *   (a new registration) makes re-query possible again (X4);
 * - noActiveConsent: known to the institution through other consents only (house call, online):
 *   re-query belongs to continuing home visits (Q1);
 * - unknown: never consented here — reported as "not found", so that no clinic can look up
 *   strangers by their insurance numbers.
 */
export type RequeryGate<C> =
  | { kind: 'allowed'; consent: C }
  | { kind: 'revoked'; consent: C }
  | { kind: 'noActiveConsent' }
  | { kind: 'unknown' };

export function requeryGate<C extends ConsentForRequery>(consents: readonly C[], now: Date): RequeryGate<C> {
  if (consents.length === 0) return { kind: 'unknown' };
  const homeVisits = consents
    .filter((c) => isContinuingCare(c.visitType))
    .sort((a, b) => Date.parse(b.registeredAt) - Date.parse(a.registeredAt));
  const active = homeVisits.find((c) => consentState(c, now) === 'active');
  if (active) return { kind: 'allowed', consent: active };
  const latest = homeVisits[0];
  if (latest) return { kind: 'revoked', consent: latest };
  return { kind: 'noActiveConsent' };
}

/** Q6: what the clinic holds of a cost-limit certificate (限度額適用認定証), sent with the batch. */
export interface CostLimitHeld {
  /** 限度額適用認定証区分. */
  category: string;
  /** 適用区分 (ア–オ, 現役並みⅠ…). */
  applicationCategory: string;
}

/** Q6: changed/unchanged flags only; never the values themselves. */
export interface CostLimitFlags {
  /** Anything differs: a certificate appeared, ended, or one of its two values changed. */
  changed: boolean;
  categoryChanged: boolean;
  applicationCategoryChanged: boolean;
}

/** Compared after NFKC and trimming, so that full-width and half-width forms count as the same. */
function same(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').normalize('NFKC').trim() === (b ?? '').normalize('NFKC').trim();
}

/**
 * Q6: the cost-limit information of a batch query, only as flags against what the clinic sent.
 * `held` null means the clinic holds no certificate; `current` null means none is registered.
 */
export function costLimitFlags(held: CostLimitHeld | null, current: Pick<CostLimitCertificate, 'category' | 'applicationCategory'> | null): CostLimitFlags {
  const categoryChanged = !same(held?.category, current?.category);
  const applicationCategoryChanged = !same(held?.applicationCategory, current?.applicationCategory);
  return { changed: categoryChanged || applicationCategoryChanged, categoryChanged, applicationCategoryChanged };
}
