import type { PrescriptionForm } from '../../domain/registration/registration.ts';
import type { PatientConsentDto } from '../../domain/registration/reception-api.ts';
import type { ConsentChoice } from '../../domain/consent/consent.ts';
import { REGISTRATION_TOKEN_MS, tokenExpired, type PendingRegistration } from './flow-state.ts';

export type ManageMode = 'query' | 'revokeAll';

export type ManagePhase = 'intro' | 'queryCard' | 'list' | 'confirm' | 'updateCard' | 'updated' | 'revokeCard' | 'revoked';

/** Where 同意照会・更新 and the revocation end: a page opened afterwards starts afresh (issue 16 §4). */
const FINAL_PHASES: readonly ManagePhase[] = ['updated', 'revoked'];

/**
 * Kept for this tab like the registration flow: answers and where the patient is, never records.
 * It holds access tokens, so it lives in sessionStorage and dies with them (issue 12 #8). Its own
 * module, so the reception page can ask about it without loading the manage flow's chunk.
 */
export interface ManageState {
  mode: ManageMode;
  phase: ManagePhase;
  query: PendingRegistration | null;
  target: PatientConsentDto | null;
  answers: Partial<Record<ConsentChoice, boolean>>;
  consultationDate: string;
  prescriptionForm: PrescriptionForm | null;
  update: PendingRegistration | null;
  savedAt: number;
}

const KEY = (token: string) => `zaitaku.manage.${token}`;
const MAX_AGE_MS = REGISTRATION_TOKEN_MS;

function saved(token: string): ManageState | null {
  try {
    // Written by versions before issue 12 #8: a token must not stay in localStorage.
    localStorage.removeItem(KEY(token));
    const state = JSON.parse(sessionStorage.getItem(KEY(token)) ?? 'null') as ManageState | null;
    const live = (r: PendingRegistration | null) => r === null || !tokenExpired(r);
    if (state && Date.now() - state.savedAt < MAX_AGE_MS && live(state.query) && live(state.update) && !FINAL_PHASES.includes(state.phase)) return state;
    sessionStorage.removeItem(KEY(token));
  } catch {
    // a damaged entry starts afresh
  }
  return null;
}

/** A 同意照会・更新 or revocation this tab left midway, to be continued on reload. */
export function manageInProgress(token: string): boolean {
  return saved(token) !== null;
}

export function loadManageState(token: string, mode: ManageMode): ManageState {
  const state = saved(token);
  if (state && state.mode === mode) return state;
  return { mode, phase: 'intro', query: null, target: null, answers: {}, consultationDate: '', prescriptionForm: null, update: null, savedAt: Date.now() };
}

export function saveManageState(token: string, state: ManageState): void {
  try {
    sessionStorage.setItem(KEY(token), JSON.stringify({ ...state, savedAt: Date.now() }));
  } catch {
    // storage refused: the flow still works on this page
  }
}

export function clearManageState(token: string): void {
  try {
    sessionStorage.removeItem(KEY(token));
    localStorage.removeItem(KEY(token));
  } catch {
    // nothing stored
  }
}
