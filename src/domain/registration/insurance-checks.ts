import { selectQualification, type EligibilityRecord, type QualificationCandidate, type SelectionReason } from './eligibility.ts';

/**
 * The person page's checks on an eligibility record that flag, never block:
 * E4 (elderly copay ratio vs cost-limit category), E5 (which qualification was shown and why)
 * and E6 (medical aid vs social insurance).
 */

export type CopayContradiction =
  /** 1–2割 on the card, yet the cost-limit category says 現役並み income. */
  | 'lowRatioWithActiveIncome'
  /** 3割 on the card, yet the cost-limit category says 一般 or 低所得. */
  | 'highRatioWithGeneralOrLowIncome';

export interface CopayCheck {
  contradiction: CopayContradiction;
  copayRatio: number;
  applicationCategory: string;
}

/**
 * E4 (001 1-④): 1–2割 with 現役並み, or 3割 with 一般/低所得, is inconsistent (often a household
 * change not yet reflected) ⇒ staff confirm with the insurer. The ratio is the 高齢受給者証's
 * (70–74) or the 後期高齢者 card's; without both a ratio and a category there is nothing to compare.
 */
export function copayCategoryCheck(record: Pick<EligibilityRecord, 'copayRatio' | 'elderlyRecipient' | 'costLimit'>): CopayCheck | null {
  const copayRatio = record.elderlyRecipient?.copayRatio ?? record.copayRatio;
  const category = record.costLimit?.applicationCategory.normalize('NFKC').trim() ?? '';
  if (copayRatio === null || category === '') return null;
  const applicationCategory = record.costLimit?.applicationCategory ?? '';
  if (copayRatio <= 20 && category.startsWith('現役並み')) return { contradiction: 'lowRatioWithActiveIncome', copayRatio, applicationCategory };
  if (copayRatio >= 30 && (category.startsWith('一般') || category.startsWith('低所得'))) {
    return { contradiction: 'highRatioWithGeneralOrLowIncome', copayRatio, applicationCategory };
  }
  return null;
}

/** E6 (002 医療券・調剤券情報): the flag is set ⇒ staff check with the welfare office. */
export function medicalAidCheck(record: Pick<EligibilityRecord, 'medicalAidSocialInsuranceInconsistent'>): 'contactWelfareOffice' | null {
  return record.medicalAidSocialInsuranceInconsistent ? 'contactWelfareOffice' : null;
}

/** One qualification as the person page lists it for E5 (no medical content). */
export interface QualificationSummary {
  insurerNumber: string;
  insurerName: string;
  medicalAid: boolean;
  municipalNhi: boolean;
  cardIssuedOn: string | null;
  cardValidFrom: string | null;
  cardValidTo: string | null;
  qualificationAcquiredOn: string | null;
  qualificationLostOn: string | null;
}

export interface QualificationChoice {
  /** Every qualification considered, in the source's order. */
  candidates: QualificationSummary[];
  chosenIndex: number;
  reason: SelectionReason;
  /** How many candidates share the chosen one's issue date (医療扶助: its acquisition date). */
  sharingDate: number;
}

/**
 * E5 (002 §(5)): which qualification the record shows among several, and the criterion that
 * decided — latest issue, then latest start, then not 市町村国保, then the farthest end; 医療扶助 by
 * acquisition, then loss. null when there was only one.
 */
export function explainQualificationChoice<T extends QualificationCandidate & Pick<QualificationSummary, 'insurerNumber' | 'insurerName'>>(
  candidates: readonly T[],
): QualificationChoice | null {
  if (candidates.length < 2) return null;
  const { chosen, reason } = selectQualification(candidates);
  const dateOf = (c: T) => (c.medicalAid ? c.qualificationAcquiredOn : c.cardIssuedOn);
  return {
    candidates: candidates.map((c) => ({
      insurerNumber: c.insurerNumber,
      insurerName: c.insurerName,
      medicalAid: c.medicalAid,
      municipalNhi: c.municipalNhi,
      cardIssuedOn: c.cardIssuedOn,
      cardValidFrom: c.cardValidFrom,
      cardValidTo: c.cardValidTo,
      qualificationAcquiredOn: c.qualificationAcquiredOn,
      qualificationLostOn: c.qualificationLostOn,
    })),
    chosenIndex: candidates.indexOf(chosen),
    reason,
    sharingDate: candidates.filter((c) => dateOf(c) === dateOf(chosen)).length,
  };
}
