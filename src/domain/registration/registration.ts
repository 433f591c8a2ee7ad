import { isJstDate, jstDate, type JstDate } from '../shared/jst.ts';
import { asksConsultationDate, isRemoteConsultation, type VisitType } from '../shared/visit-type.ts';

/**
 * How the patient reached the institution link (R1): `link` — the institution's URL or QR code;
 * `app` — a telemedicine app that passed a return address.
 */
export const ARRIVAL_ROUTES = ['link', 'app'] as const;
export type ArrivalRoute = (typeof ARRIVAL_ROUTES)[number];

export const PRESCRIPTION_FORMS = ['electronic', 'paper'] as const;
export type PrescriptionForm = (typeof PRESCRIPTION_FORMS)[number];

export interface PrescriptionFormSettings {
  /** S5: the institution shows the prescription-form screen (環境設定). */
  showsPrescriptionForm: boolean;
  /** The choice only exists where electronic prescriptions are issued. */
  usesElectronicPrescription: boolean;
}

/**
 * S5 / R4: the prescription-form screen is shown only when the institution enables it; for an
 * online consultation reached from an app, only when that app supports electronic prescriptions.
 * Otherwise staff record the form later, at the consultation.
 */
export function asksPrescriptionForm(
  visitType: VisitType,
  arrival: ArrivalRoute,
  settings: PrescriptionFormSettings,
  appSupportsElectronicPrescription: boolean,
): boolean {
  if (!settings.showsPrescriptionForm || !settings.usesElectronicPrescription) return false;
  if (isRemoteConsultation(visitType) && arrival === 'app') return appSupportsElectronicPrescription;
  return true;
}

export type ConsultationDateProblem = 'missing' | 'invalid' | 'past';

/** R3: an online consultation's date is today or later, Japan time. */
export function checkConsultationDate(date: string | null | undefined, now: Date): ConsultationDateProblem | null {
  if (date === null || date === undefined || date === '') return 'missing';
  if (!isJstDate(date)) return 'invalid';
  return date < jstDate(now) ? 'past' : null;
}

export type RegistrationOutcomeStatus = 'awaitingCard' | 'completed' | 'failed';

export function consultationDateOrNull(visitType: VisitType, date: string | undefined): JstDate | null {
  return asksConsultationDate(visitType) && date !== undefined && isJstDate(date) ? date : null;
}
