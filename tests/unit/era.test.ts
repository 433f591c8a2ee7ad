import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ERAS,
  eraYearRange,
  findEra,
  formatEraDate,
  GREGORIAN_ADOPTED,
  parseEraDate,
  parseEraNumber,
  toEraDate,
  type EraId,
} from '../../src/domain/shared/era.ts';

const parse = (era: string, year: number | string, month: number | string, day: number | string) =>
  parseEraDate({ era, year, month, day });
const ok = (date: string) => ({ ok: true, date });
const no = (problem: string) => ({ ok: false, problem });

/** Every era change: the last day of the old era and the first day of the new one. */
const CHANGES: { last: [EraId, number, number, number, string]; first: [EraId, number, number, number, string] }[] = [
  { last: ['meiji', 45, 7, 29, '1912-07-29'], first: ['taisho', 1, 7, 30, '1912-07-30'] },
  { last: ['taisho', 15, 12, 24, '1926-12-24'], first: ['showa', 1, 12, 25, '1926-12-25'] },
  { last: ['showa', 64, 1, 7, '1989-01-07'], first: ['heisei', 1, 1, 8, '1989-01-08'] },
  { last: ['heisei', 31, 4, 30, '2019-04-30'], first: ['reiwa', 1, 5, 1, '2019-05-01'] },
];

describe('D4 era dates must exist: every era change, both directions', () => {
  for (const { last, first } of CHANGES) {
    const [oldEra, oldYear, oldMonth, oldDay, lastDate] = last;
    const [newEra, newYear, newMonth, newDay, firstDate] = first;

    it(`D4: ${oldEra} ${oldYear}-${oldMonth}-${oldDay} is its last day, the next day is not in it`, () => {
      expect(parse(oldEra, oldYear, oldMonth, oldDay)).toEqual(ok(lastDate));
      expect(parse(oldEra, oldYear, newMonth, newDay)).toEqual(no('afterEraEnd'));
    });

    it(`D4: ${newEra} 元年 ${newMonth}-${newDay} is its first day, the day before is not in it`, () => {
      expect(parse(newEra, newYear, newMonth, newDay)).toEqual(ok(firstDate));
      expect(parse(newEra, '元', newMonth, newDay)).toEqual(ok(firstDate));
      expect(parse(newEra, newYear, oldMonth, oldDay)).toEqual(no('beforeEraStart'));
    });

    it(`D4: toEraDate switches from ${oldEra} to ${newEra} on ${firstDate}`, () => {
      expect(toEraDate(lastDate)).toEqual({ era: oldEra, year: oldYear, month: oldMonth, day: oldDay });
      expect(toEraDate(firstDate)).toEqual({ era: newEra, year: 1, month: newMonth, day: newDay });
    });

    it(`D4: formatEraDate writes the last day of ${oldEra} and 元年 of ${newEra}`, () => {
      const oldName = ERAS.find((e) => e.id === oldEra)?.name ?? '';
      const newName = ERAS.find((e) => e.id === newEra)?.name ?? '';
      expect(formatEraDate(lastDate)).toBe(`${oldName}${oldYear}年${oldMonth}月${oldDay}日`);
      expect(formatEraDate(firstDate)).toBe(`${newName}元年${newMonth}月${newDay}日`);
    });
  }

  it('D4: the examples of DOMAIN §8 and the brief, written in kanji era names', () => {
    expect(parse('平成', 31, 4, 30)).toEqual(ok('2019-04-30'));
    expect(parse('平成', 31, 5, 1)).toEqual(no('afterEraEnd'));
    expect(parse('令和', '元', 5, 1)).toEqual(ok('2019-05-01'));
    expect(parse('令和', '元', 4, 30)).toEqual(no('beforeEraStart'));
    expect(parse('昭和', 64, 1, 7)).toEqual(ok('1989-01-07'));
    expect(parse('昭和', 64, 1, 8)).toEqual(no('afterEraEnd'));
    expect(parse('大正', 15, 12, 24)).toEqual(ok('1926-12-24'));
    expect(parse('大正', 15, 12, 25)).toEqual(no('afterEraEnd'));
    expect(parse('明治', 45, 7, 29)).toEqual(ok('1912-07-29'));
    expect(parse('明治', 45, 7, 30)).toEqual(no('afterEraEnd'));
  });

  it('D4: leap years — 平成4年2月29日 (1992) exists, 平成5年2月29日 does not', () => {
    expect(parse('平成', 4, 2, 29)).toEqual(ok('1992-02-29'));
    expect(parse('平成', 5, 2, 29)).toEqual(no('notADate'));
    // 1900 is not a leap year, 2000 is.
    expect(parse('明治', 33, 2, 29)).toEqual(no('notADate'));
    expect(parse('平成', 12, 2, 29)).toEqual(ok('2000-02-29'));
  });

  it('D4: years beyond an era do not exist', () => {
    expect(parse('平成', 32, 1, 1)).toEqual(no('yearOutOfRange'));
    expect(parse('昭和', 65, 1, 1)).toEqual(no('yearOutOfRange'));
    expect(parse('大正', 16, 1, 1)).toEqual(no('yearOutOfRange'));
    expect(parse('明治', 46, 1, 1)).toEqual(no('yearOutOfRange'));
    expect(parse('令和', 0, 5, 1)).toEqual(no('notADate'));
    expect(parse('令和', 100, 1, 1)).toEqual(ok('2118-01-01'));
  });

  it('D4: 明治元年–5年 were lunisolar dates and are refused; 明治6年1月1日 is the first convertible day', () => {
    expect(parse('明治', '元', 10, 23)).toEqual(no('yearOutOfRange'));
    expect(parse('明治', 5, 12, 2)).toEqual(no('yearOutOfRange'));
    expect(parse('明治', 6, 1, 1)).toEqual(ok(GREGORIAN_ADOPTED));
    expect(eraYearRange('meiji')).toEqual({ min: 6, max: 45 });
    expect(toEraDate('1872-12-31')).toBeNull();
    expect(formatEraDate('1872-12-31')).toBeNull();
    expect(formatEraDate('1873-01-01')).toBe('明治6年1月1日');
    // The 医療扶助 "unknown" date of birth.
    expect(formatEraDate('1900-01-01')).toBe('明治33年1月1日');
  });

  it('D4: impossible months and days are not dates', () => {
    expect(parse('令和', 6, 13, 1)).toEqual(no('notADate'));
    expect(parse('令和', 6, 4, 31)).toEqual(no('notADate'));
    expect(parse('令和', 6, 1, 32)).toEqual(no('notADate'));
    expect(parse('令和', 6, 0, 1)).toEqual(no('notADate'));
    expect(parse('令和', 'x', 1, 1)).toEqual(no('notADate'));
    expect(parse('令和', 6.5, 1, 1)).toEqual(no('notADate'));
  });

  it('D4: an unknown era is named as such', () => {
    expect(parse('慶応', 3, 1, 1)).toEqual(no('unknownEra'));
    expect(parse('', 3, 1, 1)).toEqual(no('unknownEra'));
  });
});

describe('D4 how era dates are written', () => {
  it('D4: 元 and 元年 are year 1; full-width and Arabic numerals, with or without 年月日', () => {
    expect(parseEraNumber('元')).toBe(1);
    expect(parseEraNumber('元年')).toBe(1);
    expect(parseEraNumber('３１')).toBe(31);
    expect(parseEraNumber('31年')).toBe(31);
    expect(parseEraNumber(' ４月 ')).toBe(4);
    expect(parseEraNumber(12)).toBe(12);
    expect(parseEraNumber('')).toBeNull();
    expect(parseEraNumber('三')).toBeNull();
    expect(parseEraNumber(-1)).toBeNull();
    expect(parse('令和', '元年', '５月', '１日')).toEqual(ok('2019-05-01'));
    expect(parse('平成', '３１', '４', '３０')).toEqual(ok('2019-04-30'));
  });

  it('D4: an era is named by id, 元号, letter, full-width letter or the square era sign', () => {
    for (const value of ['heisei', 'Heisei', '平成', 'H', 'h', 'Ｈ', '㍻']) expect(findEra(value)?.id).toBe('heisei');
    expect(findEra('㋿')?.id).toBe('reiwa');
    expect(findEra('㍼')?.id).toBe('showa');
    expect(findEra('X')).toBeNull();
  });

  it('D4: toEraDate picks the era in force that day', () => {
    expect(toEraDate('2026-11-22')).toEqual({ era: 'reiwa', year: 8, month: 11, day: 22 });
    expect(toEraDate('1964-10-10')).toEqual({ era: 'showa', year: 39, month: 10, day: 10 });
    expect(toEraDate('2026-02-30')).toBeNull();
    expect(toEraDate('not a date')).toBeNull();
  });

  it('D4: parse and toEraDate agree for every day from 1873 to 2030 at each month start and end', () => {
    for (let year = 1873; year <= 2030; year += 1) {
      for (const monthDay of ['01-01', '04-30', '05-01', '07-29', '07-30', '12-24', '12-25', '12-31']) {
        const date = `${year}-${monthDay}`;
        const era = toEraDate(date);
        expect(era).not.toBeNull();
        if (era) expect(parseEraDate(era)).toEqual(ok(date));
      }
    }
  });

  it('D4: formatEraDate uses Intl for ordinary years and 元年 for the first, whatever the ICU version', () => {
    expect(formatEraDate('2026-11-22')).toBe('令和8年11月22日');
    expect(formatEraDate('2019-05-01')).toBe('令和元年5月1日');
    expect(formatEraDate('1989-01-08')).toBe('平成元年1月8日');
    expect(formatEraDate('2000-02-29')).toBe('平成12年2月29日');
    expect(formatEraDate('2026-02-30')).toBeNull();
  });
});

describe('D4 formatEraDate with other ICU versions', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  /** An Intl whose Japanese calendar prints the given era and year for every date; counts its calls. */
  function stubIntl(era: string, year: string) {
    const RealIntl = Intl;
    const used = { calls: 0 };
    class FakeFormat {
      formatToParts(date: Date) {
        used.calls += 1;
        return [
          { type: 'era', value: era },
          { type: 'year', value: year },
          { type: 'literal', value: '年' },
          { type: 'month', value: String(date.getUTCMonth() + 1) },
          { type: 'literal', value: '月' },
          { type: 'day', value: String(date.getUTCDate()) },
          { type: 'literal', value: '日' },
        ];
      }
    }
    vi.stubGlobal('Intl', { ...RealIntl, DateTimeFormat: FakeFormat });
    return used;
  }

  it('D4: an ICU that prints 1年 still gives 元年', async () => {
    vi.resetModules();
    const used = stubIntl('令和', '1');
    const era = await import('../../src/domain/shared/era.ts');
    expect(era.formatEraDate('2019-05-01')).toBe('令和元年5月1日');
    expect(used.calls).toBe(1);
  });

  it('D4: an engine without 令和 (prints 平成31年 after April 2019) is overruled by the era table', async () => {
    vi.resetModules();
    const used = stubIntl('平成', '31');
    const era = await import('../../src/domain/shared/era.ts');
    expect(era.formatEraDate('2019-05-01')).toBe('令和元年5月1日');
    expect(used.calls).toBe(1);
  });
});
