import type { EligibilityRecord, EligibilityStatus, NextStep } from '../registration/eligibility.ts';
import type { ClinicPersonRecord, IdentityCheckResult } from '../registration/identity-check.ts';
import type { CopayCheck, QualificationChoice } from '../registration/insurance-checks.ts';
import { jstDate, startOfJstDate } from '../shared/jst.ts';
import { normaliseKana } from '../shared/kana.ts';
import { sameDayNextMonth } from './reconfirmation.ts';
import type { ConsentSummaryDto, RequeryHistoryResponse } from './staff-lifecycle-api.ts';
import { consentState, type ConsentForViewing } from './validity.ts';
import { VISIT_TYPES, type VisitType } from '../shared/visit-type.ts';

/**
 * The staff consent dashboard (issue 6 §3) and the person page: consent status as the dashboard
 * shows and filters it, the search keys (R9 reference number, insurer number, name kana), and the
 * JSON shapes of `/api/staff/persons`. Status only: never medical content (P3).
 */

const HOUR_MS = 60 * 60 * 1000;
/** A consent whose window ends within this time is "expiring" (V2, V3: revoke or retrieve now). */
export const EXPIRING_WITHIN_MS = 24 * HOUR_MS;

export const DASHBOARD_STATUSES = ['active', 'expiring', 'expired', 'revoked'] as const;
export type DashboardStatus = (typeof DASHBOARD_STATUSES)[number];

/** The dashboard's status: validity rules V1–V4 (validity.ts), with "expiring" split off "active". */
export function dashboardStatus(consent: Pick<ConsentForViewing, 'status' | 'validUntil'>, now: Date): DashboardStatus {
  const state = consentState(consent, now);
  if (state !== 'active') return state;
  if (consent.validUntil !== null && Date.parse(consent.validUntil) - now.getTime() <= EXPIRING_WITHIN_MS) return 'expiring';
  return 'active';
}

/**
 * V5 as one instant, so that a database can filter with an index: a home-visit consent is due
 * exactly when its last confirmation (or its registration) happened before this instant. The due
 * date is monotonic in the last date, so the due dates form a prefix; find its last day.
 */
export function reconfirmationDueBefore(now: Date): Date {
  const today = jstDate(now);
  // Start a little over a month back and walk forward while the next day is still due.
  let last = jstDate(new Date(startOfJstDate(today).getTime() - 33 * 24 * HOUR_MS));
  for (;;) {
    const next = jstDate(new Date(startOfJstDate(last).getTime() + 36 * HOUR_MS));
    if (sameDayNextMonth(next) > today) break;
    last = next;
  }
  return new Date(startOfJstDate(last).getTime() + 24 * HOUR_MS);
}

export const SEARCH_FIELDS = ['kana', 'insurerNumber', 'referenceNumber'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** R9 reference numbers (照会番号): the clinic's own chart number; letters, digits and - only. */
export const REFERENCE_NUMBER = /^[0-9A-Za-z-]{1,20}$/;

/** The search key of a field's text, or null when the text cannot match anything. */
export function searchKey(field: SearchField, text: string): string | null {
  const value = text.normalize('NFKC').trim();
  if (value === '') return null;
  switch (field) {
    case 'kana': {
      const key = normaliseKana(value);
      return key === '' ? null : key;
    }
    case 'insurerNumber':
      return /^\d{6}$|^\d{8}$/.test(value) ? value : null;
    case 'referenceNumber':
      return REFERENCE_NUMBER.test(value) ? value : null;
  }
}

export const DASHBOARD_PAGE_SIZE = 50;

export interface DashboardQuery {
  visitType: VisitType | null;
  status: DashboardStatus | null;
  reconfirmationDue: boolean;
  searchBy: SearchField;
  q: string;
  page: number;
}

/** Reads the dashboard's query string; unknown values fall back to "no filter" rather than failing. */
export function parseDashboardQuery(params: Record<string, string | undefined>): DashboardQuery {
  const visitType = (VISIT_TYPES as readonly string[]).includes(params.visitType ?? '') ? (params.visitType as VisitType) : null;
  const status = (DASHBOARD_STATUSES as readonly string[]).includes(params.status ?? '') ? (params.status as DashboardStatus) : null;
  const searchBy = (SEARCH_FIELDS as readonly string[]).includes(params.searchBy ?? '') ? (params.searchBy as SearchField) : 'kana';
  const page = Number.parseInt(params.page ?? '1', 10);
  return {
    visitType,
    status,
    reconfirmationDue: params.due === '1',
    searchBy,
    q: (params.q ?? '').slice(0, 100),
    page: Number.isFinite(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

export interface DashboardPersonDto {
  personRef: string;
  name: string;
  nameKana: string;
  dateOfBirth: string | null;
  insurerNumber: string;
  referenceNumber: string | null;
}

export interface DashboardRowDto {
  consent: ConsentSummaryDto;
  status: DashboardStatus;
  person: DashboardPersonDto;
}

export interface ConsentDashboardResponse {
  rows: DashboardRowDto[];
  page: number;
  pageSize: number;
  hasMore: boolean;
  /** The search text could not be a value of the chosen field (nothing searched). */
  invalidSearch: boolean;
}

/** E5 on the person page: available only when the eligibility source can list the candidates. */
export type QualificationChoiceDto = QualificationChoice;

export interface PersonPageResponse {
  person: DashboardPersonDto;
  /** The latest eligibility known here (registration or re-query), without medical content. */
  eligibility: {
    checkedAt: string;
    source: 'registration' | 'requery';
    status: EligibilityStatus;
    record: EligibilityRecord;
    /** E2. */
    nextSteps: NextStep[];
  } | null;
  requery: Pick<RequeryHistoryResponse, 'gate' | 'results'>;
  consents: Array<{ consent: ConsentSummaryDto; status: DashboardStatus; audit: PersonAuditEntryDto[] }>;
  /** Audit entries about the person not tied to one consent (reference number, identity checks). */
  personAudit: PersonAuditEntryDto[];
  clinicRecord: ClinicPersonRecord;
  /** E3: null until there is a displayed record to compare with. */
  identity: IdentityCheckResult | null;
  /** E3: 'otherPerson' once staff reported that the record shows someone else. */
  identityStatus: 'otherPerson' | 'informationDeleted' | null;
  /** E4. */
  copay: CopayCheck | null;
  /** E5. */
  qualificationChoice: QualificationChoiceDto | null;
  /** E6. */
  medicalAid: 'contactWelfareOffice' | null;
}

export interface PersonAuditEntryDto {
  at: string;
  action: string;
  actorType: string;
  outcome: string;
  detail: string | null;
}
