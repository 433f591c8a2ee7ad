import { FALLBACK_CAUSES, GUIDE_RESOLUTIONS, type FallbackCause, type GuideOutcome, type GuideResolution } from '../../domain/fallback/fallback-guide.ts';

/**
 * Where the nurse is in the decision guide, kept on the device so a reload or a sleeping tablet
 * does not send them back to the start. It holds the path only — the cause, the steps answered
 * "no", the resolution and its outcome — never anything that names the patient (that is in the
 * encrypted draft). Like the reception flow, a walk left alone for three hours starts afresh.
 */
export interface WalkState {
  /** 2 since issue 16: the trail counts the grouped questions of walkQuestions, no longer single steps. */
  version: 2;
  cause: FallbackCause | null;
  /** Indices (into walkQuestions(cause)) of the questions passed, in order; the last one is the current question. */
  trail: number[];
  resolution: GuideResolution | null;
  /** The outcome recorded for a resolution other than the form (the form's travels with its draft). */
  outcome: GuideOutcome | null;
  savedAt: number;
}

const PREFIX = 'zaitaku.fallback.';
const MAX_AGE_MS = 3 * 60 * 60 * 1000;

export function newWalk(): WalkState {
  return { version: 2, cause: null, trail: [], resolution: null, outcome: null, savedAt: Date.now() };
}

export function loadWalk(linkToken: string): WalkState {
  try {
    const raw = localStorage.getItem(PREFIX + linkToken);
    if (!raw) return newWalk();
    const state = JSON.parse(raw) as Partial<WalkState>;
    const fresh = typeof state.savedAt === 'number' && Date.now() - state.savedAt <= MAX_AGE_MS;
    if (state.version !== 2 || !fresh) return newWalk();
    const cause = FALLBACK_CAUSES.includes(state.cause as FallbackCause) ? (state.cause as FallbackCause) : null;
    const resolution = GUIDE_RESOLUTIONS.includes(state.resolution as GuideResolution) ? (state.resolution as GuideResolution) : null;
    const trail = Array.isArray(state.trail) ? state.trail.filter((n): n is number => Number.isInteger(n) && n >= 0) : [];
    return { version: 2, cause, trail: cause ? trail : [], resolution: cause ? resolution : null, outcome: cause && resolution ? (state.outcome ?? null) : null, savedAt: state.savedAt ?? Date.now() };
  } catch {
    return newWalk();
  }
}

export function saveWalk(linkToken: string, state: WalkState): void {
  try {
    localStorage.setItem(PREFIX + linkToken, JSON.stringify({ ...state, savedAt: Date.now() }));
  } catch {
    // Private browsing may refuse storage; the walk then lasts for this page only.
  }
}

export function clearWalk(linkToken: string): void {
  try {
    localStorage.removeItem(PREFIX + linkToken);
  } catch {
    // nothing kept
  }
}
