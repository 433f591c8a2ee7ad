import type { ConsentChoice } from '../../domain/consent/consent.ts';
import type { ArrivalRoute, PrescriptionForm } from '../../domain/registration/registration.ts';
import type { VisitType } from '../../domain/shared/visit-type.ts';

export type FlowStep = 'menu' | 'visitType' | 'preparation' | 'consent' | 'handoff' | 'done';
/** Steps of the flow before issue 16, now parts of the consent screen; a saved flow there resumes on it. */
const MERGED_INTO_CONSENT: readonly string[] = ['date', 'prescription', 'confirm'];

export interface PendingRegistration {
  id: string;
  /**
   * Reads the patient's eligibility record (issue 12 #8): held in memory, and in sessionStorage
   * (this tab only) just while the card step waits — never in localStorage.
   */
  accessToken: string;
  cardAppUrl: string;
  sameDevice: boolean;
  /** When the server issued it (device clock); the app forgets it REGISTRATION_TOKEN_MS later. */
  issuedAt: number;
}

/** The app forgets an access token this long after it was issued (the server refuses it after 30 min too). */
export const REGISTRATION_TOKEN_MS = 30 * 60 * 1000;

export function tokenExpired(registration: PendingRegistration, now = Date.now()): boolean {
  return !(typeof registration.issuedAt === 'number' && now - registration.issuedAt < REGISTRATION_TOKEN_MS && now >= registration.issuedAt - 60_000);
}

const TOKEN_PREFIX = 'zaitaku.registration.';

/**
 * The token survives a reload and the same-tab trip to the card app and back (sessionStorage is
 * per tab), but only while the card step waits: once the result shows, it lives in memory only.
 */
export function loadSessionToken(key: string): PendingRegistration | null {
  try {
    const raw = sessionStorage.getItem(TOKEN_PREFIX + key);
    if (!raw) return null;
    const registration = JSON.parse(raw) as PendingRegistration;
    if (typeof registration?.accessToken !== 'string' || tokenExpired(registration)) {
      sessionStorage.removeItem(TOKEN_PREFIX + key);
      return null;
    }
    return registration;
  } catch {
    return null;
  }
}

export function saveSessionToken(key: string, registration: PendingRegistration | null): void {
  try {
    if (registration && !tokenExpired(registration)) sessionStorage.setItem(TOKEN_PREFIX + key, JSON.stringify(registration));
    else sessionStorage.removeItem(TOKEN_PREFIX + key);
  } catch {
    // storage refused: the token stays in memory for this page
  }
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
    const stored = JSON.parse(raw) as FlowState;
    if (stored.version !== 2 || Date.now() - stored.savedAt > MAX_AGE_MS) {
      clearFlow(linkToken);
      return null;
    }
    const state: FlowState = MERGED_INTO_CONSENT.includes(stored.step) ? { ...stored, step: 'consent' } : stored;
    // The token comes from this tab's session only, and only while the card step waits.
    const registration = state.step === 'handoff' ? loadSessionToken(linkToken) : null;
    if (registration) return { ...state, registration };
    // No token (another tab, expired, or the result was already shown): a waiting card step goes
    // back to the consent screen (the answers are kept); a result is not shown again.
    if (state.step === 'handoff') return { ...state, step: 'consent', registration: null };
    if (state.step === 'done') {
      clearFlow(linkToken);
      return null;
    }
    return { ...state, registration: null };
  } catch {
    return null;
  }
}

export function saveFlow(linkToken: string, state: FlowState): void {
  // issue 12 #8: the access token never goes to localStorage; the session keeps it only while
  // the card step waits (a reload, the same-device trip to the card app and back).
  saveSessionToken(linkToken, state.step === 'handoff' ? state.registration : null);
  try {
    localStorage.setItem(PREFIX + linkToken, JSON.stringify({ ...state, registration: null, savedAt: Date.now() }));
  } catch {
    // Storage may be full or refused (private mode): the flow still works on this page.
  }
}

export function clearFlow(linkToken: string): void {
  saveSessionToken(linkToken, null);
  try {
    localStorage.removeItem(PREFIX + linkToken);
  } catch {
    // nothing to clear
  }
}

/**
 * Which flow a page load continues (issue 16 §2, §4). A card step that waits goes on (the card app
 * sends the patient back to the bare link); a finished or abandoned 同意照会・更新 or revocation
 * never comes back, so reopening the link shows its start again; an app arrival starts where the
 * app sends it (preparation, or U4's revoke landing), never on an earlier visit's menu.
 */
export function chooseLanding(
  saved: FlowState | null,
  fresh: FlowState,
  query: { visit?: string | undefined; return?: string | undefined },
  manageInProgress: boolean,
): FlowState {
  if (!saved) return fresh;
  const sameApp = query.return === undefined || query.return === saved.returnUrl;
  if (saved.step === 'handoff') return sameApp ? saved : fresh;
  if (saved.mode !== 'register') return manageInProgress && sameApp ? saved : fresh;
  if (query.return !== undefined) {
    return fresh.mode === 'register' && sameApp && saved.step !== 'menu' && saved.dateFromApp === fresh.dateFromApp ? saved : fresh;
  }
  if (query.visit !== undefined && saved.visitType !== fresh.visitType) return fresh;
  return saved;
}
