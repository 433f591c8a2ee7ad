/**
 * What a patient pays at the visit when eligibility could not be confirmed online (E7, F3, F5).
 *
 * Sources: 003 本文 2 (lines 127–198) and the 説明書 (lines 648–652): 3割, 未就学児 2割, 70歳以上等
 * 1～3割 as the patient declares; F5 (003 2(3), lines 184–198): no card or proof brought, or no valid
 * insurance card issued (「や」: either) ⇒ 10割
 * in principle, a known repeat patient may be charged 3割等. The age boundaries are the statute's
 * (健康保険法 第74条第1項, 国民健康保険法 第42条第1項, 高齢者の医療の確保に関する法律 第52条・第67条),
 * which the documents summarise as "未就学", "70歳以上" and "後期高齢者":
 * - 未就学 (pre-school): until the first 31 March on or after the day the child reaches 6;
 * - 70–74 (高齢受給者): from the month after the month in which the person reaches 70 — so in the
 *   month of the 70th birthday itself the rate is still 3割, unless born on the 1st;
 * - 後期高齢者: from the 75th birthday, or 65–74 with a disability certification (then the declared
 *   insurance type says so).
 * A person reaches an age (…歳に達する日) on the day before the birthday (年齢計算ニ関スル法律, 民法
 * 第143条), and someone born on 29 February reaches it on 28 February in common years.
 * All dates are Japan calendar dates 'YYYY-MM-DD' (jst.ts).
 */
import type { InsuranceType } from './insurance-type.ts';
import { isJstDate, jstDate, type JstDate } from '../shared/jst.ts';

/** A copay ratio a patient can declare (一部負担金の割合: 3割 / 2割 / 1割), in percent. */
export type RatioPercent = 10 | 20 | 30;
export type CopayPercent = RatioPercent | 100;
/** What the patient declared on the form; 'unknown' is the わからない box. */
export type DeclaredRatio = RatioPercent | 'unknown' | null;

/**
 * Why that percentage:
 * - preSchool: E7 未就学 20 %. general: 30 %. elderly: 70–74, 20 % (30 % 現役並み when declared).
 * - lateElderly: 後期高齢者, as declared (10, 20 or 30 %). declared: date of birth unknown, the
 *   declared ratio taken as it is (003 2(2): 患者が申し立てた自己負担分).
 * - uninsured: F5, 100 %.
 */
export type CopayBasis = 'preSchool' | 'general' | 'elderly' | 'lateElderly' | 'declared' | 'uninsured';

/** Why the percentage must be asked: a 後期高齢者's ratio (1–3割) or a date of birth nobody knows. */
export type MustDeclareReason = 'lateElderlyRatio' | 'unknownDateOfBirth';

export type CopayResult =
  | {
      kind: 'percent';
      percent: CopayPercent;
      basis: CopayBasis;
      /** True when the patient's declaration decided the percentage. */
      declared: boolean;
      /**
       * F5 only, for a known repeat patient: what the clinic may charge instead, at its discretion
       * (003 2(3) ただし書: 3割分等).
       */
      repeatPatientAlternative?: CopayResult;
    }
  | { kind: 'mustDeclare'; reason: MustDeclareReason; choices: readonly RatioPercent[] };

export interface CopayInput {
  /** 'YYYY-MM-DD', or null when unknown. */
  dateOfBirth: JstDate | null;
  /** The visit day, Japan time. */
  onDate: JstDate;
  insuranceType: InsuranceType | null;
  declaredRatio?: DeclaredRatio;
  /**
   * F5: false when the patient brought none of the card / 資格確認書 / 健康保険証, OR has been issued
   * no valid insurance card — either one is enough — and eligibility cannot be checked online
   * (003 2(3), lines 184–198: 「…いずれも持参していない場合や、有効な健康保険証の交付を受けていない
   * 場合であって…」). Default true.
   */
  insured?: boolean;
  /** F5: the clinic knows the patient from earlier visits. */
  knownRepeatPatient?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function addDays(date: JstDate, days: number): JstDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The n-th birthday; for 29 February in a common year, 1 March (the age is reached on 28 February). */
export function birthday(dateOfBirth: JstDate, years: number): JstDate {
  const year = Number(dateOfBirth.slice(0, 4)) + years;
  const monthDay = dateOfBirth.slice(5);
  const adjusted = monthDay === '02-29' && !isLeapYear(year) ? '03-01' : monthDay;
  return `${String(year).padStart(4, '0')}-${adjusted}`;
}

/** …歳に達する日: the day before the n-th birthday. */
export function dayReachingAge(dateOfBirth: JstDate, years: number): JstDate {
  return addDays(birthday(dateOfBirth, years), -1);
}

/** Age in whole years on a day: the birthday is the first day of the new age. */
export function ageOn(dateOfBirth: JstDate, on: JstDate): number {
  if (on < dateOfBirth) throw new RangeError('the day is before the date of birth');
  let age = Number(on.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  if (birthday(dateOfBirth, age) > on) age -= 1;
  return age;
}

/** The last day a child counts as pre-school (未就学): the first 31 March on or after reaching 6. */
export function preSchoolUntil(dateOfBirth: JstDate): JstDate {
  const reaches6 = dayReachingAge(dateOfBirth, 6);
  const year = Number(reaches6.slice(0, 4));
  const march31 = `${String(year).padStart(4, '0')}-03-31`;
  return reaches6 <= march31 ? march31 : `${String(year + 1).padStart(4, '0')}-03-31`;
}

/** E7: 未就学 on that day (born, and not past preSchoolUntil). */
export function isPreSchool(dateOfBirth: JstDate, on: JstDate): boolean {
  return on >= dateOfBirth && on <= preSchoolUntil(dateOfBirth);
}

/** The first day of the 70–74 rate: the 1st of the month after the month in which the person reaches 70. */
export function elderlyRateFrom(dateOfBirth: JstDate): JstDate {
  const reaches70 = dayReachingAge(dateOfBirth, 70);
  const year = Number(reaches70.slice(0, 4));
  const month = Number(reaches70.slice(5, 7));
  return month === 12 ? `${String(year + 1).padStart(4, '0')}-01-01` : `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-01`;
}

/** The first day of 後期高齢者医療 by age: the 75th birthday. */
export function lateElderlyFrom(dateOfBirth: JstDate): JstDate {
  return birthday(dateOfBirth, 75);
}

const RATIO_CHOICES: readonly RatioPercent[] = [30, 20, 10];

/** The eligibility record's date of birth for "unknown" (医療扶助, DOMAIN §6). */
export const UNKNOWN_DATE_OF_BIRTH = '1900-01-01';

function declaredPercent(ratio: DeclaredRatio | undefined): RatioPercent | null {
  return ratio === 10 || ratio === 20 || ratio === 30 ? ratio : null;
}

/**
 * E7 / F5: the percentage to collect at the visit, or why it must be declared.
 * A date of birth after onDate counts as unknown (a typing error), never as a crash; so does the
 * eligibility record's 1900-01-01.
 */
export function expectedCopay(input: CopayInput): CopayResult {
  if (!isJstDate(input.onDate)) throw new RangeError('onDate is not a date');
  if (input.insured === false) {
    // F5: 10割 in principle; a known repeat patient may pay 3割等 at the clinic's discretion.
    const result: CopayResult = { kind: 'percent', percent: 100, basis: 'uninsured', declared: false };
    if (input.knownRepeatPatient) result.repeatPatientAlternative = expectedCopay({ ...input, insured: true });
    return result;
  }
  const declared = declaredPercent(input.declaredRatio);
  const known = input.dateOfBirth;
  const dob = known !== null && known !== UNKNOWN_DATE_OF_BIRTH && isJstDate(known) && known <= input.onDate ? known : null;

  if (dob === null) {
    if (declared !== null) {
      return { kind: 'percent', percent: declared, basis: input.insuranceType === 'lateElderly' ? 'lateElderly' : 'declared', declared: true };
    }
    return { kind: 'mustDeclare', reason: input.insuranceType === 'lateElderly' ? 'lateElderlyRatio' : 'unknownDateOfBirth', choices: RATIO_CHOICES };
  }
  if (isPreSchool(dob, input.onDate)) return { kind: 'percent', percent: 20, basis: 'preSchool', declared: false };
  if (input.insuranceType === 'lateElderly' || input.onDate >= lateElderlyFrom(dob)) {
    // 1割, 2割 or 3割 depends on household income, which only the patient (or the insurer) knows.
    return declared !== null
      ? { kind: 'percent', percent: declared, basis: 'lateElderly', declared: true }
      : { kind: 'mustDeclare', reason: 'lateElderlyRatio', choices: RATIO_CHOICES };
  }
  if (input.onDate >= elderlyRateFrom(dob)) {
    // 2割, or 3割 for 現役並み所得者, which age cannot tell: a declared ratio is taken as it is
    // (003 line 155: a different actual ratio is settled by the insurer, not by returning the claim).
    return declared !== null
      ? { kind: 'percent', percent: declared, basis: 'elderly', declared: true }
      : { kind: 'percent', percent: 20, basis: 'elderly', declared: false };
  }
  return { kind: 'percent', percent: 30, basis: 'general', declared: false };
}

/** expectedCopay for an instant, taking its Japan calendar date as the visit day. */
export function expectedCopayAt(input: Omit<CopayInput, 'onDate'>, at: Date): CopayResult {
  return expectedCopay({ ...input, onDate: jstDate(at) });
}
