import type { ConsentChoice } from '../../domain/consent.ts';
import type { ArrivalRoute, PrescriptionForm } from '../../domain/registration.ts';
import type { VisitType } from '../../domain/visit-type.ts';

export type FlowStep = 'menu' | 'visitType' | 'preparation' | 'consent' | 'date' | 'prescription' | 'confirm' | 'handoff' | 'done';

export interface PendingRegistration {
  id: string;
  accessToken: string;
  cardAppUrl: string;
  sameDevice: boolean;
}

/**
 * Where a patient is in the reception flow and what they chose. Kept on the device so that a
 * reload, a sleeping tablet or a lost connection loses nothing. It holds choices only: the
 * eligibility record is fetched from the server each time and never stored here.
 */
export interface FlowState {
  version: 2;
  step: FlowStep;
  /** The menu (register / query-update / revoke all) comes first unless the link preset a visit type. */
  showMenu: boolean;
  /** What the patient chose on the menu. */
  mode: 'register' | 'query' | 'revokeAll';
  visitType: VisitType | null;
  /** The visit type came with the link (a nurse's bookmark, an app); the choice screen is skipped. */
  visitTypePreset: boolean;
  arrival: ArrivalRoute;
  returnUrl: string | null;
  appSupportsElectronicPrescription: boolean;
  /** The consultation date an app passed in the link; when set it is shown, not asked (002 ※3). */
  dateFromApp: string | null;
  /** Each item answered yes or no; an unanswered item is neither (never taken as a refusal). */
  answers: Partial<Record<ConsentChoice, boolean>>;
  consultationDate: string;
  prescriptionForm: PrescriptionForm | null;
  registration: PendingRegistration | null;
  savedAt: number;
}

const PREFIX = 'zaitaku.flow.';
/** A flow left alone this long starts afresh: the next patient must not see the last one's answers. */
const MAX_AGE_MS = 3 * 60 * 60 * 1000;

export function newFlow(options: {
  showMenu: boolean;
  visitType: VisitType | null;
  arrival: ArrivalRoute;
  returnUrl: string | null;
  appSupportsElectronicPrescription: boolean;
  dateFromApp: string | null;
}): FlowState {
  return {
    version: 2,
    step: options.showMenu ? 'menu' : options.visitType ? 'preparation' : 'visitType',
    showMenu: options.showMenu,
    mode: 'register',
    visitType: options.visitType,
    visitTypePreset: options.visitType !== null,
    arrival: options.arrival,
    returnUrl: options.returnUrl,
    appSupportsElectronicPrescription: options.appSupportsElectronicPrescription,
    dateFromApp: options.dateFromApp,
    answers: {},
    consultationDate: options.dateFromApp ?? '',
    prescriptionForm: null,
    registration: null,
    savedAt: Date.now(),
  };
}

export function loadFlow(linkToken: string): FlowState | null {
  try {
    const raw = localStorage.getItem(PREFIX + linkToken);
    if (!raw) return null;
    const state = JSON.parse(raw) as FlowState;
    if (state.version !== 2 || Date.now() - state.savedAt > MAX_AGE_MS) {
      localStorage.removeItem(PREFIX + linkToken);
      return null;
    }
    return state;
  } catch {
    return null;
  }
}

export function saveFlow(linkToken: string, state: FlowState): void {
  try {
    localStorage.setItem(PREFIX + linkToken, JSON.stringify({ ...state, savedAt: Date.now() }));
  } catch {
    // Storage may be full or refused (private mode): the flow still works on this page.
  }
}

export function clearFlow(linkToken: string): void {
  try {
    localStorage.removeItem(PREFIX + linkToken);
  } catch {
    // nothing to clear
  }
}
