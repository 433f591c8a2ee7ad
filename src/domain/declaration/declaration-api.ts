import type { Declaration } from './declaration.ts';
import type { SenderTrust } from '../staff/device-signature.ts';
import type { ClaimMethod, GuideOutcome } from '../fallback/fallback-guide.ts';

/**
 * JSON shapes of the declaration API: the outbox's submission (`POST /api/public/declarations`,
 * P4) and the staff inbox (`/api/staff/declarations`, F6, D5). Types only: the zod schemas are in
 * declaration-api-schema.ts.
 */

/** What the clinic has done with a declaration; it is purged some days after `completed` (D5). */
export const DECLARATION_STATUSES = ['received', 'verified', 'claimed', 'completed'] as const;
export type DeclarationStatus = (typeof DECLARATION_STATUSES)[number];

/** The kind of qualification the clinic confirmed later (F6: current, else a past one). */
export const QUALIFICATIONS_FOUND = ['current', 'past'] as const;
export type QualificationFound = (typeof QUALIFICATIONS_FOUND)[number];

/**
 * The server's acknowledgement (201 first time, 200 for a resend of the same form). Only once the
 * device holds this may it delete its copy.
 */
export interface DeclarationReceipt {
  id: string;
  receivedAt: string;
}

/** One line of the inbox: enough to recognise the patient (D3: a name, kana or patient number). */
export interface DeclarationInboxItemDto {
  id: string;
  receivedAt: string;
  status: DeclarationStatus;
  name: string;
  nameKana: string;
  referenceNumber: string;
  /** Issue 12 #15: sent by a tablet the clinic enrolled (signature verified), or by an unknown device. */
  sender: SenderTrust;
}

/** Newest first. */
export interface DeclarationInboxResponse {
  declarations: DeclarationInboxItemDto[];
}

/** A step of the clinic's work: when and by whom. */
export interface DeclarationStepDto {
  at: string;
  staffId: string;
  staffName: string | null;
}

/** Where a declaration stands, without the form (returned by the transitions). */
export interface DeclarationStateDto {
  id: string;
  receivedAt: string;
  status: DeclarationStatus;
  verified: (DeclarationStepDto & { qualification: QualificationFound; note: string }) | null;
  claimed: (DeclarationStepDto & { method: ClaimMethod }) | null;
  completed: DeclarationStepDto | null;
  /** D5: when the declaration will be purged; null until completed. */
  purgeAfter: string | null;
  /** Issue 12 #15: sent by a tablet the clinic enrolled, or by a device it does not know. */
  sender: SenderTrust;
}

/** One declaration in full (audited as a view, X5). */
export interface DeclarationDetailDto extends DeclarationStateDto {
  form: Declaration;
  guideOutcome: GuideOutcome | null;
}

export interface DeclarationResponse {
  declaration: DeclarationDetailDto;
}

export interface DeclarationStateResponse {
  declaration: DeclarationStateDto;
}

/** received → verified: the qualification the clinic confirmed (insurer, numbers, as a short note). */
export interface VerifyDeclarationRequest {
  qualification: QualificationFound;
  note: string;
}

/** received | verified → claimed (F6). */
export interface ClaimDeclarationRequest {
  method: ClaimMethod;
  /** F6: for 「不詳」, the staff member confirms the patient was asked for the numbers first. */
  patientAskedForNumbers?: boolean | undefined;
}

/**
 * F6 (003 3(4), lines 250–263): 「不詳」 only after the clinic asked the patient for the insurer and
 * insured numbers (when the patient did not send them) and they still could not be found; the
 * claim records that this was done. Other methods need no such confirmation.
 */
export function claimAskedFirst(request: ClaimDeclarationRequest): boolean {
  return request.method !== 'unknown' || request.patientAskedForNumbers === true;
}

/**
 * F6 in order: a current qualification if learned, else a past one, else 「不詳」. What the clinic
 * verified decides which claim fits; a current qualification is only claimed once verified.
 */
export function allowedClaimMethods(status: DeclarationStatus, qualification: QualificationFound | null): ClaimMethod[] {
  if (status === 'verified') return qualification === 'current' ? ['currentQualification'] : ['pastQualification'];
  if (status === 'received') return ['pastQualification', 'unknown'];
  return [];
}
