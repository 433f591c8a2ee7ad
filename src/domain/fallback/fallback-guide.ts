/**
 * The decision guide for a visit where the online eligibility check cannot be done (F1–F8, E2,
 * E7, E8; sources 003 本文 1–3 and 別添1–2, 001 1-② and 2-④⑤, 004). Pure data: each cause has an
 * ordered list of step ids, which the app turns into text; GuideOutcome records which way the
 * visit went.
 *
 * Where the documents say more than DOMAIN §6–§7, the document wins:
 * - 「資格（無効）」 and 「資格情報なし」: the Mynaportal cannot show a valid qualification either
 *   (003 lines 86–88), and 001 1-② (line 79) lists only the card with 資格情報のお知らせ and the
 *   資格確認書. So for resultLost and resultNotFound the Mynaportal step is left out (DOMAIN F1 and
 *   E2 keep it). It stays for 無効（新しい資格あり）, where a newer qualification is on record.
 * - F6: before claiming with 「不詳」, the clinic asks the patient once more for the numbers (003
 *   3(4), lines 250–263), and 「不詳」 is for patients who submitted the declaration form.
 * - F8: the outage search asks for 「資格確認日」 — the day of the check, i.e. the visit — not a
 *   "qualification date" (003 別添2 line 567).
 * - F8 applies to power, network and card-reader failures (003 lines 163–173), not to a card that
 *   cannot be used.
 * - F5: 10割 when the patient brought neither the card nor a health-insurance card, OR has no valid
 *   card issued, and the card check cannot be done (003 2(3), lines 184–198: 「…場合や、…場合であって」).
 *   The document names only the card and the 健康保険証; the 資格確認書 stands beside the latter today.
 * - F7: 002 FAQ #8 #9 say 「健康保険証等」 and 「現時点では」 (a visual-check app was planned); the unlock
 *   is at the office of the municipality where the patient is registered (住民票がある市区町村).
 * - F1's order is DOMAIN's; the documents list the proofs as equal alternatives ("患者に確認可能な
 *   方法で", 001 lines 224–231, card + お知らせ first), so the order is a suggestion, not a rule.
 */
import type { CopayBasis, CopayPercent } from '../declaration/copay.ts';
import type { Declaration } from '../declaration/declaration.ts';
import type { Sex } from '../registration/eligibility.ts';
import type { JstDate } from '../shared/jst.ts';

/** Why the online check could not be done at the visit. */
export const FALLBACK_CAUSES = [
  /** The IC card reader (or the tablet's reading) does not work: 003 lines 163–173 name card-reader failures beside power and network. */
  'readerBroken',
  /** The staff tablet is broken or offline (001 2-④: 施設の通信障害 and the like). */
  'networkOrTabletFailure',
  /** The patient does not have the card at hand (forgotten, lost): the check by card cannot start. */
  'cardForgotten',
  /** The national service itself is down, or power / wide-area network failure. */
  'serviceOutage',
  /** IC chip broken or user certificate expired (001 2-⑤). */
  'cardUnusable',
  /** Three wrong PINs in a row, or a proxy who does not know the PIN (F7). */
  'pinLocked',
  /** A face-authentication-only card has no PIN (R2). */
  'faceAuthOnlyCard',
  /** Result 無効（資格喪失）. */
  'resultLost',
  /** Result 資格情報なし／該当資格なし. */
  'resultNotFound',
  /** Result 無効（新しい資格あり）. */
  'resultLostWithNew',
] as const;
export type FallbackCause = (typeof FALLBACK_CAUSES)[number];

/**
 * The causes met most at a visit (issue 16 §2): shown first on the guide's first screen, the
 * others one tap away. Each reaches the declaration form in at most 3 answers (fallback-walk.ts).
 */
export const COMMON_FALLBACK_CAUSES = ['readerBroken', 'networkOrTabletFailure', 'cardForgotten'] as const satisfies readonly FallbackCause[];

export type GuideRule = 'F1' | 'F2' | 'F3' | 'F4' | 'F5' | 'F6' | 'F7' | 'F8' | 'E2' | 'E7' | 'E8' | 'R2';

/**
 * Step ids (the app holds the text):
 * - usePatientDevice (F2): check on the patient's own phone when the staff tablet fails.
 * - askNewerQualification (E2): a newer qualification exists; check again with it.
 * - checkInputErrors (E2): re-check what was typed ("C" vs "0", leading zeros).
 * - explainPinLocked (F7): no face or visual check here ⇒ 資格確認書 / a still-valid 健康保険証等;
 *   only the municipal office (where the patient is registered) unlocks the card, never the clinic.
 * - explainFaceAuthOnlyCard (R2): that card has no PIN and cannot be used in this flow.
 * - explainCardUnusable: a broken chip or expired certificate is renewed at the municipal office.
 * - proofMynaportalScreen (F1): the Mynaportal eligibility screen on the patient's phone; a
 *   downloaded PDF only together with the physical card (001 line 229).
 * - proofCertificate (F1): 資格確認書. proofCardWithNotice (F1): the card with 資格情報のお知らせ.
 * - proofHealthInsuranceCard (F1): a health-insurance card still valid.
 * - knownRepeatPatient (F4): a patient known to the clinic says nothing changed ⇒ counts as the form.
 * - declarationForm (F3): 被保険者資格申立書, filled as far as possible, with the 説明書 (D6).
 * - noInsurance (F5): no card or proof brought, OR no valid insurance card issued ⇒ 100 %, a known
 *   repeat patient may pay 30 %.
 * - chargeCopay (E7): what to collect (copay.ts).
 * - paperPrescription (E8): electronic prescriptions cannot be issued; use paper.
 * - outageSearchAfterRecovery (F8): once the service is back, search with the outage function.
 * - claimCurrentQualification, claimPastQualification, askPatientForNumbers, claimUnknownWithRemarks (F6).
 */
export type GuideStepId =
  | 'usePatientDevice'
  | 'askNewerQualification'
  | 'checkInputErrors'
  | 'explainPinLocked'
  | 'explainFaceAuthOnlyCard'
  | 'explainCardUnusable'
  | 'proofMynaportalScreen'
  | 'proofCertificate'
  | 'proofCardWithNotice'
  | 'proofHealthInsuranceCard'
  | 'knownRepeatPatient'
  | 'declarationForm'
  | 'noInsurance'
  | 'chargeCopay'
  | 'paperPrescription'
  | 'outageSearchAfterRecovery'
  | 'claimCurrentQualification'
  | 'claimPastQualification'
  | 'askPatientForNumbers'
  | 'claimUnknownWithRemarks';

/** Where a step sits: first try to check, then prove, else fall back; then charge, prescribe, claim. */
export type GuidePhase = 'check' | 'explain' | 'proof' | 'fallback' | 'charge' | 'prescription' | 'afterRecovery' | 'claim';

/**
 * The condition under which a step applies, for the app to say "if …":
 * - noProofShown: none of the steps before worked.
 * - knownPatientNothingChanged: F4's condition. noProofBroughtOrNoValidInsurance: F5's — "or": the
 *   patient brought none of the card / 資格確認書 / 健康保険証, OR has been issued no valid card, and
 *   in either case the online check cannot be done (003 2(3), lines 184–198).
 * - eligibilityNotConfirmed: no valid qualification was confirmed (E8).
 * - currentQualificationKnown, pastQualificationKnown, declarationSubmitted: F6's three ways, in order.
 */
export type GuideCondition =
  | 'noProofShown'
  | 'knownPatientNothingChanged'
  | 'noProofBroughtOrNoValidInsurance'
  | 'eligibilityNotConfirmed'
  | 'currentQualificationKnown'
  | 'pastQualificationKnown'
  | 'declarationSubmitted';

export interface GuideStep {
  id: GuideStepId;
  rule: GuideRule;
  phase: GuidePhase;
  when?: GuideCondition;
}

const step = (id: GuideStepId, rule: GuideRule, phase: GuidePhase, when?: GuideCondition): GuideStep =>
  when === undefined ? { id, rule, phase } : { id, rule, phase, when };

const MYNAPORTAL = step('proofMynaportalScreen', 'F1', 'proof');
/** F1 without the Mynaportal, which cannot show a valid qualification after 無効 / 資格情報なし. */
const OFFLINE_PROOFS = [
  step('proofCertificate', 'F1', 'proof'),
  step('proofCardWithNotice', 'F1', 'proof'),
  step('proofHealthInsuranceCard', 'F1', 'proof'),
];
const ALL_PROOFS = [MYNAPORTAL, ...OFFLINE_PROOFS];
/**
 * F1 without the card at hand: the card with its お知らせ cannot be shown. The Mynaportal screen on
 * a phone already signed in still can (a downloaded PDF needs the card, 001 line 229: not offered).
 */
const PROOFS_WITHOUT_CARD = [MYNAPORTAL, step('proofCertificate', 'F1', 'proof'), step('proofHealthInsuranceCard', 'F1', 'proof')];
/**
 * F7 (002 FAQ #8 #9, lines 5911–5963): with a locked PIN, or a proxy who does not know it, this flow
 * has no face or visual check, so the FAQ's 「健康保険証等」 comes first: 資格確認書 and a still-valid
 * health-insurance card; then the card with its お知らせ; the Mynaportal last (its login asks for
 * the same PIN, so it helps only on a phone already signed in).
 */
const PIN_PROOFS = [
  step('proofCertificate', 'F1', 'proof'),
  step('proofHealthInsuranceCard', 'F1', 'proof'),
  step('proofCardWithNotice', 'F1', 'proof'),
  MYNAPORTAL,
];

/** F4 before F3: for a known patient the verbal confirmation spares the form (003 2(2) なお書). */
const FALLBACKS = [
  step('knownRepeatPatient', 'F4', 'fallback', 'knownPatientNothingChanged'),
  step('declarationForm', 'F3', 'fallback', 'noProofShown'),
  step('noInsurance', 'F5', 'fallback', 'noProofBroughtOrNoValidInsurance'),
];
const CHARGE = step('chargeCopay', 'E7', 'charge');
const PAPER_PRESCRIPTION = step('paperPrescription', 'E8', 'prescription', 'eligibilityNotConfirmed');
const OUTAGE_SEARCH = step('outageSearchAfterRecovery', 'F8', 'afterRecovery', 'eligibilityNotConfirmed');
/** F6 in its order (003 3(1)–(4), 別添1 レセプト請求 1–3). */
const CLAIMS = [
  step('claimCurrentQualification', 'F6', 'claim', 'currentQualificationKnown'),
  step('claimPastQualification', 'F6', 'claim', 'pastQualificationKnown'),
  step('askPatientForNumbers', 'F6', 'claim', 'declarationSubmitted'),
  step('claimUnknownWithRemarks', 'F6', 'claim', 'declarationSubmitted'),
];

/** The whole guide: per cause, the steps in the order to walk them. */
// F2 first: the patient's phone may still reach the service, which is a real online check.
// Without a connection the e-prescription service is out of reach too (E8), and the outage
// search is the way to a current qualification once the service is back (F8).
const DEVICE_OUTAGE_WALK: readonly GuideStep[] = [
  step('usePatientDevice', 'F2', 'check'),
  ...ALL_PROOFS,
  ...FALLBACKS,
  CHARGE,
  PAPER_PRESCRIPTION,
  OUTAGE_SEARCH,
  ...CLAIMS,
];

export const FALLBACK_GUIDE: Readonly<Record<FallbackCause, readonly GuideStep[]>> = {
  // A broken card reader is an outage like the network's (003 lines 163–173, F8): the patient's
  // own phone reads the card with the card app (F2), then the proofs.
  readerBroken: DEVICE_OUTAGE_WALK,
  networkOrTabletFailure: DEVICE_OUTAGE_WALK,
  serviceOutage: [...ALL_PROOFS, ...FALLBACKS, CHARGE, PAPER_PRESCRIPTION, OUTAGE_SEARCH, ...CLAIMS],
  // The explanation leads into F1's proofs, hence its rule.
  // No card, no card check: the proofs that need no card, then F4 / F3 / F5 (F5 is "brought none
  // of card / 資格確認書 / 健康保険証"). Like the other card problems, no outage search (F8 is for
  // power, network and reader failures) and no paper-prescription step.
  cardForgotten: [...PROOFS_WITHOUT_CARD, ...FALLBACKS, CHARGE, ...CLAIMS],
  cardUnusable: [step('explainCardUnusable', 'F1', 'explain'), ...ALL_PROOFS, ...FALLBACKS, CHARGE, ...CLAIMS],
  pinLocked: [step('explainPinLocked', 'F7', 'explain'), ...PIN_PROOFS, ...FALLBACKS, CHARGE, ...CLAIMS],
  faceAuthOnlyCard: [step('explainFaceAuthOnlyCard', 'R2', 'explain'), ...ALL_PROOFS, ...FALLBACKS, CHARGE, ...CLAIMS],
  // 004: with 無効 / 資格情報なし no electronic prescription can be issued (E8).
  resultLost: [...OFFLINE_PROOFS, ...FALLBACKS, CHARGE, PAPER_PRESCRIPTION, ...CLAIMS],
  resultNotFound: [step('checkInputErrors', 'E2', 'check'), ...OFFLINE_PROOFS, ...FALLBACKS, CHARGE, PAPER_PRESCRIPTION, ...CLAIMS],
  resultLostWithNew: [step('askNewerQualification', 'E2', 'check'), ...ALL_PROOFS, ...FALLBACKS, CHARGE, PAPER_PRESCRIPTION, ...CLAIMS],
};

/** The steps for a cause, in order; the caller gets its own array. */
export function guideFor(cause: FallbackCause): GuideStep[] {
  return FALLBACK_GUIDE[cause].map((s) => ({ ...s }));
}

/** Just the step ids for a cause, in order. */
export function guideStepIds(cause: FallbackCause): GuideStepId[] {
  return FALLBACK_GUIDE[cause].map((s) => s.id);
}

// ---------------------------------------------------------------------------------------------
// The outcome recorded with the visit.

/**
 * How eligibility was settled at the visit: one of the check, proof or fallback steps.
 * - patientDevice (F2), newerQualification / inputCorrected (E2): the online check worked after all.
 * - the four F1 proofs; knownRepeatPatient (F4); declarationForm (F3); noInsurance (F5).
 */
export const GUIDE_RESOLUTIONS = [
  'patientDevice',
  'newerQualification',
  'inputCorrected',
  'proofMynaportalScreen',
  'proofCertificate',
  'proofCardWithNotice',
  'proofHealthInsuranceCard',
  'knownRepeatPatient',
  'declarationForm',
  'noInsurance',
] as const;
export type GuideResolution = (typeof GUIDE_RESOLUTIONS)[number];

const RESOLUTION_STEP: Readonly<Record<GuideResolution, GuideStepId>> = {
  patientDevice: 'usePatientDevice',
  newerQualification: 'askNewerQualification',
  inputCorrected: 'checkInputErrors',
  proofMynaportalScreen: 'proofMynaportalScreen',
  proofCertificate: 'proofCertificate',
  proofCardWithNotice: 'proofCardWithNotice',
  proofHealthInsuranceCard: 'proofHealthInsuranceCard',
  knownRepeatPatient: 'knownRepeatPatient',
  declarationForm: 'declarationForm',
  noInsurance: 'noInsurance',
};

/** The resolutions a cause's guide offers, in its order. */
export function resolutionsFor(cause: FallbackCause): GuideResolution[] {
  const ids = guideStepIds(cause);
  return GUIDE_RESOLUTIONS.filter((r) => ids.includes(RESOLUTION_STEP[r])).sort(
    (a, b) => ids.indexOf(RESOLUTION_STEP[a]) - ids.indexOf(RESOLUTION_STEP[b]),
  );
}

/** F6: how the visit was (or will be) claimed; set later, from the staff inbox. */
export const CLAIM_METHODS = ['currentQualification', 'pastQualification', 'unknown'] as const;
export type ClaimMethod = (typeof CLAIM_METHODS)[number];

/** What the guide led to, recorded with the visit. */
export interface GuideOutcome {
  cause: FallbackCause;
  resolution: GuideResolution;
  /** The declaration (its client id) when the form was filled (F3); otherwise null. */
  declarationId: string | null;
  /** What was collected (E7, F5), or null when nothing was collected at the visit. */
  copayPercent: CopayPercent | null;
  copayBasis: CopayBasis | null;
  /** E8: a paper prescription was issued instead of an electronic one. */
  paperPrescription: boolean;
  /** F8: the outage search is still to be done once the service is back. */
  outageSearchPending: boolean;
  /** F6, once known. */
  claimMethod: ClaimMethod | null;
  /** When the outcome was recorded, ISO-8601 instant. */
  recordedAt: string;
}

export type GuideOutcomeProblem =
  | 'resolutionNotInGuide'
  | 'declarationMissing'
  | 'declarationUnexpected'
  | 'outageSearchNotInGuide'
  | 'unknownClaimNeedsDeclaration';

/** Inconsistencies in a recorded outcome; empty when it is coherent with the guide. */
export function checkGuideOutcome(outcome: GuideOutcome): GuideOutcomeProblem[] {
  const problems: GuideOutcomeProblem[] = [];
  const ids = guideStepIds(outcome.cause);
  if (!ids.includes(RESOLUTION_STEP[outcome.resolution])) problems.push('resolutionNotInGuide');
  if (outcome.resolution === 'declarationForm' && outcome.declarationId === null) problems.push('declarationMissing');
  if (outcome.resolution !== 'declarationForm' && outcome.declarationId !== null) problems.push('declarationUnexpected');
  if (outcome.outageSearchPending && !ids.includes('outageSearchAfterRecovery')) problems.push('outageSearchNotInGuide');
  // 003 3(4): 「不詳」 only for a patient who submitted the form (F4 counts as submitted).
  if (outcome.claimMethod === 'unknown' && outcome.resolution !== 'declarationForm' && outcome.resolution !== 'knownRepeatPatient') {
    problems.push('unknownClaimNeedsDeclaration');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// F8: the outage search (資格情報照会（システム障害時）, 003 別添2 lines 564–570).

/** What the outage search is given. */
export interface OutageSearchCriteria {
  dateOfBirth: JstDate | null;
  sex: Sex | null;
  /** 資格確認日: the day the eligibility is checked for (the visit). */
  checkDate: JstDate | null;
  /** 氏名 and 氏名（カナ）: one of them, matched exactly. */
  name: string;
  nameKana: string;
  /** 住所 or 保険者名: one of them. */
  address: string;
  insurerName: string;
}

/** What is missing for the search: the three required items, then the two either-or pairs. */
export type OutageSearchMissing = 'dateOfBirth' | 'sex' | 'checkDate' | 'nameOrKana' | 'addressOrInsurer';

/** F8: the items still missing before the outage search can run; empty when it can. */
export function outageSearchMissing(criteria: OutageSearchCriteria): OutageSearchMissing[] {
  const missing: OutageSearchMissing[] = [];
  const blank = (v: string) => v.trim() === '';
  if (criteria.dateOfBirth === null) missing.push('dateOfBirth');
  if (criteria.sex === null) missing.push('sex');
  if (criteria.checkDate === null) missing.push('checkDate');
  if (blank(criteria.name) && blank(criteria.nameKana)) missing.push('nameOrKana');
  if (blank(criteria.address) && blank(criteria.insurerName)) missing.push('addressOrInsurer');
  return missing;
}

/** The declaration's items the outage search reads, its date of birth already read from the era boxes. */
export type OutageSearchSource = Pick<Declaration, 'sex' | 'declaredOn' | 'name' | 'nameKana' | 'address' | 'insurerName'> & {
  dateOfBirth: JstDate | null;
};

/**
 * F8 from a declaration: the form's 年月日 is the visit day, which is the 資格確認日 the search asks
 * for (the form starts it as the day the form was opened). A form typed as text (the screen) and a
 * submitted Declaration both fit.
 */
function outageSearchCriteriaFrom(source: OutageSearchSource): OutageSearchCriteria {
  return {
    dateOfBirth: source.dateOfBirth,
    sex: source.sex,
    checkDate: source.declaredOn,
    name: source.name,
    nameKana: source.nameKana,
    address: source.address,
    insurerName: source.insurerName,
  };
}

/**
 * F8: the search keys a declaration still lacks — flagged on the form before 送信 and in what
 * follows it, never a reason to refuse saving or sending (D3). Empty when the search can run.
 */
export function declarationSearchMissing(source: OutageSearchSource): OutageSearchMissing[] {
  return outageSearchMissing(outageSearchCriteriaFrom(source));
}

/** Which form fields fill each search key (for flagging them on the form). */
export const OUTAGE_SEARCH_FIELDS: Readonly<Record<OutageSearchMissing, readonly (keyof OutageSearchSource)[]>> = {
  dateOfBirth: ['dateOfBirth'],
  sex: ['sex'],
  checkDate: ['declaredOn'],
  nameOrKana: ['name', 'nameKana'],
  addressOrInsurer: ['address', 'insurerName'],
};
