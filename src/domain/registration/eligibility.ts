/**
 * The eligibility record (資格情報) the national online-eligibility system returns, its statuses,
 * what to do next for each (E2) and which qualification is shown when several exist (E5).
 *
 * Fields follow 002 「資格確認結果の取扱い・留意事項」 (seed 002 lines ~4180–4990); where that
 * document and DOMAIN §6 differ, the document wins and the field's comment says so.
 * Conventions: text the system may leave blank (空欄) is '' ; a blank date is null; every date is
 * a calendar date 'YYYY-MM-DD'. No field ever holds a My Number (P1).
 */

/** DOMAIN §6 statuses: 有効, 無効（資格喪失）, 無効（新しい資格あり）, 該当資格なし, 有効（未登録）. */
export const ELIGIBILITY_STATUSES = ['valid', 'lost', 'lostWithNew', 'notFound', 'validUnregistered'] as const;
export type EligibilityStatus = (typeof ELIGIBILITY_STATUSES)[number];

export type Sex = 'male' | 'female';

/**
 * 被保険者証区分 (item 8), one of exactly the eight kinds the document lists:
 * 被保険者証（一般）, 被保険者証（退職）, 短期被保険者証（一般）, 短期被保険者証（退職）,
 * 被保険者資格証明書, 特例退職被保険者証, 自衛官診療証, 医療扶助.
 */
export const CARD_TYPES = [
  'general',
  'retired',
  'shortTermGeneral',
  'shortTermRetired',
  'qualificationCertificate',
  'specialRetired',
  'selfDefenseForces',
  'medicalAid',
] as const;
export type CardType = (typeof CARD_TYPES)[number];

/** 資格喪失事由: exactly four values — 死亡, 生活保護受給開始, 医療保険等の資格取得, その他 (E10). */
export const LOSS_REASONS = ['death', 'publicAssistanceStarted', 'otherInsuranceAcquired', 'other'] as const;
export type LossReason = (typeof LOSS_REASONS)[number];

/** 高齢受給者証 (items 18–21), ages 70–74 outside 後期高齢者医療. */
export interface ElderlyRecipientCard {
  /** 高齢受給者証一部負担金割合, percent: 20 or 30 (10 for some transitional cases). */
  copayRatio: number;
  /** 高齢受給者証有効開始年月日 (発効年月日 / 発効期日). */
  validFrom: string | null;
  /** 高齢受給者証有効終了年月日 (有効期限). */
  validTo: string | null;
  /** 高齢受給者証交付年月日; may stay at the first issue after yearly renewals. Not in DOMAIN §6, in the document (item 20). */
  issuedOn: string | null;
}

/** 限度額適用認定証関連情報 (items 22–27). */
export interface CostLimitCertificate {
  /** 限度額適用認定証区分 (item 22), e.g. 限度額適用認定証 or 限度額適用・標準負担額減額認定証. */
  category: string;
  /** 限度額適用認定証適用区分 (item 26): ア–オ under 70; 現役並みⅠ/Ⅱ, 一般, 低所得Ⅱ/Ⅰ from 70 (E4 compares it). */
  applicationCategory: string;
  /** 限度額適用認定証有効開始年月日 (発効年月日 / 発効期日). */
  validFrom: string | null;
  /** 限度額適用認定証有効終了年月日: blank in principle, some insurers put the next renewal date. */
  validTo: string | null;
  /** 限度額適用認定証交付年月日; may stay at the first issue after yearly renewals. */
  issuedOn: string | null;
  /** 限度額適用認定証長期入院該当年月日. */
  longStayDate: string | null;
}

/** 特定疾病療養受療証情報 (items 28–32); sensitive, only through card authentication (S4). */
export interface SpecificDiseaseCertificate {
  /** 特定疾病療養受療証認定疾病区分 (the 認定疾病名 on the certificate). */
  diseaseCategory: string;
  /** 特定疾病療養受療証自己負担限度額, yen per month (e.g. 10000). */
  selfPayLimit: number | null;
  /** 特定疾病療養受療証有効開始年月日 (発効期日). */
  validFrom: string | null;
  /** 特定疾病療養受療証有効終了年月日: blank in principle. */
  validTo: string | null;
  /** 特定疾病療養受療証交付年月日. Not in DOMAIN §6, in the document (item 30). */
  issuedOn: string | null;
}

/** 医療券・調剤券情報 (medical-aid tickets switch every month). */
export interface MedicalAidTicket {
  /** 医療券・調剤券別. */
  kind: 'medical' | 'dispensing';
  /** 医療券・調剤券有効開始年月日. */
  validFrom: string | null;
  /** 医療券・調剤券有効終了年月日. */
  validTo: string | null;
  /** 交付番号. */
  issueNumber: string;
  /** 診療年月, 'YYYY-MM'. */
  treatmentMonth: string;
  /** 指定医療機関コード. */
  designatedInstitutionCode: string;
  /** 指定医療機関確認フラグ: 「不一致」 when the ticket's institution code is not the requesting one. */
  designatedInstitutionMismatch: boolean;
  /** 指定医療機関名. */
  designatedInstitutionName: string;
  /** 処方箋発行元医療機関コード. */
  prescribingInstitutionCode: string;
  /** 処方箋発行元医療機関名. */
  prescribingInstitutionName: string;
  /** 傷病名1–3. */
  diseaseNames: string[];
  /** 診療別. */
  treatmentKind: string;
  /** 本人支払額（自己負担額）, yen. */
  selfPayAmount: number | null;
  /** 地区担当員名. */
  caseworkerName: string;
  /** 取扱担当者名. */
  handlerName: string;
  /** 単独・併用別. */
  singleOrCombined: 'single' | 'combined' | null;
  /** 社会保険状況 (has social insurance). */
  hasSocialInsurance: boolean;
  /** 感染症の予防及び感染症の患者に対する医療に関する法律第37条の2の該当状況. */
  infectiousDiseaseAct37_2: boolean;
  /** 後期高齢者医療の該当状況. */
  lateElderlyMedicalCare: boolean;
  /** 都道府県費の該当状況. */
  prefecturalExpense: boolean;
  /** 備考1–3: further disease names or the other public-expense scheme's name. */
  remarks: string[];
}

export interface EligibilityRecord {
  status: EligibilityStatus;

  // 基本情報: current name and address even when checked as of a past date.
  /** 氏名; 「●」 stands for characters the system cannot represent and may be claimed as shown. */
  name: string;
  /** 氏名カナ (half-width); may be '' (optional for insurers); small kana may appear large (ｷｮｳｺ→ｷﾖｳｺ). */
  nameKana: string;
  /** 氏名（その他）: the legal name when the card face carries another (通称). Item 3; not in DOMAIN §6. */
  nameOther: string;
  /** 氏名カナ（その他）. Item 3; not in DOMAIN §6. */
  nameKanaOther: string;
  /** 性別1: the sex on the card face; null when the face omits it. */
  sex1: Sex | null;
  /** 性別2: the legal sex (戸籍上), set only when the person asked for the face to omit it. */
  sex2: Sex | null;
  /** 生年月日; '1900-01-01' means unknown (医療扶助). null only when no record exists (notFound). */
  dateOfBirth: string | null;
  /** 住所; may be '' or contain 「●」. */
  address: string;
  /** 郵便番号; may be ''. */
  postalCode: string;

  // 資格情報（証情報）
  /** 被保険者証区分. */
  cardType: CardType | null;
  /** 保険者番号: 8 digits, 6 for 国保; for 医療扶助 the 公費負担者番号. */
  insurerNumber: string;
  /**
   * 保険者名称; for 医療扶助 the municipality / welfare office (自治体・福祉事務所名). E10: the
   * insurer's address and contact (保険者所在地・連絡先) are not supplied, so the record has no field for them.
   */
  insurerName: string;
  /** 被保険者証記号; '' for 医療扶助. */
  symbol: string;
  /** 被保険者証番号; for 医療扶助 the 受給者番号. */
  number: string;
  /** 被保険者証枝番: 2 digits, '' for 後期高齢者 and 医療扶助. */
  branch: string;
  /**
   * 本人・家族の別 (本人 is the 世帯主 for 国保). null for 後期高齢者 and 医療扶助, where only the
   * person themself is covered: the document says so (item 10), DOMAIN §6 does not.
   */
  relationship: 'insured' | 'dependent' | null;
  /** 被保険者氏名: the insured person (for a 家族, who supports them); '' for 医療扶助. */
  insuredPersonName: string;
  /** 被保険者証有効開始年月日; blank for 医療扶助. */
  cardValidFrom: string | null;
  /** 被保険者証有効終了年月日: blank in principle; some insurers put the renewal date or the day before turning 75. */
  cardValidTo: string | null;
  /** 被保険者証交付年月日; blank for 医療扶助; may stay at the first issue for 国保 and 後期高齢者. */
  cardIssuedOn: string | null;
  /** 被保険者証一部負担金割合, percent (10, 20, 30): set only for 後期高齢者医療, else null. */
  copayRatio: number | null;

  // オンライン資格確認システム固有項目
  /** 資格取得年月日; for 医療扶助 the day public assistance started or restarted. */
  qualificationAcquiredOn: string | null;
  /** 資格喪失年月日; for 医療扶助 the day public assistance stopped or ended. */
  qualificationLostOn: string | null;
  /** 資格喪失事由; may be set before the loss (e.g. when the 75th birthday is recorded). */
  lossReason: LossReason | null;
  /** 未就学区分: computed from the date of birth so that the 20 % copay is not missed (E7). */
  preSchool: boolean;
  /** 照会番号: the clinic's own patient number, registered per institution (R9); null when none. */
  referenceNumber: string | null;

  /** 高齢受給者証. */
  elderlyRecipient: ElderlyRecipientCard | null;
  /** 限度額適用認定証関連情報. */
  costLimit: CostLimitCertificate | null;
  /** 特定疾病療養受療証情報. */
  specificDisease: SpecificDiseaseCertificate | null;
  /** 医療券・調剤券情報; null for 医療扶助 with no ticket issued yet (validUnregistered). */
  medicalAidTicket: MedicalAidTicket | null;
  /**
   * 社会保険状況の整合性フラグ (E6): the ticket's 社会保険状況 and the health-insurance data
   * disagree. The document carries it among the ticket items, so it is false without a ticket.
   */
  medicalAidSocialInsuranceInconsistent: boolean;
}

/**
 * E2: what to do next for a status, as step ids the app turns into text.
 * - proceed: eligibility confirmed.
 * - askNewerQualification: a newer qualification exists; ask the patient for it.
 * - askCertificate: 資格確認書. askCardWithNotice: the card with 資格情報のお知らせ.
 *   askHealthInsuranceCard: a 健康保険証 that is still valid (002 FAQ #12 ①: 健康保険証等).
 *   askMynaportalScreen: the patient's Mynaportal eligibility screen.
 * - declarationForm: 被保険者資格申立書 when none of the above works (§8).
 * - checkInputErrors: re-check the numbers typed ("C" vs "0", leading zeros).
 * - askMedicalTicket: the paper 医療券 the patient may hold. contactWelfareOffice: ask the 福祉事務所.
 */
export type NextStep =
  | 'proceed'
  | 'askNewerQualification'
  | 'askCertificate'
  | 'askCardWithNotice'
  | 'askHealthInsuranceCard'
  | 'askMynaportalScreen'
  | 'declarationForm'
  | 'checkInputErrors'
  | 'askMedicalTicket'
  | 'contactWelfareOffice';

// 003 (※ under 本文 1): after 資格（無効）or 資格情報なし the Mynaportal cannot show a valid
// qualification either, so its screen is not offered for those statuses (DOMAIN E2 agrees now).
// A still-valid 健康保険証 is among the proofs (DOMAIN E2; 002 FAQ #12 ①, seed 002 l.6024–6034).
const ALTERNATIVE_PROOFS: readonly NextStep[] = ['askCertificate', 'askCardWithNotice', 'askHealthInsuranceCard', 'declarationForm'];

/** E2 (001 ②; 002 有効（未登録） notes): the steps for a status, in the order staff try them. */
export function nextSteps(status: EligibilityStatus): NextStep[] {
  switch (status) {
    case 'valid':
      return ['proceed'];
    case 'lost':
      return [...ALTERNATIVE_PROOFS];
    case 'lostWithNew':
      // The newer qualification is the one to claim on; the alternatives remain if it is not at hand.
      return ['askNewerQualification', 'askMynaportalScreen', ...ALTERNATIVE_PROOFS];
    case 'notFound':
      // A typing error is the cheapest cause to rule out (001 ②: 照会情報の入力誤り).
      return ['checkInputErrors', ...ALTERNATIVE_PROOFS];
    case 'validUnregistered':
      // Public assistance without a ticket: use a paper ticket if the patient has one, else ask the welfare office.
      return ['askMedicalTicket', 'contactWelfareOffice'];
    default: {
      const unexpected: never = status;
      throw new RangeError(`unknown status ${String(unexpected)}`);
    }
  }
}

/** What E5 needs to know about each qualification. */
export interface QualificationCandidate {
  /** 医療扶助: chosen by acquisition and loss dates instead of card dates. */
  medicalAid: boolean;
  /** 保険制度が市町村国保 (a 国保組合 is not). */
  municipalNhi: boolean;
  cardIssuedOn: string | null;
  cardValidFrom: string | null;
  cardValidTo: string | null;
  qualificationAcquiredOn: string | null;
  qualificationLostOn: string | null;
}

/** Which criterion decided; 'latestIssue' when the newest issue date alone did. */
export type SelectionReason =
  | 'only'
  | 'latestIssue'
  | 'latestStart'
  | 'notMunicipalNhi'
  | 'farthestEnd'
  | 'latestAcquisition'
  | 'farthestLoss';

export interface QualificationSelection<T> {
  chosen: T;
  reason: SelectionReason;
}

/** A criterion gives each candidate a sortable key; the highest key wins. */
interface Criterion<T> {
  reason: SelectionReason;
  key: (candidate: T) => string;
}

// 'YYYY-MM-DD' strings sort as dates; a blank date sorts as the earliest or as the farthest.
const earliestIfBlank = (date: string | null) => date ?? '';
const farthestIfBlank = (date: string | null) => date ?? '9999-12-31';

/**
 * E5 (002 §(5) 資格確認, seed lines 1346–1362): the qualification to show among those in force.
 * The newest issue date first; among those sharing it, the latest start date, then not
 * 市町村国保, then the farthest end date (a blank end never ends). 医療扶助: the latest
 * acquisition date, then the farthest loss date. The reason is the criterion that left one
 * candidate; a complete tie keeps the first in input order with the last criterion as reason.
 */
export function selectQualification<T extends QualificationCandidate>(candidates: readonly T[]): QualificationSelection<T> {
  const [first, ...others] = candidates;
  if (first === undefined) throw new RangeError('no qualification to select from');
  if (others.length === 0) return { chosen: first, reason: 'only' };
  if (others.some((c) => c.medicalAid !== first.medicalAid)) {
    // The document gives no rule across the two kinds; they are separate results.
    throw new RangeError('medical aid and health insurance are selected separately');
  }
  const criteria: Criterion<T>[] = first.medicalAid
    ? [
        { reason: 'latestAcquisition', key: (c) => earliestIfBlank(c.qualificationAcquiredOn) },
        { reason: 'farthestLoss', key: (c) => farthestIfBlank(c.qualificationLostOn) },
      ]
    : [
        { reason: 'latestIssue', key: (c) => earliestIfBlank(c.cardIssuedOn) },
        { reason: 'latestStart', key: (c) => earliestIfBlank(c.cardValidFrom) },
        { reason: 'notMunicipalNhi', key: (c) => (c.municipalNhi ? '0' : '1') },
        { reason: 'farthestEnd', key: (c) => farthestIfBlank(c.cardValidTo) },
      ];

  let remaining: readonly T[] = candidates;
  for (const criterion of criteria) {
    const best = remaining.reduce((max, c) => (criterion.key(c) > max ? criterion.key(c) : max), '');
    remaining = remaining.filter((c) => criterion.key(c) === best);
    if (remaining.length === 1) return { chosen: remaining[0] ?? first, reason: criterion.reason };
  }
  // A complete tie: the last criterion was applied and input order decides.
  const last = criteria[criteria.length - 1];
  return { chosen: remaining[0] ?? first, reason: last?.reason ?? 'only' };
}
