import type { ConsentScope } from './consent.ts';
import type { EligibilityRecord, EligibilityStatus, NextStep } from '../registration/eligibility.ts';
import type { JstDate } from '../shared/jst.ts';
import type { ReconfirmationAnswer } from './reconfirmation.ts';
import type { CostLimitFlags, RequeryClient } from '../requery/requery.ts';
import type { ConsentState, RevokeReason } from './validity.ts';
import type { VisitType } from '../shared/visit-type.ts';

/**
 * JSON shapes of the staff lifecycle API (`/api/staff/consents`, `/api/staff/requery`,
 * `/api/staff/reconfirmations`): revocation at the clinic (X1, X2), expiry lists (V2–V4), monthly
 * reconfirmation (V5), re-query (Q1–Q5) and the batch query (Q6). Types only: no zod here.
 */

/** X2: why staff revoke at the clinic. */
export const STAFF_REVOKE_REASONS = ['careEnded', 'patientAsked', 'houseCallCompleted'] as const satisfies readonly RevokeReason[];
export type StaffRevokeReason = (typeof STAFF_REVOKE_REASONS)[number];

/**
 * X2: the reasons that fit each visit type. The end of continuing visits is a 訪問診療等 reason,
 * the retrieval after a house call an 往診 one; the patient's request fits every type. The
 * screen offers only these and the server refuses any other (`revoke_reason_not_for_visit_type`).
 */
const STAFF_REVOKE_REASONS_BY_VISIT_TYPE: Record<VisitType, readonly StaffRevokeReason[]> = {
  homeVisit: ['careEnded', 'patientAsked'],
  houseCall: ['houseCallCompleted', 'patientAsked'],
  online: ['patientAsked'],
};

export function staffRevokeReasonsFor(visitType: VisitType): readonly StaffRevokeReason[] {
  return STAFF_REVOKE_REASONS_BY_VISIT_TYPE[visitType];
}

/** A consent as staff see it: its state now, never the eligibility record. */
export interface ConsentSummaryDto {
  id: string;
  visitType: VisitType;
  state: ConsentState;
  scopes: ConsentScope[];
  registeredAt: string;
  /** V2/V3: the end of the viewing window; null for home visits (V1). */
  validUntil: string | null;
  consultationDate: string | null;
  revokedAt: string | null;
  revokeReason: RevokeReason | null;
  /** V5: the last verbal confirmation (null: none since registration). */
  lastConfirmedAt: string | null;
  /** V5: for an active home-visit consent, the Japan date from which confirmation is due. */
  reconfirmationDueOn: JstDate | null;
  reconfirmationDue: boolean;
}

/** Who a consent belongs to, as recorded at registration: enough to recognise the patient. */
export interface PersonLabelDto {
  personRef: string;
  name: string;
  nameKana: string;
  dateOfBirth: string | null;
}

/** X1: one person matching the search, with the latest eligibility and every consent here. */
export interface PersonMatchDto {
  personRef: string;
  /** Latest eligibility, without cost-limit or specific-disease data (S4: never from a staff search). */
  eligibility: { record: EligibilityRecord; nextSteps: NextStep[] };
  /** Newest first. */
  consents: ConsentSummaryDto[];
}

/** X1: only persons who have (or had) a consent at this institution; twins may give several (Q5). */
export interface PersonSearchResponse {
  matches: PersonMatchDto[];
}

export interface ConsentResponse {
  consent: ConsentSummaryDto;
}

/** R8: the eligibility record a consent allows staff to retrieve, within its window. */
export interface ConsentEligibilityResponse {
  consent: ConsentSummaryDto;
  person: PersonLabelDto;
  record: EligibilityRecord;
  nextSteps: NextStep[];
  checkedAt: string;
}

export interface ConsentListItemDto {
  consent: ConsentSummaryDto;
  person: PersonLabelDto;
}

export interface ConsentListsResponse {
  /** V2/X2: house-call consents still allowing viewing: revoke once retrieved. */
  houseCallActive: ConsentListItemDto[];
  /** Active consents whose window ends within 24 hours. */
  expiringSoon: ConsentListItemDto[];
  /** V5: active home-visit consents whose verbal confirmation is due. */
  reconfirmationDue: ConsentListItemDto[];
}

// Re-query (Q1–Q5)

export type RequeryMatchDto =
  | { personRef: string; name: string; outcome: 'ok'; queriedAt: string; record: EligibilityRecord; nextSteps: NextStep[] }
  /** Q2: already queried this Japan day; the earlier result is in the person's list (Q4). */
  | { personRef: string; name: string; outcome: 'alreadyQueriedToday'; queriedAt: string }
  /** X4: the home-visit consent was revoked; a new card authentication at a visit is needed. */
  | { personRef: string; name: string; outcome: 'revoked'; revokedAt: string | null; revokeReason: RevokeReason | null }
  /** Q1: known here through house-call or online consents only. */
  | { personRef: string; name: string; outcome: 'noActiveConsent' };

export type RequeryMatchOutcome = RequeryMatchDto['outcome'];

export interface QueryRowDto<M> {
  /** 1-based position among the submitted persons. */
  row: number;
  /** CSV uploads: the file line the row is on (1 = the header). */
  line?: number;
  /**
   * matched: see `matches` (several for twins, Q5); notFound: nobody known here; invalid: see
   * `invalidFields`; notConfirmable (batch only, Q9): a row without a branch number matched several
   * persons (twins), so nobody is answered.
   */
  outcome: 'matched' | 'notFound' | 'invalid' | 'notConfirmable';
  /** Names of the fields that are wrong, never their values. */
  invalidFields?: string[];
  matches: M[];
}

export type RequeryRowDto = QueryRowDto<RequeryMatchDto>;

export interface RequeryResponse {
  client: RequeryClient;
  queriedAt: string;
  rows: RequeryRowDto[];
}

/** Q4: the results the screen may show for a person: the last 3, none 14 days old or older. */
export interface RequeryHistoryResponse {
  personRef: string;
  /** X4: results are shown only while re-query is allowed. */
  gate: 'allowed' | 'revoked' | 'noActiveConsent';
  results: Array<{ queriedAt: string; client: RequeryClient; status: EligibilityStatus; record: EligibilityRecord; nextSteps: NextStep[] }>;
}

// Batch query before visits (Q6–Q9)

/**
 * Q7: anyone the registry finds by the numbers the clinic holds, consent or not. Q8: `costLimit`
 * is null when the row carried no 区分/適用区分, so no change flag can be computed.
 */
export type BatchMatchDto = { personRef: string; name: string; outcome: 'ok'; status: EligibilityStatus; costLimit: CostLimitFlags | null };

export type BatchRowDto = QueryRowDto<BatchMatchDto>;

export interface BatchQueryResponse {
  ranAt: string;
  rows: BatchRowDto[];
}

/** Q9: the institution's batch results the screen may show: the last 3 runs, none 14 days old or older, newest first. */
export interface BatchResultsResponse {
  results: BatchQueryResponse[];
}

// Reconfirmation (V5)

export interface ReconfirmationResponse {
  consent: ConsentSummaryDto;
  reconfirmation: { id: string; confirmedAt: string; answer: ReconfirmationAnswer; scopesAfter: ConsentScope[] };
}
