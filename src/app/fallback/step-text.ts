import type { GuideStepId } from '../../domain/fallback/fallback-guide.ts';
import { resolutionOfStep } from '../../domain/fallback/fallback-walk.ts';
import type { Translate } from '../i18n/i18n.tsx';

/**
 * Which strings each guide step has in the fallback catalogue, so that every key below is built
 * from a type the compiler checks against the catalogue (no casts to MessageKey):
 * - question: a walk step that asks — fb.step.<id>.title/body/question/yes/no;
 * - explain: a walk step that only explains — fb.step.<id>.title/body;
 * - claim: a claim note of the follow-up — fb.fu.<id>;
 * - section: a follow-up section with strings of its own (its screen names them).
 * A new step fails the typecheck here until it is listed, and its keys until they exist.
 */
const STEP_TEXTS = {
  usePatientDevice: 'question',
  askNewerQualification: 'question',
  checkInputErrors: 'question',
  explainPinLocked: 'explain',
  explainFaceAuthOnlyCard: 'explain',
  explainCardUnusable: 'explain',
  proofMynaportalScreen: 'question',
  proofCertificate: 'question',
  proofCardWithNotice: 'question',
  proofHealthInsuranceCard: 'question',
  knownRepeatPatient: 'question',
  declarationForm: 'question',
  noInsurance: 'question',
  chargeCopay: 'section',
  paperPrescription: 'section',
  outageSearchAfterRecovery: 'section',
  claimCurrentQualification: 'section',
  claimPastQualification: 'claim',
  askPatientForNumbers: 'claim',
  claimUnknownWithRemarks: 'claim',
} as const satisfies Record<GuideStepId, 'question' | 'explain' | 'claim' | 'section'>;

type StepsWith<K> = { [I in GuideStepId]: (typeof STEP_TEXTS)[I] extends K ? I : never }[GuideStepId];
type WalkStepId = StepsWith<'question' | 'explain'>;
type QuestionStepId = StepsWith<'question'>;
type ClaimNoteId = StepsWith<'claim'>;

const isWalkStep = (id: GuideStepId): id is WalkStepId => STEP_TEXTS[id] === 'question' || STEP_TEXTS[id] === 'explain';
const isQuestionStep = (id: GuideStepId): id is QuestionStepId => STEP_TEXTS[id] === 'question';
const isClaimNote = (id: GuideStepId): id is ClaimNoteId => STEP_TEXTS[id] === 'claim';

/**
 * A guide step's text. A part the step does not have shows its would-be key, as a missing key
 * always has (the walk never asks for one).
 */
export function stepText(t: Translate, id: GuideStepId, part: 'title' | 'body' | 'question' | 'yes' | 'no'): string {
  if ((part === 'title' || part === 'body') && isWalkStep(id)) return t(`fb.step.${id}.${part}`);
  if ((part === 'question' || part === 'yes' || part === 'no') && isQuestionStep(id)) return t(`fb.step.${id}.${part}`);
  return `fb.step.${id}.${part}`;
}

/** F6: a claim note of the follow-up (claimCurrentQualification has two, chosen by its screen). */
export function claimNoteText(t: Translate, id: GuideStepId): string {
  return isClaimNote(id) ? t(`fb.fu.${id}`) : `fb.fu.${id}`;
}

const FALLBACK_OPTIONS = ['knownRepeatPatient', 'declarationForm', 'noInsurance'] as const;
type FallbackOptionId = (typeof FALLBACK_OPTIONS)[number];
const isFallbackOption = (id: GuideStepId): id is FallbackOptionId => (FALLBACK_OPTIONS as readonly string[]).includes(id);

/**
 * The label of a step offered as one option of a grouped question (issue 16 §2): F4, F3, F5 by
 * what the nurse does; a proof by what the patient shows (the name it is recorded under).
 */
export function optionText(t: Translate, id: GuideStepId): string {
  if (isFallbackOption(id)) return t(`fb.q.option.${id}`);
  const resolution = resolutionOfStep(id);
  return resolution ? t(`fb.res.${resolution}`) : `fb.q.option.${id}`;
}
