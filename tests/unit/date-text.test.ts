import { describe, expect, it } from 'vitest';
import { parseDateText } from '../../src/domain/shared/date-text.ts';
import { formatDateJa } from '../../src/domain/shared/era.ts';

const ok = (date: string) => ({ ok: true, date });
const no = (problem: string) => ({ ok: false, problem });

describe('D4 parseDateText: every form people type names the same day', () => {
  const SHOWA_18 = '1943-10-22';
  it.each([
    '昭和18年10月22日',
    '昭和１８年１０月２２日',
    '昭和 18年 10月 22日',
    '昭和18.10.22',
    '㍼18年10月22日',
    'S18.10.22',
    'S18/10/22',
    's18-10-22',
    'Ｓ１８．１０．２２',
    'S18年10月22日',
    '3181022',
    '1943-10-22',
    '1943/10/22',
    '1943.10.22',
    '1943年10月22日',
    '１９４３年１０月２２日',
    '19431022',
    ' 1943-10-22 ',
  ])('D4: %s is 1943-10-22', (text) => {
    expect(parseDateText(text)).toEqual(ok(SHOWA_18));
  });

  it.each([
    ['H1.1.8', '1989-01-08'],
    ['平成元年1月8日', '1989-01-08'],
    ['平成1年1月8日', '1989-01-08'],
    ['R1.5.1', '2019-05-01'],
    ['令和元年5月1日', '2019-05-01'],
    ['r01.05.01', '2019-05-01'],
    ['5010501', '2019-05-01'],
    ['T15.12.24', '1926-12-24'],
    ['大正元年7月30日', '1912-07-30'],
    ['明治33年1月1日', '1900-01-01'],
    ['M6.1.1', '1873-01-01'],
    ['1986/6/14', '1986-06-14'],
    ['昭和61年6月14日', '1986-06-14'],
    ['2000-02-29', '2000-02-29'],
  ])('D4: %s is %s', (text, date) => {
    expect(parseDateText(text)).toEqual(ok(date));
  });

  it('D4: the last days of 昭和 and 平成 are theirs, the next days are not', () => {
    expect(parseDateText('昭和64年1月7日')).toEqual(ok('1989-01-07'));
    expect(parseDateText('S64.1.7')).toEqual(ok('1989-01-07'));
    expect(parseDateText('昭和64年1月8日')).toEqual(no('afterEraEnd'));
    expect(parseDateText('平成31年4月30日')).toEqual(ok('2019-04-30'));
    expect(parseDateText('H31.4.30')).toEqual(ok('2019-04-30'));
    expect(parseDateText('平成31年5月1日')).toEqual(no('afterEraEnd'));
    expect(parseDateText('H31.5.1')).toEqual(no('afterEraEnd'));
    expect(parseDateText('大正15年12月25日')).toEqual(no('afterEraEnd'));
  });

  it('D4: the first days of 平成 and 令和 are theirs, the days before are not', () => {
    expect(parseDateText('平成元年1月7日')).toEqual(no('beforeEraStart'));
    expect(parseDateText('令和元年4月30日')).toEqual(no('beforeEraStart'));
    expect(parseDateText('昭和元年12月24日')).toEqual(no('beforeEraStart'));
  });

  it('D4: a year past the era is after it; 明治1–5年 are before the Gregorian calendar', () => {
    expect(parseDateText('昭和65年1月1日')).toEqual(no('afterEraEnd'));
    expect(parseDateText('H32.1.1')).toEqual(no('afterEraEnd'));
    expect(parseDateText('明治5年1月1日')).toEqual(no('beforeGregorian'));
    expect(parseDateText('昭和0年1月1日')).toEqual(no('notADate'));
  });

  it('D4: an era we do not know is named as such', () => {
    expect(parseDateText('慶応3年1月1日')).toEqual(no('unknownEra'));
    expect(parseDateText('X18.10.22')).toEqual(no('unknownEra'));
    expect(parseDateText('天保5年1月1日')).toEqual(no('unknownEra'));
  });

  it.each(['', '   '])('D4: nothing typed is empty (%j)', (text) => {
    expect(parseDateText(text)).toEqual(no('empty'));
  });

  it.each([
    'abc',
    '昭和',
    '昭和18年2月30日',
    'S18.13.1',
    'S18.0.1',
    '1943-02-29',
    '1943-13-01',
    '19431322',
    '6181022',
    '318102',
    '1943-10',
    '1943-10-22T00:00',
    'S18.10.22.1',
    '昭和18年10月',
  ])('D4: %j is not a date', (text) => {
    expect(parseDateText(text)).toEqual(no('notADate'));
  });

  it('D4: the answer never carries the text typed', () => {
    expect(JSON.stringify(parseDateText('山田花子 S18.99.99'))).not.toContain('山田');
  });
});

describe('D4 formatDateJa: 和暦 with the Western year', () => {
  it.each([
    ['1986-06-14', '昭和61年6月14日（1986年）'],
    ['1943-10-22', '昭和18年10月22日（1943年）'],
    ['1989-01-07', '昭和64年1月7日（1989年）'],
    ['1989-01-08', '平成元年1月8日（1989年）'],
    ['2019-04-30', '平成31年4月30日（2019年）'],
    ['2019-05-01', '令和元年5月1日（2019年）'],
    ['2026-12-07', '令和8年12月7日（2026年）'],
    ['1900-01-01', '明治33年1月1日（1900年）'],
  ])('D4: %s is %s', (iso, text) => {
    expect(formatDateJa(iso)).toBe(text);
  });

  it('D4: what formatDateJa writes, parseDateText reads back to the same day', () => {
    for (const iso of ['1926-12-25', '1945-08-15', '1989-01-08', '2019-05-01', '2000-02-29']) {
      expect(parseDateText(formatDateJa(iso).replace(/（.*$/, ''))).toEqual(ok(iso));
    }
  });

  it('before 1873 the day is written in Western form; text that is no day is left as it is', () => {
    expect(formatDateJa('1850-01-01')).toBe('1850年1月1日');
    expect(formatDateJa('not a date')).toBe('not a date');
    expect(formatDateJa('1986-02-30')).toBe('1986-02-30');
  });
});
