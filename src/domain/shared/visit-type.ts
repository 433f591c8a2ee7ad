/** The visit types a consent can be registered for (DOMAIN §1). */
export const VISIT_TYPES = ['homeVisit', 'houseCall', 'online'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

export function isVisitType(value: unknown): value is VisitType {
  return typeof value === 'string' && (VISIT_TYPES as readonly string[]).includes(value);
}

/**
 * What each visit type means for the rules: app, server and domain ask the functions below, never
 * compare visit-type ids themselves. A new visit type is a row here, its viewing period in
 * consent/validity.ts (an exhaustive switch) and its catalogue strings (visit.<type>,
 * visit.<type>.hint, confirm.<type>Note); the typecheck points at each of them.
 */
interface VisitTypeRules {
  /** Q1, V5, X4: continuing care — re-queried, reconfirmed about monthly, revocation stops re-query. */
  continuing: boolean;
  /** R3, V3: the consent is for one consultation date (today or later, Japan time). */
  consultationDate: boolean;
  /**
   * R1, R7: a remote consultation — the only kind a telemedicine app may start; at the end the
   * eligibility record is not shown, and the patient ends the procedure (back to the app).
   */
  remote: boolean;
  /**
   * U1, U3: the patient may query and update the consent (同意照会・更新, 002 l.3385–3387: 訪問診療等
   * and オンライン診療等 only). A house call's consent can only be revoked.
   */
  updatable: boolean;
}

const VISIT_TYPE_RULES: Record<VisitType, VisitTypeRules> = {
  homeVisit: { continuing: true, consultationDate: false, remote: false, updatable: true },
  houseCall: { continuing: false, consultationDate: false, remote: false, updatable: false },
  online: { continuing: false, consultationDate: true, remote: true, updatable: true },
};

/** Q1, V5, X4: is this continuing care (訪問診療等)? */
export function isContinuingCare(visitType: VisitType): boolean {
  return VISIT_TYPE_RULES[visitType].continuing;
}

/** The visit types of continuing care, for queries that select consents by type. */
export const CONTINUING_VISIT_TYPES: readonly VisitType[] = VISIT_TYPES.filter(isContinuingCare);

/** R3, V3: is a consultation date asked for (and the consent valid through that day)? */
export function asksConsultationDate(visitType: VisitType): boolean {
  return VISIT_TYPE_RULES[visitType].consultationDate;
}

/** R1, R7: a remote consultation (started from an app or a link, no eligibility shown at the end)? */
export function isRemoteConsultation(visitType: VisitType): boolean {
  return VISIT_TYPE_RULES[visitType].remote;
}

/** U3: may a consent of this visit type be changed by the patient (同意照会・更新)? Revocation is always possible. */
export function canBeUpdated(visitType: VisitType): boolean {
  return VISIT_TYPE_RULES[visitType].updatable;
}

/** R1: what a telemedicine app arriving with a return address starts, whatever else it says. */
export const VISIT_TYPE_FROM_APP: VisitType = 'online';
