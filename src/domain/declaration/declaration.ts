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

/** The fields whose saved value has exactly type T (so a field's kind and its value cannot disagree). */
type FieldIdsOf<T> = {
  [K in DeclarationFieldId]: [Declaration[K]] extends [T] ? ([T] extends [Declaration[K]] ? K : never) : never;
}[DeclarationFieldId];
export type CheckboxFieldId = FieldIdsOf<boolean>;
export type TextFieldId = FieldIdsOf<string>;
export type EraDateFieldId = FieldIdsOf<DeclarationDateOfBirth>;
/** A day ('YYYY-MM-DD') or a drawn signature: a string, or null when blank. */
export type OptionalTextFieldId = FieldIdsOf<string | null>;
/** Boxes of which at most one is ticked: the value is one of the field's options, or null. */
export type ChoiceFieldId = Exclude<DeclarationFieldId, CheckboxFieldId | TextFieldId | EraDateFieldId | OptionalTextFieldId>;

export interface DeclarationOption<V> {
  value: V;
  ja: string;
  en: string;
}

/** Where the paper form (別紙様式) prints a field that has no row of its own. */
export interface DeclarationPrintPlace {
  /** The field whose row holds this one. */
  within: DeclarationFieldId;
  /** reading: label under the row's label, value above its value (フリガナ over 氏名); aside: 「label：value」 after the value. */
  as: 'reading' | 'aside';
}

interface DeclarationFieldBase {
  section: DeclarationSectionId;
  /** The row label as printed on the form. */
  labelJa: string;
  labelEn: string;
  /** The note marker printed with the label. */
  note?: DeclarationNoteId;
  /** The boxes, in the form's order (for checkbox: the one box's text; for eraDate: the eras). */
  options?: readonly DeclarationOption<string | number>[];
  /** The paper form prints the field inside another field's row (default: a row of its own). */
  printedIn?: DeclarationPrintPlace;
  /** A line the paper form prints under the field's boxes. */
  printHintJa?: string;
  /** The screen shows the expected copay (E7) with this question. */
  showsExpectedCopay?: true;
}

/**
 * How a field is written, which decides how it is entered, checked, printed and shown:
 * - checkbox: one box (boolean); choice: boxes of which one may be ticked (an option's value or null);
 * - text: one line; address: several lines; kana: フリガナ (D4); phone: a phone number;
 * - eraDate: an era box with 年 月 日 (D4); date: a western calendar day; signature: drawn on the screen.
 */
export type DeclarationField = DeclarationFieldBase &
  (
    | { kind: 'checkbox'; id: CheckboxFieldId }
    | { kind: 'choice'; id: ChoiceFieldId }
    | { kind: 'text' | 'address' | 'kana' | 'phone'; id: TextFieldId }
    | { kind: 'eraDate'; id: EraDateFieldId }
    | { kind: 'date'; id: OptionalTextFieldId }
    | { kind: 'signature'; id: OptionalTextFieldId }
  );
export type DeclarationFieldKind = DeclarationField['kind'];

export interface DeclarationSection {
  id: DeclarationSectionId;
  /** The heading as printed ('' for the unheaded closing block). */
  headingJa: string;
  headingEn: string;
  /** Notes printed for the section as a whole. */
  notes: readonly DeclarationNoteId[];
  /** On paper: a ruled table of rows, or lines to write on (the closing date, signature and phone). */
  printAs: 'table' | 'lines';
}

export const DECLARATION_SECTIONS: readonly DeclarationSection[] = [
  { id: 'insurance', headingJa: '１ 保険証等に関する事項', headingEn: '1 Health insurance', notes: ['※1', '※2'], printAs: 'table' },
  { id: 'cardFace', headingJa: '２ マイナンバーカードの券面事項等', headingEn: '2 As on the My Number card', notes: ['※3', '※4'], printAs: 'table' },
  { id: 'signature', headingJa: '', headingEn: '', notes: ['※5'], printAs: 'lines' },
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
    // Under the boxes (line 714).
    printHintJa: '（わかる範囲で記入してください）',
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
    showsExpectedCopay: true,
    options: [
      { value: 30, ja: '３割', en: '30 %' },
      { value: 20, ja: '２割', en: '20 %' },
      { value: 10, ja: '１割', en: '10 %' },
      { value: 'unknown', ja: 'わからない', en: "Don't know" },
    ],
  },
  { id: 'name', section: 'cardFace', kind: 'text', labelJa: '氏名', labelEn: 'Name' },
  { id: 'nameKana', section: 'cardFace', kind: 'kana', labelJa: '（フリガナ）', labelEn: 'Name in kana', printedIn: { within: 'name', as: 'reading' } },
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
  { id: 'address', section: 'cardFace', kind: 'address', labelJa: '住所', labelEn: 'Address' },
  {
    id: 'otherResidence',
    section: 'cardFace',
    kind: 'address',
    labelJa: '居所',
    labelEn: 'Where you live, if not the address on the card',
    note: '※3',
    // ※3 is the box for a residence inside the 住所 row (line 757).
    printedIn: { within: 'address', as: 'aside' },
  },
  { id: 'declaredOn', section: 'signature', kind: 'date', labelJa: '年月日', labelEn: 'Date' },
  { id: 'signature', section: 'signature', kind: 'signature', labelJa: '署名', labelEn: 'Signature' },
  {
    id: 'relationship',
    section: 'signature',
    kind: 'text',
    labelJa: '患者との関係',
    labelEn: 'Relationship to the patient',
    note: '※5',
    printedIn: { within: 'signature', as: 'aside' },
  },
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

/** Whether the form asks a question, given the other answers (D1, D2). */
export type FieldQuestion = EmployerQuestion;

/** The answers that decide which questions are asked. */
export interface QuestionAnswers {
  insuranceType: InsuranceType | null;
  insurerName: string;
  /** 'YYYY-MM-DD' when complete and real, else null. */
  dateOfBirth: JstDate | null;
}

/** D1, D2: the questions that depend on other answers; a field not named here is always asked. */
export function conditionalQuestions(answers: QuestionAnswers, today: JstDate | Date): Partial<Record<DeclarationFieldId, FieldQuestion>> {
  return {
    employerName: employerNameQuestion(answers.insuranceType, answers.insurerName),
    copayRatio: copayQuestionApplies(answers.dateOfBirth, answers.insuranceType, today) ? 'asked' : 'notAsked',
  };
}

/** Whether the field is asked, from conditionalQuestions' answer. */
export function questionOf(questions: Partial<Record<DeclarationFieldId, FieldQuestion>>, id: DeclarationFieldId): FieldQuestion {
  return questions[id] ?? 'asked';
}

function withBlankAnswer<K extends DeclarationFieldId>(declaration: Declaration, blank: Declaration, id: K): Declaration {
  return { ...declaration, [id]: blank[id] };
}

/**
 * Clears the answers to questions the form does not ask given the other answers (D1, D2), so a
 * type changed after typing an employer leaves nothing behind that should not be kept (D5).
 * "Today" is the Japan day of createdAt.
 */
export function withoutInapplicableAnswers(declaration: Declaration): Declaration {
  const created = new Date(declaration.createdAt);
  if (Number.isNaN(created.getTime())) return declaration;
  const questions = conditionalQuestions(
    { insuranceType: declaration.insuranceType, insurerName: declaration.insurerName, dateOfBirth: declarationDateOfBirth(declaration.dateOfBirth) },
    jstDate(created),
  );
  const blank = emptyDeclaration(declaration);
  return DECLARATION_FIELDS.reduce(
    (answers, field) => (questionOf(questions, field.id) === 'notAsked' ? withBlankAnswer(answers, blank, field.id) : answers),
    { ...declaration },
  );
}

/** A new, blank form (D3: everything starts empty): the one blank form, used by the app's draft too. */
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
