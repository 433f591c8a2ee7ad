import { endOfJstDate, type JstDate } from '../shared/jst.ts';
import type { ConsentScope } from './consent.ts';
import type { VisitType } from '../shared/visit-type.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When a consent stops allowing viewing (002 照会可能期間):
 * V1 homeVisit — no end while the continuing relationship lasts (until revoked): null;
 * V2 houseCall — 24 hours after registration;
 * V3 online — through the end of the consultation date, Japan time.
 */
export function consentValidUntil(visitType: VisitType, registeredAt: Date, consultationDate: JstDate | null): Date | null {
  switch (visitType) {
    case 'homeVisit':
      return null;
    case 'houseCall':
      return new Date(registeredAt.getTime() + DAY_MS);
    case 'online':
      if (!consultationDate) throw new RangeError('an online consent needs its consultation date');
      return endOfJstDate(consultationDate);
  }
}

/** V4: an outpatient (外来) consent lasts 24 hours; kept for reference, not registered here. */
export function outpatientValidUntil(registeredAt: Date): Date {
  return new Date(registeredAt.getTime() + DAY_MS);
}

export interface ConsentForViewing {
  status: 'active' | 'revoked';
  scopes: readonly ConsentScope[];
  /** ISO instant, or null for no end (home visits). */
  validUntil: string | null;
}

export type ViewDecision = { allowed: true } | { allowed: false; reason: 'revoked' | 'expired' | 'notConsented' };

/** May scope X of this consent be viewed at `now`? The end instant itself is already outside. */
export function mayViewScope(consent: ConsentForViewing, scope: ConsentScope, now: Date): ViewDecision {
  if (consent.status === 'revoked') return { allowed: false, reason: 'revoked' };
  if (consent.validUntil !== null && now.getTime() >= Date.parse(consent.validUntil)) {
    return { allowed: false, reason: 'expired' };
  }
  if (!consent.scopes.includes(scope)) return { allowed: false, reason: 'notConsented' };
  return { allowed: true };
}

export type ConsentState = 'active' | 'expired' | 'revoked';

/** The state a consent is in at `now`: revoked, past its window (V2–V4), or active. */
export function consentState(consent: Pick<ConsentForViewing, 'status' | 'validUntil'>, now: Date): ConsentState {
  if (consent.status === 'revoked') return 'revoked';
  if (consent.validUntil !== null && now.getTime() >= Date.parse(consent.validUntil)) return 'expired';
  return 'active';
}

/**
 * Why consents end (X2, X3, V5), recorded with the revocation: staff at the clinic (care ended,
 * the patient asked, a house call's data was retrieved), the patient by card, a verbal answer at
 * a reconfirmation, or a new card authentication replacing an older consent.
 */
export const REVOKE_REASONS = ['careEnded', 'patientAsked', 'houseCallCompleted', 'patientByCard', 'reconfirmation', 'superseded'] as const;
export type RevokeReason = (typeof REVOKE_REASONS)[number];
