import { describe, expect, it } from 'vitest';
import { checkIdentity, givenNameKana, normaliseText, type ClinicPersonRecord, type DisplayedIdentity } from '../../src/domain/registration/identity-check.ts';
import { normaliseKana } from '../../src/domain/shared/kana.ts';

const displayed: DisplayedIdentity = {
  name: '加藤　恭子',
  nameKana: 'ｶﾄｳ ｷﾖｳｺ',
  sex1: 'female',
  sex2: null,
  dateOfBirth: '1964-04-17',
  address: '東京都八王子市明神町二丁目6番1号',
};
const clinic: ClinicPersonRecord = {
  name: '加藤 恭子',
  nameKana: 'カトウ キョウコ',
  sex: 'female',
  dateOfBirth: '1964-04-17',
  address: '東京都八王子市明神町二丁目６番１号',
};

describe('E3 normalisation table', () => {
  it.each([
    ['ｷｮｳｺ', 'ｷﾖｳｺ'],
    ['ｷｮｳｺ', 'キョウコ'],
    ['きょうこ', 'ｷﾖｳｺ'],
    ['ｶﾞｯｺｳ', 'ガツコウ'],
    ['ﾀﾅｶ ｼｮｳｼﾞ', 'タナカ　ショウジ'],
    ['ヴァイオリン', 'ｳﾞｱｲｵﾘﾝ'],
  ])('E3: kana %s and %s compare equal', (a, b) => {
    expect(normaliseKana(a)).toBe(normaliseKana(b));
  });

  it.each([
    ['山田　花子', '山田 花子'],
    ['東京都港区芝浦４丁目', '東京都港区芝浦4丁目'],
    ['ＡＢＣ　マンション', 'ABCマンション'],
  ])('E3: text %s and %s compare equal after NFKC and without spaces', (a, b) => {
    expect(normaliseText(a)).toBe(normaliseText(b));
  });

  it('E3: different kana stay different', () => {
    expect(normaliseKana('ｷｮｳｺ')).not.toBe(normaliseKana('ｷｮｳｼﾞ'));
  });

  it('E3: the given name is the part after the first space (half- or full-width)', () => {
    expect(givenNameKana('ｶﾄｳ ｷﾖｳｺ')).toBe('キヨウコ');
    expect(givenNameKana('カトウ　キョウコ')).toBe('キョウコ');
    expect(givenNameKana('キョウコ')).toBe('キョウコ');
  });
});

describe('E3 identity cross-check', () => {
  it('E3: the same person with kana quirks and width differences matches everywhere', () => {
    const result = checkIdentity(displayed, clinic);
    expect(result.fields).toEqual({ name: 'match', nameKana: 'match', givenNameKana: 'match', sex: 'match', dateOfBirth: 'match', address: 'match' });
    expect(result.flagged).toBe(false);
  });

  it('E3: ● in the displayed name or address means "cannot compare", not a mismatch', () => {
    const result = checkIdentity({ ...displayed, name: '●藤　恭子', address: '東京都八王子市●町' }, clinic);
    expect(result.fields.name).toBe('cannotCompare');
    expect(result.fields.address).toBe('cannotCompare');
    expect(result.flagged).toBe(false);
  });

  it('E3: a different given name is flagged; a different family name alone is shown but not flagged', () => {
    const otherGiven = checkIdentity(displayed, { ...clinic, nameKana: 'カトウ ケイコ' });
    expect(otherGiven.fields.givenNameKana).toBe('mismatch');
    expect(otherGiven.flagged).toBe(true);
    const married = checkIdentity(displayed, { ...clinic, nameKana: 'サトウ キョウコ' });
    expect(married.fields.nameKana).toBe('mismatch');
    expect(married.fields.givenNameKana).toBe('match');
    expect(married.flagged).toBe(false);
  });

  it('E3: blank displayed kana cannot be compared; blank clinic fields are not recorded', () => {
    const result = checkIdentity({ ...displayed, nameKana: '' }, { ...clinic, address: '' });
    expect(result.fields.nameKana).toBe('cannotCompare');
    expect(result.fields.givenNameKana).toBe('cannotCompare');
    expect(result.fields.address).toBe('notRecorded');
  });

  it('E3: sex uses 性別2 when the face omits it; 1900-01-01 is an unknown birth date', () => {
    const result = checkIdentity({ ...displayed, sex1: null, sex2: 'male', dateOfBirth: '1900-01-01' }, clinic);
    expect(result.fields.sex).toBe('mismatch');
    expect(result.fields.dateOfBirth).toBe('cannotCompare');
    expect(result.flagged).toBe(true);
  });

  it('E3: a different date of birth flags; an empty clinic record compares nothing', () => {
    expect(checkIdentity(displayed, { ...clinic, dateOfBirth: '1964-04-18' }).flagged).toBe(true);
    const empty = checkIdentity(displayed, { name: '', nameKana: '', sex: '', dateOfBirth: '', address: '' });
    expect(empty.nothingCompared).toBe(true);
    expect(empty.flagged).toBe(false);
  });
});
