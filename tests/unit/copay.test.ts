import { describe, expect, it } from 'vitest';
import {
  ageOn,
  birthday,
  dayReachingAge,
  elderlyRateFrom,
  expectedCopay,
  expectedCopayAt,
  isPreSchool,
  lateElderlyFrom,
  preSchoolUntil,
  type CopayInput,
} from '../../src/domain/declaration/copay.ts';

const copay = (dateOfBirth: string | null, onDate: string, more: Partial<CopayInput> = {}) =>
  expectedCopay({ dateOfBirth, onDate, insuranceType: 'employee', ...more });
const percent = (dateOfBirth: string | null, onDate: string, more: Partial<CopayInput> = {}) => {
  const result = copay(dateOfBirth, onDate, more);
  return result.kind === 'percent' ? result.percent : result.reason;
};

describe('ages (年齢計算ニ関スル法律)', () => {
  it('a person is a year older from the birthday on', () => {
    expect(ageOn('1955-06-15', '2025-06-14')).toBe(69);
    expect(ageOn('1955-06-15', '2025-06-15')).toBe(70);
    expect(ageOn('2025-01-01', '2025-01-01')).toBe(0);
    expect(() => ageOn('2025-01-02', '2025-01-01')).toThrow(RangeError);
  });

  it('born on 29 February: the birthday is 1 March in common years, and the age is reached on 28 February', () => {
    expect(birthday('2000-02-29', 1)).toBe('2001-03-01');
    expect(birthday('2000-02-29', 4)).toBe('2004-02-29');
    expect(dayReachingAge('2000-02-29', 1)).toBe('2001-02-28');
    expect(ageOn('2000-02-29', '2001-02-28')).toBe(0);
    expect(ageOn('2000-02-29', '2001-03-01')).toBe(1);
    expect(ageOn('2000-02-29', '2004-02-29')).toBe(4);
  });
});

describe('E7 pre-school children pay 20 % until the 31 March after reaching 6', () => {
  it('E7: born 1 April — reaches 6 on 31 March, so pre-school ends that very day (a school year earlier)', () => {
    expect(preSchoolUntil('2019-04-01')).toBe('2025-03-31');
    expect(percent('2019-04-01', '2025-03-31')).toBe(20);
    expect(percent('2019-04-01', '2025-04-01')).toBe(30);
  });

  it('E7: born 2 April — reaches 6 on 1 April, so pre-school lasts until the next 31 March', () => {
    expect(preSchoolUntil('2019-04-02')).toBe('2026-03-31');
    expect(percent('2019-04-02', '2025-04-01')).toBe(20);
    expect(percent('2019-04-02', '2026-03-31')).toBe(20);
    expect(percent('2019-04-02', '2026-04-01')).toBe(30);
  });

  it('E7: born 31 March, or on 29 February, or just born', () => {
    expect(preSchoolUntil('2019-03-31')).toBe('2025-03-31');
    expect(preSchoolUntil('2020-02-29')).toBe('2026-03-31');
    expect(isPreSchool('2025-11-01', '2025-11-01')).toBe(true);
    expect(isPreSchool('2025-11-01', '2025-10-31')).toBe(false);
    expect(copay('2025-11-01', '2025-11-01')).toEqual({ kind: 'percent', percent: 20, basis: 'preSchool', declared: false });
  });

  it('E7: the pre-school rate does not depend on a declared ratio or the insurance type', () => {
    expect(percent('2022-05-05', '2025-11-22', { declaredRatio: 30, insuranceType: 'national' })).toBe(20);
  });
});

describe('E7 70–74 pay 20 % (30 % 現役並み, declared) from the month after reaching 70', () => {
  it('E7: born the 15th — still 30 % on the 70th birthday and through that month, 20 % from the 1st of the next', () => {
    expect(elderlyRateFrom('1955-06-15')).toBe('2025-07-01');
    expect(percent('1955-06-15', '2025-06-14')).toBe(30);
    expect(percent('1955-06-15', '2025-06-15')).toBe(30);
    expect(percent('1955-06-15', '2025-06-30')).toBe(30);
    expect(percent('1955-06-15', '2025-07-01')).toBe(20);
  });

  it('E7: born on the 1st — reaches 70 on the last day of the month before, so 20 % from the birthday', () => {
    expect(elderlyRateFrom('1955-06-01')).toBe('2025-06-01');
    expect(percent('1955-06-01', '2025-05-31')).toBe(30);
    expect(percent('1955-06-01', '2025-06-01')).toBe(20);
  });

  it('E7: born on the 2nd — reaches 70 on the 1st, so from the next month; December rolls over the year', () => {
    expect(elderlyRateFrom('1955-06-02')).toBe('2025-07-01');
    expect(elderlyRateFrom('1954-12-20')).toBe('2025-01-01');
  });

  it('E7: 現役並み cannot be told from age — a declared 3割 is charged, otherwise 20 %', () => {
    expect(copay('1953-01-10', '2025-11-22')).toEqual({ kind: 'percent', percent: 20, basis: 'elderly', declared: false });
    expect(copay('1953-01-10', '2025-11-22', { declaredRatio: 30 })).toEqual({ kind: 'percent', percent: 30, basis: 'elderly', declared: true });
    expect(percent('1953-01-10', '2025-11-22', { declaredRatio: 'unknown' })).toBe(20);
  });

  it('E7: under 70 a declared ratio changes nothing (the form does not ask it)', () => {
    expect(percent('1980-01-01', '2025-11-22', { declaredRatio: 20 })).toBe(30);
  });

  it('E7: the Japan-time day decides (expectedCopayAt)', () => {
    // 2025-06-30T15:00Z is 1 July 00:00 in Japan.
    expect(expectedCopayAt({ dateOfBirth: '1955-06-15', insuranceType: 'employee' }, new Date('2025-06-30T14:59:59Z'))).toMatchObject({ percent: 30 });
    expect(expectedCopayAt({ dateOfBirth: '1955-06-15', insuranceType: 'employee' }, new Date('2025-06-30T15:00:00Z'))).toMatchObject({ percent: 20 });
  });
});

describe('E7 後期高齢者 pay 10, 20 or 30 % as declared', () => {
  it('E7: from the 75th birthday the ratio must be declared; the day before it is still the 70–74 rate', () => {
    expect(lateElderlyFrom('1950-06-15')).toBe('2025-06-15');
    expect(percent('1950-06-15', '2025-06-14')).toBe(20);
    expect(copay('1950-06-15', '2025-06-15')).toEqual({ kind: 'mustDeclare', reason: 'lateElderlyRatio', choices: [30, 20, 10] });
    for (const ratio of [10, 20, 30] as const) {
      expect(copay('1950-06-15', '2025-06-15', { declaredRatio: ratio })).toEqual({ kind: 'percent', percent: ratio, basis: 'lateElderly', declared: true });
    }
    expect(copay('1950-06-15', '2025-06-15', { declaredRatio: 'unknown' })).toMatchObject({ kind: 'mustDeclare' });
  });

  it('E7: 65–74 certified into 後期高齢者医療 (type 後期) pay as declared', () => {
    expect(percent('1958-03-03', '2025-11-22', { insuranceType: 'lateElderly', declaredRatio: 10 })).toBe(10);
    expect(percent('1958-03-03', '2025-11-22', { insuranceType: 'lateElderly' })).toBe('lateElderlyRatio');
  });
});

describe('E7 when the date of birth is unknown', () => {
  it('E7: the ratio must be declared, and a declared one is taken as it is', () => {
    expect(copay(null, '2025-11-22')).toEqual({ kind: 'mustDeclare', reason: 'unknownDateOfBirth', choices: [30, 20, 10] });
    expect(copay(null, '2025-11-22', { declaredRatio: 20 })).toEqual({ kind: 'percent', percent: 20, basis: 'declared', declared: true });
    expect(copay(null, '2025-11-22', { insuranceType: 'lateElderly' })).toMatchObject({ reason: 'lateElderlyRatio' });
  });

  it('E7: 1900-01-01 (医療扶助 "unknown") and a date of birth after the visit count as unknown', () => {
    expect(percent('1900-01-01', '2025-11-22')).toBe('unknownDateOfBirth');
    expect(percent('2030-01-01', '2025-11-22')).toBe('unknownDateOfBirth');
  });

  it('E7: a visit day that is not a date is a programming error', () => {
    expect(() => copay('1980-01-01', '2025-02-30')).toThrow(RangeError);
  });
});

describe('F5 no card and no valid insurance', () => {
  it('F5: 100 % in principle', () => {
    expect(copay('1980-01-01', '2025-11-22', { insured: false })).toEqual({ kind: 'percent', percent: 100, basis: 'uninsured', declared: false });
  });

  it('F5: for a known repeat patient the clinic may charge the insured rate (30 % or the age rate) instead', () => {
    expect(copay('1980-01-01', '2025-11-22', { insured: false, knownRepeatPatient: true })).toEqual({
      kind: 'percent',
      percent: 100,
      basis: 'uninsured',
      declared: false,
      repeatPatientAlternative: { kind: 'percent', percent: 30, basis: 'general', declared: false },
    });
    expect(copay('2022-05-05', '2025-11-22', { insured: false, knownRepeatPatient: true })).toMatchObject({
      percent: 100,
      repeatPatientAlternative: { percent: 20, basis: 'preSchool' },
    });
  });
});
