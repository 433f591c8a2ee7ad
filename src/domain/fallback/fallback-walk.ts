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
