import { z } from './zod.ts';
import { HANDOFF_REJECTIONS } from '../registration/handoff.ts';
import type { Permission, StaffRole } from '../staff/roles.ts';

/**
 * The JSON contract between the app and the server: request schemas (validated on both sides)
 * and response shapes. Every error response is `{ error: { code, message, fields? } }`.
 */

export const ERROR_CODES = [
  'validation_failed',
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'unauthenticated',
  'forbidden',
  'login_failed',
  'internal',
  // The embedded card-app simulator (R2, F7).
  'card_unknown',
  'face_auth_only',
  'card_locked',
  'pin_incorrect',
  // The reception cannot reach the card-app simulator's process (issue 12 #3).
  'card_simulator_unavailable',
  // The patient reception (R1, R6).
  'link_invalid',
  'return_url_not_allowed',
  'registration_not_found',
  'registration_closed',
  'consultation_date_locked',
  // U3: a house call's consent can be revoked, not updated.
  'consent_not_updatable',
  // Staff lifecycle: revocation, expiry, reconfirmation, re-query and batch query (X1–X4, V2–V5, Q1–Q6).
  'consent_not_found',
  'consent_already_revoked',
  'consent_revoked',
  'consent_expired',
  'consent_not_home_visit',
  // X2: a staff revocation reason that does not fit the consent's visit type.
  'revoke_reason_not_for_visit_type',
  'rows_out_of_range',
  'batch_query_already_run',
  'csv_not_utf8',
  'csv_columns_invalid',
  'csv_malformed',
  // Outage declarations: the outbox's idempotent submission (P4) and the staff inbox (F6, D5).
  'declaration_conflict',
  'declaration_not_found',
  'declaration_not_verifiable',
  'declaration_not_claimable',
  'declaration_claim_method_not_allowed',
  'declaration_unknown_claim_not_asked',
  'declaration_not_completable',
  // A sealed outbox submission that does not open with the institution's key (issue 12 #7).
  'sealed_submission_unreadable',
  // Staff accounts and second factors (P3).
  'second_factor_required',
  'second_factor_failed',
  'enrolment_not_allowed',
  'last_admin',
  'login_id_taken',
  // Institution set-up (issue 6 §1) and devices (P4).
  'institution_code_taken',
  // Institution onboarding with proof (issue 12 #9): the operator's one-time activation code.
  'activation_code_invalid',
  'activation_code_expired',
  'activation_code_used',
  'institution_inactive',
  'device_not_found',
  'device_revoked',
  // Devices the clinic trusts (issue 12 #15).
  'enrolment_code_invalid',
  'device_signature_invalid',
  // Person page: a reference number (R9) names one person per institution.
  'reference_number_taken',
  // Decision-guide outcomes without a form (issue 5 §2): the outbox's idempotent submission.
  'guide_record_conflict',
  // Rate limits on login, the staff sign-in steps and the patient handoff (issue 7 §4).
  'rate_limited',
  // Issue 12 #2: an account locked after repeated second-factor failures.
  'account_locked',
  // A cookie-authenticated change sent from another site's page (issue 12 #11).
  'cross_site_refused',
  // The staff session is locked after idle minutes: only unlock and logout answer (issue 12 #10).
  'session_locked',
  // Issue 19 #4: a receipt id unknown at this institution.
  'consent_receipt_not_found',
  // API clients of the clinic's systems (issue 19 #2): one refusal for any unusable credential.
  'api_client_unauthenticated',
  'api_client_scope_missing',
  'api_client_not_found',
  // The change feed and its webhooks (issue 19 #3).
  'feed_cursor_invalid',
  'webhook_url_not_allowed',
  'webhook_not_configured',
  'webhook_delivery_not_found',
  ...HANDOFF_REJECTIONS,
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** Per-field messages for validation failures; they describe the rule, never the value. */
    fields?: Record<string, string>;
    /** pin_incorrect: wrong PINs left before the card locks. */
    attemptsRemaining?: number;
  };
}

export interface HealthResponse {
  status: 'ok';
  schemaVersion: string;
  database: 'sqlite' | 'postgres';
  time: string;
  /** Issue 12 §3: the card revocation lists — issuer, dates, age and freshness, nothing secret. */
  cardRevocation: CardRevocationStatus;
}

/** `GET /api/health/live` (issue 20 #4): the process answers. */
export interface LivenessResponse {
  status: 'ok';
}

/** `GET /api/health/ready` (issue 20 #4): 200 with `ready`, else 503 with why not. */
export interface ReadinessResponse {
  status: 'ready' | 'starting' | 'draining' | 'database_unreachable';
}

export interface RevocationListStatus {
  issuer: string;
  thisUpdate: string;
  nextUpdate: string;
  ageSeconds: number;
  /** Within nextUpdate plus the configured grace: the issuer's cards are accepted. */
  fresh: boolean;
  revokedCount: number;
}

export interface CardRevocationStatus {
  sources: number;
  /** Sources whose last fetch failed or held no usable list (their issuers keep the last good one). */
  failingSources: number;
  lastRefreshAt: string | null;
  lists: RevocationListStatus[];
}

export const loginRequestSchema = z.object({
  loginId: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

// Defined with the roles (roles.ts imported nothing back, so no circle); kept here for its importers.
export type { StaffRole };

export interface InstitutionDto {
  id: string;
  code: string;
  name: string;
  link: string;
  linkIssuedAt: string;
  settings: {
    usesClinicalInfo: boolean;
    usesElectronicPrescription: boolean;
    showsPrescriptionForm: boolean;
  };
}

export interface StaffMeResponse {
  staff: { id: string; loginId: string; displayName: string; role: StaffRole };
  /** What this role may do (domain/roles.ts); the console shows only these sections. */
  permissions: Permission[];
  institution: InstitutionDto;
  /** The server's APP_MODE: the console shows a 「デモ環境」 badge in demo mode (issue 12 §1). */
  appMode: 'demo' | 'production';
}
