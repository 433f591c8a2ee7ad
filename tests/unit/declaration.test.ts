import { describe, expect, it } from 'vitest';
import {
  copayQuestionApplies,
  DECLARATION_FIELDS,
  DECLARATION_NOTES_JA,
  DECLARATION_SECTIONS,
  declarationDateOfBirth,
  declarationExpectedCopay,
  emptyDeclaration,
  employerNameApplies,
  employerNameQuestion,
  INSURANCE_TYPES,
  isDeclarationUsable,
  isJapanesePhoneNumber,
  normalisePhone,
  withoutInapplicableAnswers,
  type Declaration,
  type InsuranceType,
} from '../../src/domain/declaration/declaration.ts';
import {
  DECLARATION_MESSAGES,
  declarationDraftSchema,
  declarationSchema,
  SIGNATURE_MAX_CHARS,
} from '../../src/domain/declaration/declaration-schema.ts';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
/** 10:00 on 22 November 2025, Japan time. */
const CREATED = '2025-11-22T01:00:00.000Z';
const TOKEN = 'demo-link-token-1234';
const base = { id: ID, createdAt: CREATED, linkToken: TOKEN };
const blank = (): Declaration => emptyDeclaration(base);
/** A 1×1 PNG. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const messagesOf = (input: unknown) => {
  const result = declarationSchema.safeParse(input);
  const messages: Record<string, string> = {};
  // The first message per field, as the server reports it.
  if (!result.success) for (const issue of result.error.issues) messages[issue.path.join('.')] ??= issue.message;
  return messages;
};

describe('the form as data (003 別添3)', () => {
  it('D6: the fields are exactly the form rows, in the document order', () => {
    expect(DECLARATION_FIELDS.map((f) => f.id)).toEqual([
      'holdsValidCard',
      'insuranceType',
      'insurerName',
      'employerName',
      'cardIssuedWhen',
      'copayRatio',
      'name',
      'nameKana',
      'dateOfBirth',
      'sex',
      'address',
      'otherResidence',
      'declaredOn',
      'signature',
      'relationship',
      'phone',
    ]);
    expect(DECLARATION_FIELDS.map((f) => f.labelJa)).toEqual([
      '保険証の有無',
      '保険種別',
      '保険者等名称',
      '事業所名',
      '保険証の交付を受けた時期',
      '一部負担金の割合',
      '氏名',
      '（フリガナ）',
      '生年月日',
      '性別',
      '住所',
      '居所',
      '年月日',
      '署名',
      '患者との関係',
      '連絡先電話番号',
    ]);
  });

  it('D6: the boxes are the form boxes in order, and every field has an English label', () => {
    const options = (id: string) => DECLARATION_FIELDS.find((f) => f.id === id)?.options?.map((o) => o.ja);
    expect(options('insuranceType')).toEqual(['社保', '国保', '後期', 'その他', 'わからない']);
    expect(options('cardIssuedWhen')).toEqual(['１か月以内', 'それより前', 'わからない']);
    expect(options('copayRatio')).toEqual(['３割', '２割', '１割', 'わからない']);
    expect(options('dateOfBirth')).toEqual(['明治', '大正', '昭和', '平成', '令和']);
    expect(options('sex')).toEqual(['男', '女']);
    expect(options('holdsValidCard')).toEqual(['有効な保険証の交付を受けている']);
    for (const field of DECLARATION_FIELDS) expect(field.labelEn.length).toBeGreaterThan(0);
  });

  it('D6: the notes ※1 ※2 ※3 ※5 sit on their fields, ※4 on section 2, and each has its text', () => {
    const notes = Object.fromEntries(DECLARATION_FIELDS.filter((f) => f.note).map((f) => [f.id, f.note]));
    expect(notes).toEqual({ employerName: '※1', copayRatio: '※2', otherResidence: '※3', relationship: '※5' });
    expect(DECLARATION_SECTIONS.find((s) => s.id === 'cardFace')?.notes).toContain('※4');
    for (const text of Object.values(DECLARATION_NOTES_JA)) expect(text.length).toBeGreaterThan(10);
    expect(DECLARATION_NOTES_JA['※1']).toContain('国民健康保険組合の場合に限る');
  });
});

describe('D1 the employer name is asked for 社保, 国保 (国保組合 only), その他 and わからない', () => {
  const expected: Record<InsuranceType, string> = {
    employee: 'asked',
    national: 'askedIfNhiSociety',
    lateElderly: 'notAsked',
    other: 'asked',
    unknown: 'asked',
  };
  for (const type of INSURANCE_TYPES) {
    it(`D1: ${type} → ${expected[type]}`, () => {
      expect(employerNameQuestion(type)).toBe(expected[type]);
      expect(employerNameApplies(type)).toBe(expected[type] !== 'notAsked');
    });
  }

  it('D1: 国保 with an insurer named 国民健康保険組合 is asked outright', () => {
    expect(employerNameQuestion('national', '東京都医師国民健康保険組合')).toBe('asked');
    expect(employerNameQuestion('national', '全国土木建築 国保組合')).toBe('asked');
    expect(employerNameQuestion('national', '世田谷区国民健康保険')).toBe('askedIfNhiSociety');
  });

  it('D1: with no box ticked the row is shown, as on paper', () => {
    expect(employerNameQuestion(null)).toBe('asked');
  });

  it('D1: an employer typed before switching to 後期 is not kept', () => {
    const declaration = { ...blank(), name: '山田', insuranceType: 'lateElderly' as const, employerName: '株式会社テスト' };
    expect(withoutInapplicableAnswers(declaration).employerName).toBe('');
    expect(declarationSchema.parse(declaration).employerName).toBe('');
    expect(declarationSchema.parse({ ...declaration, insuranceType: 'employee' }).employerName).toBe('株式会社テスト');
  });
});

describe('D2 the copay ratio is asked of patients aged 70+ or in 後期高齢者医療', () => {
  const on = '2025-06-15';
  it('D2: aged 69 → not asked; 70, 74, 75 → asked (exactly on the birthday)', () => {
    expect(copayQuestionApplies('1956-06-15', 'employee', on)).toBe(false); // 69
    expect(copayQuestionApplies('1955-06-16', 'employee', on)).toBe(false); // 70 tomorrow
    expect(copayQuestionApplies('1955-06-15', 'employee', on)).toBe(true); // 70 today
    expect(copayQuestionApplies('1951-06-15', 'national', on)).toBe(true); // 74
    expect(copayQuestionApplies('1950-06-15', 'lateElderly', on)).toBe(true); // 75
    expect(copayQuestionApplies('1950-06-15', 'unknown', on)).toBe(true); // 75, whatever the box
  });

  it('D2: the birthday begins at 00:00 Japan time, not UTC', () => {
    expect(copayQuestionApplies('1955-06-15', 'employee', new Date('2025-06-14T14:59:59Z'))).toBe(false);
    expect(copayQuestionApplies('1955-06-15', 'employee', new Date('2025-06-14T15:00:00Z'))).toBe(true);
  });

  it('D2: 後期 is asked at any age (65–74 certified); an unknown date of birth is asked', () => {
    expect(copayQuestionApplies('1958-03-03', 'lateElderly', on)).toBe(true);
    expect(copayQuestionApplies(null, 'employee', on)).toBe(true);
    expect(copayQuestionApplies(null, null, on)).toBe(true);
  });

  it('D2: a ratio answered for a 40-year-old is cleared; for a 72-year-old it is kept', () => {
    const young = { ...blank(), name: '山田', dateOfBirth: { era: 'showa' as const, year: 60, month: 1, day: 1 }, copayRatio: 20 as const };
    expect(declarationSchema.parse(young).copayRatio).toBeNull();
    const old = { ...young, dateOfBirth: { era: 'showa' as const, year: 28, month: 1, day: 1 } };
    expect(declarationSchema.parse(old).copayRatio).toBe(20);
  });

  it('E7: the expected copay is computed from a known date of birth, else from the declared ratio', () => {
    const child = { ...blank(), name: '山田', dateOfBirth: { era: 'reiwa' as const, year: 4, month: 5, day: 5 } };
    expect(declarationExpectedCopay(child, '2025-11-22')).toMatchObject({ kind: 'percent', percent: 20, basis: 'preSchool' });
    const elder = { ...blank(), dateOfBirth: { era: 'showa' as const, year: 28, month: 1, day: 10 } };
    expect(declarationExpectedCopay(elder, '2025-11-22')).toMatchObject({ percent: 20, basis: 'elderly' });
    expect(declarationExpectedCopay({ ...elder, copayRatio: 30 }, '2025-11-22')).toMatchObject({ percent: 30, declared: true });
    expect(declarationExpectedCopay({ ...blank(), copayRatio: 10 }, '2025-11-22')).toMatchObject({ percent: 10, basis: 'declared' });
    expect(declarationExpectedCopay(blank(), '2025-11-22')).toMatchObject({ kind: 'mustDeclare', reason: 'unknownDateOfBirth' });
  });
});

describe('D3 everything is "fill in as far as you can"', () => {
  it('D3: a draft saves with every field blank, and blanks come back as blanks', () => {
    expect(declarationDraftSchema.parse(base)).toEqual(blank());
    expect(declarationDraftSchema.parse(blank())).toEqual(blank());
  });

  it('D3: a submission needs a name, a kana name or the clinic patient number — nothing else', () => {
    expect(messagesOf(base)).toEqual({ name: DECLARATION_MESSAGES.usable });
    expect(declarationSchema.parse({ ...base, name: '山田 花子' }).name).toBe('山田 花子');
    expect(declarationSchema.parse({ ...base, nameKana: 'やまだ' }).nameKana).toBe('ヤマダ');
    expect(declarationSchema.parse({ ...base, referenceNumber: 'K-00123' }).referenceNumber).toBe('K-00123');
    expect(messagesOf({ ...base, name: '   ' })).toEqual({ name: DECLARATION_MESSAGES.usable });
    expect(isDeclarationUsable({ name: '', nameKana: '', referenceNumber: '' })).toBe(false);
  });

  it('D3: empty strings from a form count as blank for boxes and dates', () => {
    const parsed = declarationSchema.parse({
      ...base,
      name: '山田',
      insuranceType: '',
      cardIssuedWhen: '',
      copayRatio: '',
      sex: '',
      declaredOn: '',
      dateOfBirth: { era: '', year: '', month: '', day: '' },
    });
    expect(parsed).toEqual({ ...blank(), name: '山田' });
  });

  it('D4: an era that is none of 明治–令和 is refused as a field error, with a year or without, never thrown', () => {
    // Longer than any era name (refused by length) and short (refused by name).
    for (const [era, year] of [['../../not-an-era', '5'], ['../../not-an-era', null], ['x', 70]] as const) {
      const input = { ...base, name: '山田', dateOfBirth: { era, year, month: 1, day: 1 } };
      expect(() => declarationSchema.safeParse(input)).not.toThrow();
      expect(Object.keys(messagesOf(input))).toContain('dateOfBirth.era');
    }
  });

  it('D3: a partly known date of birth is kept as written', () => {
    const parsed = declarationSchema.parse({ ...base, name: '山田', dateOfBirth: { era: '昭和', year: '２５', month: null, day: null } });
    expect(parsed.dateOfBirth).toEqual({ era: 'showa', year: 25, month: null, day: null });
    expect(declarationDateOfBirth(parsed.dateOfBirth)).toBeNull();
  });

  it('D3: the id (idempotency key), creation time and institution link are always required', () => {
    expect(declarationDraftSchema.safeParse({ createdAt: CREATED, linkToken: TOKEN }).success).toBe(false);
    expect(declarationDraftSchema.safeParse({ ...base, id: 'not-a-uuid' }).success).toBe(false);
    expect(declarationDraftSchema.safeParse({ ...base, createdAt: 'yesterday' }).success).toBe(false);
    expect(declarationDraftSchema.safeParse({ ...base, linkToken: 'short' }).success).toBe(false);
  });

  it('a full form parses, and parsing the result again gives the same (app and server agree)', () => {
    const full = {
      ...base,
      holdsValidCard: true,
      insuranceType: 'employee',
      insurerName: '全国健康保険協会 東京支部',
      employerName: '株式会社サンプル',
      cardIssuedWhen: 'withinMonth',
      copayRatio: 'unknown',
      name: '山田 花子',
      nameKana: 'ﾔﾏﾀﾞ ﾊﾅｺ',
      dateOfBirth: { era: 'S', year: '２８', month: '1', day: '10' },
      sex: 'female',
      address: '東京都千代田区霞が関1-2-2',
      otherResidence: '',
      declaredOn: '2025-11-22',
      signature: PNG,
      relationship: '長女',
      phone: '０９０ー１２３４ー５６７８',
    };
    const parsed = declarationSchema.parse(full);
    expect(parsed).toMatchObject({
      nameKana: 'ヤマダ ハナコ',
      dateOfBirth: { era: 'showa', year: 28, month: 1, day: 10 },
      phone: '090-1234-5678',
      copayRatio: 'unknown',
    });
    expect(declarationSchema.parse(parsed)).toEqual(parsed);
  });
});

describe('dates of birth (D4: era dates must exist) and furigana (§8)', () => {
  it('D4: 平成31年4月30日 is accepted, 平成31年5月1日 is not, 令和元年5月1日 is', () => {
    const dob = (era: string, year: number | string, month: number, day: number) => ({ ...base, name: '山田', dateOfBirth: { era, year, month, day } });
    expect(declarationSchema.safeParse(dob('平成', 31, 4, 30)).success).toBe(true);
    expect(messagesOf(dob('平成', 31, 5, 1))).toEqual({ dateOfBirth: DECLARATION_MESSAGES.eraDate });
    expect(declarationSchema.safeParse(dob('令和', '元', 5, 1)).success).toBe(true);
    expect(messagesOf(dob('令和', '元', 4, 30))).toEqual({ dateOfBirth: DECLARATION_MESSAGES.eraDate });
    expect(messagesOf(dob('平成', 32, 1, 1))).toEqual({ 'dateOfBirth.year': DECLARATION_MESSAGES.eraYear });
    expect(messagesOf(dob('平成', 5, 2, 29))).toEqual({ dateOfBirth: DECLARATION_MESSAGES.eraDate });
    expect(messagesOf(dob('慶応', 3, 1, 1))).toEqual({ 'dateOfBirth.era': DECLARATION_MESSAGES.era });
  });

  it('D4: a month wholly outside the era is refused even before the day is written', () => {
    const partial = { ...base, name: '山田', dateOfBirth: { era: 'heisei', year: 31, month: 5, day: null } };
    expect(messagesOf(partial)).toEqual({ 'dateOfBirth.month': DECLARATION_MESSAGES.eraDate });
    expect(declarationSchema.safeParse({ ...partial, dateOfBirth: { era: 'heisei', year: 31, month: 4, day: null } }).success).toBe(true);
  });

  it('a date of birth after the day the form was started is refused (a real date, but not yet a birthday)', () => {
    const future = { ...base, name: '山田', dateOfBirth: { era: 'reiwa', year: 7, month: 11, day: 23 } };
    expect(messagesOf(future)).toEqual({ dateOfBirth: DECLARATION_MESSAGES.dateOfBirthInFuture });
    expect(declarationSchema.safeParse({ ...future, dateOfBirth: { era: 'reiwa', year: 7, month: 11, day: 22 } }).success).toBe(true);
  });

  it('§8 furigana in kanji or Latin letters is refused; hiragana and half-width katakana are stored as katakana', () => {
    expect(messagesOf({ ...base, name: '山田', nameKana: '山田' })).toEqual({ nameKana: DECLARATION_MESSAGES.kana });
    expect(messagesOf({ ...base, name: '山田', nameKana: 'Yamada' })).toEqual({ nameKana: DECLARATION_MESSAGES.kana });
    expect(declarationSchema.parse({ ...base, nameKana: 'やまだ　はなこ' }).nameKana).toBe('ヤマダ ハナコ');
  });
});

describe('contact phone number', () => {
  it('accepts Japanese numbers with or without hyphens, full-width digits and +81', () => {
    for (const number of ['03-1234-5678', '0312345678', '090-1234-5678', '09012345678', '０９０－１２３４－５６７８', '0120-123-456', '050-1234-5678', '03(1234)5678', '+81 90-1234-5678', '+81-3-1234-5678']) {
      expect(isJapanesePhoneNumber(number), number).toBe(true);
    }
    expect(normalisePhone('+81 90-1234-5678')).toBe('090-1234-5678');
    expect(normalisePhone('+81(0)3-1234-5678')).toBe('03-1234-5678');
    expect(normalisePhone('03(1234)5678')).toBe('03-1234-5678');
  });

  it('refuses what is not a Japanese number', () => {
    for (const number of ['1234', '090-1234-567', '0901234567', '0012345678', '1-800-555-0199', '090-1234-5678-9', 'tel:0312345678', '03--']) {
      expect(isJapanesePhoneNumber(number), number).toBe(false);
    }
    expect(messagesOf({ ...base, name: '山田', phone: '12345' })).toEqual({ phone: DECLARATION_MESSAGES.phone });
  });
});

describe('signature and safety of the schema', () => {
  it('a drawn signature is a PNG data URL within the size limit', () => {
    expect(declarationSchema.parse({ ...base, name: '山田', signature: PNG }).signature).toBe(PNG);
    expect(messagesOf({ ...base, name: '山田', signature: 'data:image/jpeg;base64,/9j/4AAQ' })).toEqual({ signature: DECLARATION_MESSAGES.signature });
    expect(messagesOf({ ...base, name: '山田', signature: 'data:image/png;base64,iVBORw0KGgo<script>' })).toEqual({ signature: DECLARATION_MESSAGES.signature });
    const huge = `data:image/png;base64,iVBORw0KGgo${'A'.repeat(SIGNATURE_MAX_CHARS)}`;
    expect(messagesOf({ ...base, name: '山田', signature: huge })).toEqual({ signature: DECLARATION_MESSAGES.signatureTooLarge });
  });

  it('P1: fields that are not on the form (a My Number) are refused', () => {
    expect(messagesOf({ ...base, name: '山田', myNumber: '123456789012' })).toEqual({ '': DECLARATION_MESSAGES.unexpected });
  });

  it('no validation message repeats what was typed', () => {
    const secret = 'ZZSECRET';
    const bad = {
      ...base,
      name: `${secret}${'x'.repeat(200)}`,
      nameKana: `${secret}かな`,
      insurerName: 1,
      insuranceType: secret,
      copayRatio: secret,
      sex: secret,
      phone: `${secret}0312345678`,
      declaredOn: secret,
      signature: secret,
      dateOfBirth: { era: secret, year: secret, month: 13, day: 40 },
      [secret]: secret,
    };
    const result = declarationSchema.safeParse(bad);
    expect(result.success).toBe(false);
    const messages = result.success ? [] : result.error.issues.map((i) => i.message);
    expect(messages.length).toBeGreaterThan(5);
    const allowed = new Set<string>(Object.values(DECLARATION_MESSAGES));
    for (const message of messages) {
      expect(message).not.toContain(secret);
      expect(allowed.has(message), message).toBe(true);
    }
  });
});
