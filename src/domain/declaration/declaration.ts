/**
 * The 被保険者資格申立書 (declaration form, 003 別添3 別紙様式, seed lines 683–770) as data, and
 * its rules D1–D4 (DOMAIN §8). The form is filled "as far as you can" when the online check
 * cannot be done (F3); the clinic collects the declared copay (E7, copay.ts) and claims with the
 * declared details (F6). Plain rules only: the zod schema is in declaration-schema.ts.
 *
 * Where the document and DOMAIN §8 differ, the document wins:
 * - the first box reads 「有効な保険証の交付を受けている」 (has been issued a valid card, line 700),
 *   not "holds a valid card";
 * - the 国保 box is one box: 国保 asks for the employer only when the insurer is a 国民健康保険組合
 *   (※1, lines 721–725), so D1 answers "asked if the insurer is a 国保組合" for 国保;
 * - ※4 (lines 759–763) is a note on the whole of section 2, not on one field; ※3 (line 757) is the
 *   box for a residence other than the card's address, inside the 住所 row;
 * - the closing 年月日 line (765) is the date of the declaration, without an era box.
 */
import { ageOn, expectedCopay, type CopayResult, type DeclaredRatio } from './copay.ts';
import type { InsuranceType } from './insurance-type.ts';
import type { Sex } from '../registration/eligibility.ts';
import { parseEraDate, type EraId } from '../shared/era.ts';
import { jstDate, type JstDate } from '../shared/jst.ts';

export { INSURANCE_TYPES, type InsuranceType } from './insurance-type.ts';

/** 保険証の交付を受けた時期: □１か月以内 □それより前 □わからない. */
export const CARD_ISSUED_WHEN = ['withinMonth', 'earlier', 'unknown'] as const;
export type CardIssuedWhen = (typeof CARD_ISSUED_WHEN)[number];

/** 一部負担金の割合, the form's boxes in order: □３割 □２割 □１割 □わからない. */
export const DECLARED_RATIOS = [30, 20, 10, 'unknown'] as const;

/** 性別: □男 □女. */
export const DECLARATION_SEXES = ['male', 'female'] as const satisfies readonly Sex[];

/** 生年月日 as written: era box + 年 月 日. Any part may be blank (D3). */
export interface DeclarationDateOfBirth {
  era: EraId | null;
  year: number | null;
  month: number | null;
  day: number | null;
}

/** A declaration, as saved (blank text is '', a box not ticked is null or false). */
export interface Declaration {
  /** Client-generated UUID: the idempotency key of the outbox (P4), so the server stores it once. */
  id: string;
  /** When the form was started on the device, ISO-8601 instant. */
  createdAt: string;
  /** The institution link token the form was filled under (which clinic receives it). */
  linkToken: string;
  /** The clinic's patient number (照会番号 / chart number) when staff know the patient (D3, F4). */
  referenceNumber: string;

  // 1 保険証等に関する事項
  /** 保険証の有無: □有効な保険証の交付を受けている. */
  holdsValidCard: boolean;
  insuranceType: InsuranceType | null;
  /** 保険者等名称. */
  insurerName: string;
  /** 事業所名 ※1 (D1). */
  employerName: string;
  cardIssuedWhen: CardIssuedWhen | null;
  /** 一部負担金の割合 ※2 (D2), percent or 'unknown' (わからない). */
  copayRatio: DeclaredRatio;

  // 2 マイナンバーカードの券面事項等 (※4: as written on the card)
  /** 氏名. */
  name: string;
  /** （フリガナ）, stored as full-width katakana (D4). */
  nameKana: string;
  dateOfBirth: DeclarationDateOfBirth;
  sex: Sex | null;
  /** 住所. */
  address: string;
  /** ※3 居所: a residence other than the address on the card. */
  otherResidence: string;

  /** 年月日: the day of the declaration, 'YYYY-MM-DD'. */
  declaredOn: JstDate | null;
  /** 署名, drawn on the screen: a PNG data URL, or null when not signed (yet). */
  signature: string | null;
  /** 患者との関係 ※5: filled when a guardian or someone else signs; '' when the patient does. */
  relationship: string;
  /** 連絡先電話番号. */
  phone: string;
}

export type DeclarationFieldId = Exclude<keyof Declaration, 'id' | 'createdAt' | 'linkToken' | 'referenceNumber'>;
export type DeclarationNoteId = '※1' | '※2' | '※3' | '※4' | '※5';
export type DeclarationSectionId = 'insurance' | 'cardFace' | 'signature';
export type DeclarationFieldKind = 'checkbox' | 'choice' | 'text' | 'kana' | 'eraDate' | 'date' | 'signature' | 'phone';

export interface DeclarationOption<V> {
  value: V;
  ja: string;
  en: string;
}

export interface DeclarationField {
  id: DeclarationFieldId;
  section: DeclarationSectionId;
  kind: DeclarationFieldKind;
  /** The row label as printed on the form. */
  labelJa: string;
  labelEn: string;
  /** The note marker printed with the label. */
  note?: DeclarationNoteId;
  /** The boxes, in the form's order (for checkbox: the one box's text). */
  options?: readonly DeclarationOption<string | number>[];
}

export interface DeclarationSection {
  id: DeclarationSectionId;
  /** The heading as printed ('' for the unheaded closing block). */
  headingJa: string;
  headingEn: string;
  /** Notes printed for the section as a whole. */
  notes: readonly DeclarationNoteId[];
}

export const DECLARATION_SECTIONS: readonly DeclarationSection[] = [
  { id: 'insurance', headingJa: '１ 保険証等に関する事項', headingEn: '1 Health insurance', notes: ['※1', '※2'] },
  { id: 'cardFace', headingJa: '２ マイナンバーカードの券面事項等', headingEn: '2 As on the My Number card', notes: ['※3', '※4'] },
  { id: 'signature', headingJa: '', headingEn: '', notes: ['※5'] },
];

/** Every field of the form, in the document's order (003 lines 698–770). UI and print view follow it. */
export const DECLARATION_FIELDS: readonly DeclarationField[] = [
  {
    id: 'holdsValidCard',
    section: 'insurance',
    kind: 'checkbox',
    labelJa: '保険証の有無',
    labelEn: 'Health insurance card',
    options: [{ value: 'yes', ja: '有効な保険証の交付を受けている', en: 'I have been issued a valid health insurance card' }],
  },
  {
    id: 'insuranceType',
    section: 'insurance',
    kind: 'choice',
    labelJa: '保険種別',
    labelEn: 'Type of insurance',
    options: [
      { value: 'employee', ja: '社保', en: 'Employee insurance' },
      { value: 'national', ja: '国保', en: 'National Health Insurance' },
      { value: 'lateElderly', ja: '後期', en: 'Late-stage elderly' },
      { value: 'other', ja: 'その他', en: 'Other' },
      { value: 'unknown', ja: 'わからない', en: "Don't know" },
    ],
  },
  { id: 'insurerName', section: 'insurance', kind: 'text', labelJa: '保険者等名称', labelEn: 'Insurer' },
  { id: 'employerName', section: 'insurance', kind: 'text', labelJa: '事業所名', labelEn: 'Employer', note: '※1' },
  {
    id: 'cardIssuedWhen',
    section: 'insurance',
    kind: 'choice',
    labelJa: '保険証の交付を受けた時期',
    labelEn: 'When the card was issued',
    options: [
      { value: 'withinMonth', ja: '１か月以内', en: 'Within the last month' },
      { value: 'earlier', ja: 'それより前', en: 'Earlier' },
      { value: 'unknown', ja: 'わからない', en: "Don't know" },
    ],
  },
  {
    id: 'copayRatio',
    section: 'insurance',
    kind: 'choice',
    labelJa: '一部負担金の割合',
    labelEn: 'Copayment ratio',
    note: '※2',
    options: [
      { value: 30, ja: '３割', en: '30 %' },
      { value: 20, ja: '２割', en: '20 %' },
      { value: 10, ja: '１割', en: '10 %' },
      { value: 'unknown', ja: 'わからない', en: "Don't know" },
    ],
  },
  { id: 'name', section: 'cardFace', kind: 'text', labelJa: '氏名', labelEn: 'Name' },
  { id: 'nameKana', section: 'cardFace', kind: 'kana', labelJa: '（フリガナ）', labelEn: 'Name in kana' },
  {
    id: 'dateOfBirth',
    section: 'cardFace',
    kind: 'eraDate',
    labelJa: '生年月日',
    labelEn: 'Date of birth',
    options: [
      { value: 'meiji', ja: '明治', en: 'Meiji' },
      { value: 'taisho', ja: '大正', en: 'Taisho' },
      { value: 'showa', ja: '昭和', en: 'Showa' },
      { value: 'heisei', ja: '平成', en: 'Heisei' },
      { value: 'reiwa', ja: '令和', en: 'Reiwa' },
    ],
  },
  {
    id: 'sex',
    section: 'cardFace',
    kind: 'choice',
    labelJa: '性別',
    labelEn: 'Sex',
    options: [
      { value: 'male', ja: '男', en: 'Male' },
      { value: 'female', ja: '女', en: 'Female' },
    ],
  },
  { id: 'address', section: 'cardFace', kind: 'text', labelJa: '住所', labelEn: 'Address' },
  { id: 'otherResidence', section: 'cardFace', kind: 'text', labelJa: '居所', labelEn: 'Where you live, if not the address on the card', note: '※3' },
  { id: 'declaredOn', section: 'signature', kind: 'date', labelJa: '年月日', labelEn: 'Date' },
  { id: 'signature', section: 'signature', kind: 'signature', labelJa: '署名', labelEn: 'Signature' },
  { id: 'relationship', section: 'signature', kind: 'text', labelJa: '患者との関係', labelEn: 'Relationship to the patient', note: '※5' },
  { id: 'phone', section: 'signature', kind: 'phone', labelJa: '連絡先電話番号', labelEn: 'Contact phone number' },
];

/** The form's heading texts for the print view, in our words (facts of 003 lines 686–695). */
export const DECLARATION_TEXT_JA = {
  marginLabel: '別紙様式',
  title: '被保険者資格申立書',
  // Our own wording of the form's opening and instructions (facts from 003 別添3, lines 696–712).
  preamble: '私は有効な保険証の交付を受けています。医療保険の被保険者資格について、次のとおり申し立てます。',
  instructions:
    '※ わかる範囲で記入し、あてはまる□に「✓」を付けてください。記入いただいた内容は、診療報酬の請求などに必要な範囲でのみ使い、その事務が終わりしだい速やかに廃棄します。',
  /** Under 保険証の交付を受けた時期 (line 714). */
  cardIssuedWhenHint: '（わかる範囲で記入してください）',
} as const;

/** The notes ※1–※5 in our own words, keeping the document's facts (003 lines 721–770). */
export const DECLARATION_NOTES_JA: Readonly<Record<DeclarationNoteId, string>> = {
  '※1':
    '保険種別で「社保」（健康保険組合・共済組合・全国健康保険協会）、「国保」（国民健康保険組合の場合に限る）、「その他」（自衛官・公費単独医療）または「わからない」を選んだ方は、事業所名（お勤め先など）も記入してください。',
  '※2':
    '70歳以上の方と後期高齢者医療の方は、一部負担金の割合も記入してください。記入した割合が実際と違っていたときは、後で保険者から差額の請求などがあることがあります。',
  '※3': 'マイナンバーカードに書かれた住所とは別の場所に住んでいる方は、その居所を記入してください。',
  '※4':
    '氏名・生年月日・性別・住所は、マイナンバーカードに書かれているとおりに記入し、氏名にはフリガナも付けてください。カードの住所と別に居所がある方は、それも記入してください。',
  '※5': '「患者との関係」は、ご家族など患者さん以外の方が署名したときに記入してください。',
};

/** The explanation sheet for patients (説明書; D6), in our own words with the facts of 003 lines 625–671. */
export const EXPLANATION_SHEET_JA = {
  header: '患者さんへ',
  title: '被保険者資格申立書についてのご説明',
  paragraphs: [
    '有効な保険証が発行されているのに、マイナンバーカードでの資格確認がオンラインでできなかったとき、本来の自己負担で保険診療を受けていただくために、この申立書の記入をお願いしています。',
    '申立書を記入いただくと、自己負担は3割（小学校入学前のお子さんは2割、70歳以上の方などは1〜3割）で計算します。',
    '※ 被保険者番号など（保険証のコピーや写真も含みます）がわかったら、受診した医療機関に必ずお知らせください。',
  ],
  examplesHeading: '【記入をお願いする場合の例】',
  examples: [
    '転職などで保険証は発行されているが、データの登録が済んでいないためオンラインで確認できない',
    '機器の故障などで、マイナンバーカードによるオンライン資格確認ができない',
  ],
} as const;

/** True when an insurer's name names a 国民健康保険組合 (e.g. 東京都医師国民健康保険組合), not 市町村国保. */
export function isNhiSocietyName(insurerName: string): boolean {
  const text = insurerName.normalize('NFKC').replace(/\s/g, '');
  return /国民健康保険組合|国保組合/.test(text);
}

/**
 * D1 (※1): whether the form asks for the employer (事業所名).
 * - 社保, その他, わからない: asked.
 * - 国保: asked only when the insurer is a 国民健康保険組合; the one 国保 box cannot tell, so the
 *   answer is 'askedIfNhiSociety' (show the field with that condition) unless the insurer's name
 *   already says 国民健康保険組合.
 * - 後期: not asked.
 * - no box ticked: asked, as on paper (the row is always printed) — an employer helps a 「不詳」
 *   claim (F6), and わからない would ask for it too.
 */
export type EmployerQuestion = 'asked' | 'askedIfNhiSociety' | 'notAsked';

export function employerNameQuestion(insuranceType: InsuranceType | null, insurerName = ''): EmployerQuestion {
  switch (insuranceType) {
    case 'employee':
    case 'other':
    case 'unknown':
    case null:
      return 'asked';
    case 'national':
      return isNhiSocietyName(insurerName) ? 'asked' : 'askedIfNhiSociety';
    case 'lateElderly':
      return 'notAsked';
    default: {
      const unexpected: never = insuranceType;
      throw new RangeError(`unknown insurance type ${String(unexpected)}`);
    }
  }
}

/** D1: the employer field is shown (possibly with ※1's 国保組合 condition). */
export function employerNameApplies(insuranceType: InsuranceType | null, insurerName = ''): boolean {
  return employerNameQuestion(insuranceType, insurerName) !== 'notAsked';
}

/** The age from which ※2 asks for the copay ratio. */
export const COPAY_QUESTION_AGE = 70;

/**
 * D2 (※2): the copay ratio is asked of patients aged 70 or more, or insured in 後期高齢者医療;
 * also when the date of birth is unknown, since then nobody can tell. Age changes on the birthday,
 * Japan time (a Date is read as its Japan calendar day).
 */
export function copayQuestionApplies(dateOfBirth: JstDate | null, insuranceType: InsuranceType | null, today: JstDate | Date): boolean {
  if (insuranceType === 'lateElderly') return true;
  if (dateOfBirth === null) return true;
  const day = typeof today === 'string' ? today : jstDate(today);
  if (dateOfBirth > day) return true; // an impossible date of birth tells nothing
  return ageOn(dateOfBirth, day) >= COPAY_QUESTION_AGE;
}

/** The date of birth as 'YYYY-MM-DD' when it is complete and a real date of its era (D4); else null. */
export function declarationDateOfBirth(dateOfBirth: DeclarationDateOfBirth): JstDate | null {
  const { era, year, month, day } = dateOfBirth;
  if (era === null || year === null || month === null || day === null) return null;
  const parsed = parseEraDate({ era, year, month, day });
  return parsed.ok ? parsed.date : null;
}

/** E7 for a declaration: what to collect, from the date of birth when known, else the declared ratio. */
export function declarationExpectedCopay(declaration: Declaration, today: JstDate | Date): CopayResult {
  return expectedCopay({
    dateOfBirth: declarationDateOfBirth(declaration.dateOfBirth),
    onDate: typeof today === 'string' ? today : jstDate(today),
    insuranceType: declaration.insuranceType,
    declaredRatio: declaration.copayRatio,
  });
}

/**
 * D3: the record is usable — someone can tell whose it is — when it has a name (kanji or kana) or
 * the clinic's patient number. Everything else may be blank.
 */
export function isDeclarationUsable(declaration: Pick<Declaration, 'name' | 'nameKana' | 'referenceNumber'>): boolean {
  return [declaration.name, declaration.nameKana, declaration.referenceNumber].some((v) => v.trim() !== '');
}

/**
 * Clears the answers to questions the form does not ask given the other answers (D1, D2), so a
 * type changed after typing an employer leaves nothing behind that should not be kept (D5).
 * "Today" is the Japan day of createdAt.
 */
export function withoutInapplicableAnswers(declaration: Declaration): Declaration {
  const created = new Date(declaration.createdAt);
  if (Number.isNaN(created.getTime())) return declaration;
  const today = jstDate(created);
  const employerAsked = employerNameApplies(declaration.insuranceType, declaration.insurerName);
  const copayAsked = copayQuestionApplies(declarationDateOfBirth(declaration.dateOfBirth), declaration.insuranceType, today);
  return {
    ...declaration,
    employerName: employerAsked ? declaration.employerName : '',
    copayRatio: copayAsked ? declaration.copayRatio : null,
  };
}

/** A new, blank form (D3: everything starts empty). */
export function emptyDeclaration(init: { id: string; createdAt: string; linkToken: string; referenceNumber?: string }): Declaration {
  return {
    id: init.id,
    createdAt: init.createdAt,
    linkToken: init.linkToken,
    referenceNumber: init.referenceNumber ?? '',
    holdsValidCard: false,
    insuranceType: null,
    insurerName: '',
    employerName: '',
    cardIssuedWhen: null,
    copayRatio: null,
    name: '',
    nameKana: '',
    dateOfBirth: { era: null, year: null, month: null, day: null },
    sex: null,
    address: '',
    otherResidence: '',
    declaredOn: null,
    signature: null,
    relationship: '',
    phone: '',
  };
}

/**
 * Phone numbers (連絡先電話番号): full-width digits and hyphen-like marks are normalised, spaces
 * dropped, brackets become hyphens, +81 becomes the leading 0; the grouping is kept as written.
 */
export function normalisePhone(text: string): string {
  let value = text
    .normalize('NFKC')
    .replace(/[\u2010-\u2015\u2212\u30FC\uFF70]/gu, '-')
    .replace(/\s/gu, '')
    .replace(/[()]/g, '-');
  if (value.startsWith('+81')) value = `0${value.slice(3).replace(/^-+/, '').replace(/^-?0-?/, '')}`;
  return value.replace(/-{2,}/g, '-').replace(/^-|-$/g, '');
}

/**
 * A Japanese phone number: 10 digits starting 0 (fixed lines, 0120, 0570) or 11 digits starting
 * 020, 050, 060, 070, 080 or 090 (mobile, IP, 0800), hyphens anywhere between digits.
 */
export function isJapanesePhoneNumber(text: string): boolean {
  const value = normalisePhone(text);
  if (!/^\d+(-\d+)*$/.test(value)) return false;
  const digits = value.replace(/-/g, '');
  // 0X0 (X ≠ 1) opens an 11-digit number only; no area code has 0 as its second digit.
  return /^0[1-9][1-9]\d{7}$/.test(digits) || /^0[2-9]0\d{8}$/.test(digits);
}
