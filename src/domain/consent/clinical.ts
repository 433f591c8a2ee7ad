import type { ConsentScope } from './consent.ts';
import { consentState, type ConsentForViewing } from './validity.ts';
import type { VisitType } from '../shared/visit-type.ts';

/**
 * P3, S1–S3, V1–V3: what a doctor may see of a person's consented medical information
 * (medication, clinical, dispensing, surgery, checkups) at one institution, and the records
 * themselves as the national service returns them. Cost-limit and specific-disease data are
 * part of the eligibility record (E2) and are shown there, not here.
 */
export const MEDICAL_SCOPES = ['medication', 'dispensing', 'clinical', 'surgery', 'checkup'] as const satisfies readonly ConsentScope[];
export type MedicalScope = (typeof MEDICAL_SCOPES)[number];

/** 薬剤情報: one dispensed or prescribed drug. */
export interface MedicationEntry {
  /** 調剤日 (or 処方日), YYYY-MM-DD. */
  dispensedOn: string;
  drugName: string;
  /** 1回量・用法, e.g. 「1回1錠 1日2回 朝夕食後」. */
  dose: string;
  /** 日数 (or 回数 for 頓服). */
  days: number;
  /** The pharmacy or institution that dispensed it. */
  dispensedBy: string;
}

/** 処方・調剤情報 (electronic prescriptions, S3): a prescription and whether it was dispensed. */
export interface DispensingEntry {
  prescribedOn: string;
  prescribedBy: string;
  drugName: string;
  dose: string;
  days: number;
  /** 調剤済み: the pharmacy and date, or null while not yet dispensed. */
  dispensedOn: string | null;
  pharmacy: string | null;
}

/** 診療情報: a diagnosis or a procedure/test from a claim (レセプト). */
export interface ClinicalEntry {
  date: string;
  institution: string;
  kind: 'diagnosis' | 'procedure';
  name: string;
}

/** 手術情報. */
export interface SurgeryEntry {
  date: string;
  institution: string;
  name: string;
}

/** 特定健診情報: one checkup's key values. */
export interface CheckupEntry {
  date: string;
  institution: string;
  heightCm: number;
  weightKg: number;
  bmi: number;
  waistCm: number;
  systolic: number;
  diastolic: number;
  hba1c: number | null;
  ldl: number;
  hdl: number;
  triglycerides: number;
  /** Overall judgment, e.g. 「要医療」. */
  judgment: string;
}

export interface MedicalInformation {
  medication: MedicationEntry[];
  dispensing: DispensingEntry[];
  clinical: ClinicalEntry[];
  surgery: SurgeryEntry[];
  checkup: CheckupEntry[];
}

export type MedicalSection = { [S in MedicalScope]: { scope: S; entries: MedicalInformation[S] } }[MedicalScope];

/** A consent of the person at this institution, as the decision needs it. */
export interface ConsentForClinicalView extends ConsentForViewing {
  visitType: VisitType;
}

export type ClinicalViewDecision =
  | { kind: 'visible'; scopes: MedicalScope[] }
  /** Why nothing is shown: never consented, all consents revoked, all past their window, or no medical scope consented. */
  | { kind: 'hidden'; reason: 'noConsent' | 'revoked' | 'expired' | 'noMedicalScope' };

/**
 * The scopes visible now: the union over the person's consents that are in force (not revoked,
 * within their window: V1 home visits until revoked, V2 house calls 24 hours, V3 online through
 * the consultation date), limited to medical scopes. S2: an institution that does not use
 * clinical information never shows 診療情報, whatever a consent says.
 */
export function clinicalViewDecision(consents: readonly ConsentForClinicalView[], usesClinicalInfo: boolean, now: Date): ClinicalViewDecision {
  if (consents.length === 0) return { kind: 'hidden', reason: 'noConsent' };
  const inForce = consents.filter((c) => consentState(c, now) === 'active');
  if (inForce.length === 0) {
    // Expired explains more than revoked when both happened: the doctor's next step is a new consent either way.
    const anyExpired = consents.some((c) => consentState(c, now) === 'expired');
    return { kind: 'hidden', reason: anyExpired ? 'expired' : 'revoked' };
  }
  const granted = new Set(inForce.flatMap((c) => c.scopes));
  const scopes = MEDICAL_SCOPES.filter((s) => granted.has(s) && (s !== 'clinical' || usesClinicalInfo));
  if (scopes.length === 0) return { kind: 'hidden', reason: 'noMedicalScope' };
  return { kind: 'visible', scopes };
}

/** GET /api/staff/clinical/persons/:personRef */
export interface ClinicalViewResponse {
  personRef: string;
  /** The name as the latest eligibility check returned it, or '' when unknown. */
  name: string;
  viewedAt: string;
  decision: ClinicalViewDecision;
  /** The consents in force that allow the view: visit type and end of window (null: until revoked). */
  consents: Array<{ visitType: VisitType; validUntil: string | null }>;
  /** When nothing is shown: the newest consent, so the screen can say which one ended and when. */
  latestConsent: { visitType: VisitType; registeredAt: string; validUntil: string | null; revokedAt: string | null } | null;
  /**
   * Only the visible scopes, in MEDICAL_SCOPES order. When hidden (V6): the snapshot retrieved
   * while the consent allowed it, if any — no new retrieval is made — else empty.
   */
  sections: MedicalSection[];
  /** V6: when `sections` were retrieved from the national service (now for a fresh view); null when nothing is shown. */
  retrievedAt: string | null;
  /** V6: true when `sections` are the kept snapshot, not a retrieval made for this view. */
  fromSnapshot: boolean;
}

/** GET /api/staff/clinical/persons: persons with a consent at this institution. */
export interface ClinicalPersonsResponse {
  persons: Array<{ personRef: string; name: string; state: 'active' | 'expired' | 'revoked'; latestVisitType: VisitType }>;
}
