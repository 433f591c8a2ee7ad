import { describe, expect, it } from 'vitest';
import { checkInstitutionCode, institutionCheckDigit } from '../../src/domain/institution/institution-code.ts';

describe('医療機関コード check digit', () => {
  it('gives 2 for the published example 341071236 (so 3410712362 is valid)', () => {
    expect(institutionCheckDigit('341071236')).toBe(2);
    expect(checkInstitutionCode('3410712362')).toBeNull();
  });

  it('reduces two-digit products to their digit sum', () => {
    // 9×2 = 18 → 1+8 = 9 on every weighted position: 9,0,9,0,9 → 45, check (10 − 5) = 5.
    expect(institutionCheckDigit('909090909')).toBe(5);
  });

  it('is 0, not 10, when the sum is a multiple of ten', () => {
    expect(institutionCheckDigit('000000000')).toBe(0);
  });

  it.each([
    ['3410712363', 'wrongCheckDigit'],
    ['', 'empty'],
    ['34107123a2', 'notDigits'],
    ['１３１２３４５６７９', 'notDigits'],
    ['341071236', 'wrongLength'],
    ['34107123620', 'wrongLength'],
    ['0010712362', 'unknownPrefecture'],
    ['4810712362', 'unknownPrefecture'],
    ['3420712362', 'unknownFeeSchedule'],
  ])('rejects %s as %s', (code, problem) => {
    expect(checkInstitutionCode(code)).toBe(problem);
  });

  it('accepts prefectures 01 and 47 and the 歯科 and 調剤 digits', () => {
    for (const nine of ['011234567', '471234567', '133234567', '134234567']) {
      expect(checkInstitutionCode(nine + institutionCheckDigit(nine))).toBeNull();
    }
  });
});
