import { describe, expect, it } from 'vitest';
import { en } from '../../src/app/i18n/en.ts';
import { ja } from '../../src/app/i18n/ja.ts';
import type { Translate } from '../../src/app/i18n/i18n.tsx';
import {
  displayKana,
  formatDate,
  formatDateOfBirth,
  formatInstant,
  formatInsuranceNumbers,
  formatPeriod,
} from '../../src/app/reception/format.ts';

/** `t()` over one core catalogue, with the same {name} placeholders as the app's. */
const translate =
  (catalogue: Record<string, string>): Translate =>
  (key, params = {}) =>
    (catalogue[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
const tJa = translate(ja);
const tEn = translate(en as Record<string, string>);

describe('how screens, print and CSV write dates, kana, card numbers and blanks (issue 16 #1 #3)', () => {
  it('D4: a day in Japanese is 和暦 with the Western year; English keeps the Western form', () => {
    expect(formatDate('1986-06-14', 'ja')).toBe('昭和61年6月14日（1986年）');
    expect(formatDate('1986-06-14', 'en')).toBe('14 June 1986');
  });

  it('D4: a timestamp keeps its time (Japan time)', () => {
    expect(formatInstant('2026-12-06T10:20:00Z', 'ja')).toBe('令和8年12月6日（2026年） 19:20');
    expect(formatInstant('2026-12-06T15:05:00Z', 'ja')).toBe('令和8年12月7日（2026年） 00:05');
    expect(formatInstant('2026-12-06T10:20:00Z', 'en')).toMatch(/^6 December 2026.*19:20 JST$/);
  });

  it('D4: a date of birth: 医療扶助\'s 1900-01-01 is unknown, a missing one is 「（未登録）」', () => {
    expect(formatDateOfBirth(tJa, 'ja', '1943-10-22')).toBe('昭和18年10月22日（1943年）');
    expect(formatDateOfBirth(tJa, 'ja', '1900-01-01')).toBe('不明');
    expect(formatDateOfBirth(tJa, 'ja', null)).toBe('（未登録）');
  });

  it('half-width kana is shown full-width; blank kana is 「（未登録）」, never empty', () => {
    expect(displayKana(tJa, 'ﾔﾏﾀﾞ ﾊﾅｺ')).toBe('ヤマダ ハナコ');
    expect(displayKana(tJa, 'ｶﾞｯｺｳ　ﾀﾛｰ')).toBe('ガッコウ タロー');
    expect(displayKana(tJa, '')).toBe('（未登録）');
    expect(displayKana(tJa, null)).toBe('（未登録）');
  });

  it('記号・番号・枝番 carry their labels; a missing part is 「（未登録）」', () => {
    expect(formatInsuranceNumbers(tJa, { symbol: '31150617', number: '1042', branch: '00' })).toBe('記号 31150617　番号 1042　枝番 00');
    expect(formatInsuranceNumbers(tJa, { symbol: null, number: '00215867', branch: '' })).toBe('記号 （未登録）　番号 00215867　枝番 （未登録）');
    expect(formatInsuranceNumbers(tEn, { symbol: '31150617', number: '1042', branch: '00' })).toBe('Symbol 31150617  Number 1042  Branch 00');
  });

  it('a validity period with a missing end has no stray dash', () => {
    expect(formatPeriod(tJa, 'ja', '2026-04-01', '2027-03-31')).toBe('令和8年4月1日（2026年） ～ 令和9年3月31日（2027年）');
    expect(formatPeriod(tJa, 'ja', '2026-04-01', null)).toBe('令和8年4月1日（2026年） から');
    expect(formatPeriod(tJa, 'ja', null, null)).toBe('（未登録）');
  });
});
