/**
 * Walking the decision guide (fallback-guide.ts) one step at a time, as the outage-fallback
 * screens do: which steps are asked before the way of settling eligibility is known, which steps
 * follow once it is (E7 charge, E8 prescription, F8 outage search, F6 claim), and the outcome to
 * record (GuideOutcome). Pure: the app holds the words.
 *
 * The guide's conditions, read for a resolution:
 * - eligibilityNotConfirmed (E8, F8): neither the online check (F2, E2) nor a proof (F1) settled
 *   it, i.e. F4, F3 or F5.
 * - currentQualificationKnown (F6 1): settled by the online check or a proof, the qualification
 *   seen is the current one; otherwise it may become known later (conditional).
 * - pastQualificationKnown (F6 2): only when the current one is not known.
 * - declarationSubmitted (F6 3–4, 003 3(4)): the form was filled (F3) or F4's verbal confirmation
 *   stands for it; never for F5.
 */
import type { CopayBasis, CopayPercent } from '../declaration/copay.ts';
import {
  guideFor,
  guideStepIds,
  type ClaimMethod,
  type FallbackCause,
  type GuideCondition,
  type GuideOutcome,
  type GuidePhase,
  type GuideResolution,
  type GuideStep,
  type GuideStepId,
} from './fallback-guide.ts';

/** The phases walked before the visit's way of settling eligibility is known. */
export const WALK_PHASES: readonly GuidePhase[] = ['check', 'explain', 'proof', 'fallback'];

/** The steps asked one at a time for a cause, in the guide's order (check, explain, F1, F4, F3, F5). */
export function walkSteps(cause: FallbackCause): GuideStep[] {
  return guideFor(cause).filter((s) => WALK_PHASES.includes(s.phase));
}

/**
 * One screen of the walk (issue 16 §2: the form in at most 3 answers for the common causes). The
 * guide's steps are not dropped but grouped, each group answered with one tap:
 * - check: one online check (F2, E2) — "did it work?", yes or no;
 * - proof: every F1 proof of the cause, in the guide's order — "which can the patient show?", or none;
 * - fallback: F4, F3, F5 in that order — the nurse picks the one that applies (F3 opens the form).
 * An explain step (F7, R2, a card that cannot be used) asks nothing: it is shown above the
 * question that follows it instead of costing a tap of its own.
 */
export interface WalkQuestion {
  kind: 'check' | 'proof' | 'fallback';
  /** Explanations shown first (in order), answered by nothing. */
  explain: GuideStep[];
  /** The options, in the guide's order; choosing one settles the visit with its resolution. */
  options: GuideStep[];
}

/** The walk's questions for a cause, in order. */
export function walkQuestions(cause: FallbackCause): WalkQuestion[] {
  const questions: WalkQuestion[] = [];
  let explain: GuideStep[] = [];
  for (const s of walkSteps(cause)) {
    if (s.phase === 'explain') {
      explain.push(s);
      continue;
    }
    const kind = s.phase === 'check' ? 'check' : s.phase === 'proof' ? 'proof' : 'fallback';
    const last = questions.at(-1);
    // Consecutive proofs (or fallbacks) share a question; each check is a question of its own.
    if (kind !== 'check' && last?.kind === kind && explain.length === 0) {
      last.options.push(s);
    } else {
      questions.push({ kind, explain, options: [s] });
      explain = [];
    }
  }
  return questions;
}

/** How many answers the walk takes from the cause to the declaration form (the tap that opens it included). */
export function answersToForm(cause: FallbackCause): number {
  return walkQuestions(cause).findIndex((q) => q.options.some((s) => s.id === 'declarationForm')) + 1;
}

/**
 * The guide steps a walk went through, for the guide record: every step of the questions passed
 * (their options all declined), then the current question's explanations and the step chosen.
 * `trail` holds indices into walkQuestions(cause); its last one is the question answered.
 */
export function walkedSteps(cause: FallbackCause, trail: readonly number[], chosen: GuideStepId | null): GuideStepId[] {
  const questions = walkQuestions(cause);
  const ids: GuideStepId[] = [];
  trail.forEach((index, n) => {
    const question = questions[index];
    if (!question) return;
    ids.push(...question.explain.map((s) => s.id));
    if (n < trail.length - 1) ids.push(...question.options.map((s) => s.id));
    else if (chosen !== null && question.options.some((s) => s.id === chosen)) ids.push(chosen);
  });
  return ids;
}

/** The step of a cause's walk that a resolution comes from. */
export function stepOfResolution(cause: FallbackCause, resolution: GuideResolution): GuideStepId | null {
  return walkSteps(cause).find((s) => resolutionOfStep(s.id) === resolution)?.id ?? null;
}

const STEP_RESOLUTION: Partial<Readonly<Record<GuideStepId, GuideResolution>>> = {
  usePatientDevice: 'patientDevice',
  askNewerQualification: 'newerQualification',
  checkInputErrors: 'inputCorrected',
  proofMynaportalScreen: 'proofMynaportalScreen',
  proofCertificate: 'proofCertificate',
  proofCardWithNotice: 'proofCardWithNotice',
  proofHealthInsuranceCard: 'proofHealthInsuranceCard',
  knownRepeatPatient: 'knownRepeatPatient',
  declarationForm: 'declarationForm',
  noInsurance: 'noInsurance',
};

/** The resolution a "yes" at this step settles on; null for a step that only explains. */
export function resolutionOfStep(id: GuideStepId): GuideResolution | null {
  return STEP_RESOLUTION[id] ?? null;
}

/** The online check worked after all (F2 on the patient's phone, E2 with the newer or corrected data). */
export function isOnlineResolution(resolution: GuideResolution): boolean {
  return resolution === 'patientDevice' || resolution === 'newerQualification' || resolution === 'inputCorrected';
}

/** An F1 proof was shown. */
export function isProofResolution(resolution: GuideResolution): boolean {
  return resolution.startsWith('proof');
}

/** E8, F8: eligibility stays unconfirmed (F4, F3, F5). */
export function eligibilityConfirmed(resolution: GuideResolution): boolean {
  return isOnlineResolution(resolution) || isProofResolution(resolution);
}

/** How a guide condition reads for a resolution: it holds, it may hold later, or it does not apply. */
export type ConditionState = 'holds' | 'ifLater' | 'no';

export function conditionState(condition: GuideCondition, resolution: GuideResolution): ConditionState {
  const confirmed = eligibilityConfirmed(resolution);
  switch (condition) {
    case 'eligibilityNotConfirmed':
      return confirmed ? 'no' : 'holds';
    case 'currentQualificationKnown':
      return confirmed ? 'holds' : 'ifLater';
    case 'pastQualificationKnown':
      return confirmed ? 'no' : 'ifLater';
    case 'declarationSubmitted':
      return resolution === 'declarationForm' || resolution === 'knownRepeatPatient' ? 'holds' : 'no';
    case 'noProofShown':
      return confirmed ? 'no' : 'holds';
    case 'knownPatientNothingChanged':
      return resolution === 'knownRepeatPatient' ? 'holds' : 'no';
    case 'noProofBroughtOrNoValidInsurance':
      return resolution === 'noInsurance' ? 'holds' : 'no';
    default: {
      const unexpected: never = condition;
      throw new RangeError(`unknown condition ${String(unexpected)}`);
    }
  }
}

export interface FollowUpStep extends GuideStep {
  /** 'ifLater': shown as "if … becomes known"; steps that do not apply are left out. */
  state: Exclude<ConditionState, 'no'>;
}

/** What follows once settled: charge (E7), paper prescription (E8), outage search (F8), claim (F6). */
export function followUpSteps(cause: FallbackCause, resolution: GuideResolution): FollowUpStep[] {
  const steps: FollowUpStep[] = [];
  for (const s of guideFor(cause)) {
    if (WALK_PHASES.includes(s.phase)) continue;
    const state: ConditionState = s.when === undefined ? 'holds' : conditionState(s.when, resolution);
    if (state !== 'no') steps.push({ ...s, state });
  }
  return steps;
}

/** Whether the guide for this cause and resolution has F8's outage search still to do. */
export function outageSearchPendingFor(cause: FallbackCause, resolution: GuideResolution): boolean {
  return !eligibilityConfirmed(resolution) && guideStepIds(cause).includes('outageSearchAfterRecovery');
}

/** Whether E8 (a paper prescription) is part of the follow-up. */
export function paperPrescriptionApplies(cause: FallbackCause, resolution: GuideResolution): boolean {
  return !eligibilityConfirmed(resolution) && guideStepIds(cause).includes('paperPrescription');
}

/** The outcome to record, coherent with checkGuideOutcome. */
export function guideOutcome(input: {
  cause: FallbackCause;
  resolution: GuideResolution;
  declarationId?: string | null;
  copayPercent?: CopayPercent | null;
  copayBasis?: CopayBasis | null;
  paperPrescription?: boolean;
  claimMethod?: ClaimMethod | null;
  recordedAt: string;
}): GuideOutcome {
  const { cause, resolution } = input;
  return {
    cause,
    resolution,
    declarationId: resolution === 'declarationForm' ? (input.declarationId ?? null) : null,
    copayPercent: input.copayPercent ?? null,
    copayBasis: input.copayBasis ?? null,
    paperPrescription: paperPrescriptionApplies(cause, resolution) ? (input.paperPrescription ?? false) : false,
    outageSearchPending: outageSearchPendingFor(cause, resolution),
    claimMethod: input.claimMethod ?? null,
    recordedAt: input.recordedAt,
  };
}
