import type { DeclarationKeyDto } from '../declaration/sealed-envelope.ts';
import type { ConsentScope } from '../consent/consent.ts';
import type { ConsentReceipt } from '../consent/consent-receipt.ts';
import type { EligibilityRecord, NextStep } from './eligibility.ts';
import type { HandoffChallenge, HandoffRejection } from './handoff.ts';
import type { ArrivalRoute, PrescriptionForm, RegistrationOutcomeStatus } from './registration.ts';
import type { VisitType } from '../shared/visit-type.ts';

/** JSON shapes of the patient-facing reception API (`/api/public`, `/api/handoff`). */

/** What the institution link page may know about its institution. */
export interface InstitutionPublicDto {
  name: string;
  settings: {
    usesClinicalInfo: boolean;
    usesElectronicPrescription: boolean;
    showsPrescriptionForm: boolean;
  };
  /** Whether a return address passed by a telemedicine app is on the allow-list. */
  returnUrl: 'none' | 'allowed' | 'refused';
  /**
   * issue 12 #7: the public key the app seals queued declarations to (cached for offline use).
   * Its id also tells the app which institution a link belongs to, after a reissue (#13).
   */
  declarationKey: DeclarationKeyDto;
}

/**
 * What the server rendered a clinic link's first screen from (issue 18 #1), embedded in the page
 * as JSON so that the app's first render starts from the same data and draws the same screen.
 */
export type EmbeddedClinicLink = { token: string; institution: InstitutionPublicDto } | { token: string; invalid: true };

/** The id of the page's `<script type="application/json">` holding an EmbeddedClinicLink. */
export const EMBEDDED_CLINIC_LINK_ID = 'clinic-link-data';

export interface StartRegistrationResponse {
  registrationId: string;
  /** Held by the starting device only: reads the outcome (the eligibility record). */
  accessToken: string;
  challenge: HandoffChallenge;
  /** Where the card app is opened: same-device link, or the QR code's content. */
  cardAppUrl: string;
}

export interface NewChallengeResponse {
  challenge: HandoffChallenge;
  cardAppUrl: string;
}

export interface RegistrationOutcomeDto {
  registrationId: string;
  status: RegistrationOutcomeStatus;
  failure: HandoffRejection | null;
  purpose: 'register' | 'query' | 'update' | 'revokeAll';
  /** Null for query and revokeAll requests. */
  visitType: VisitType | null;
  arrival: ArrivalRoute;
  scopes: ConsentScope[];
  prescriptionForm: PrescriptionForm | null;
  consultationDate: string | null;
  challengeExpiresAt: string | null;
  /** Only once completed, and only when the patient came from a telemedicine app (R7). */
  returnUrl: string | null;
  /** R7: shown for home visits and house calls only; never for online consultations. */
  eligibility: { record: EligibilityRecord; nextSteps: NextStep[] } | null;
  validUntil: string | null;
  /** U1: once a query is confirmed by card, the person's consents in force at this institution. */
  consents: PatientConsentDto[] | null;
  /** X3: how many consents the card confirmation revoked. */
  revokedCount: number | null;
  /**
   * Issue 19 #4: once a registration, update or revocation completed, the patient's receipt. Only
   * this response carries it, and only the device holding the request's access token reads it.
   */
  receipt: ConsentReceipt | null;
}

/** A consent as its holder sees it when querying (U1). */
export interface PatientConsentDto {
  id: string;
  visitType: VisitType;
  scopes: ConsentScope[];
  prescriptionForm: PrescriptionForm | null;
  consultationDate: string | null;
  registeredAt: string;
  validUntil: string | null;
}

export interface HandoffAcceptedResponse {
  status: 'completed';
}
