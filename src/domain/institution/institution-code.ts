/**
 * 医療機関コード: 10 digits — prefecture (2), 点数表 (1), a 6-digit number and a check digit.
 * The check digit is a modulus-10 Luhn variant over the first nine digits.
 */
export type InstitutionCodeProblem =
  | 'empty'
  | 'notDigits'
  | 'wrongLength'
  | 'unknownPrefecture'
  | 'unknownFeeSchedule'
  | 'wrongCheckDigit';

/** 点数表 digit: 1 医科 (medical), 3 歯科 (dental), 4 調剤 (pharmacy). */
export const FEE_SCHEDULES = { '1': 'medical', '3': 'dental', '4': 'pharmacy' } as const;

/**
 * Check digit over nine digits: weights 2,1,2,1… from the rightmost digit, two-digit products
 * reduced to their digit sum, check = (10 − sum mod 10) mod 10.
 */
export function institutionCheckDigit(nineDigits: string): number {
  if (!/^\d{9}$/.test(nineDigits)) throw new RangeError('nine digits expected');
  let sum = 0;
  for (let i = 0; i < 9; i += 1) {
    const digit = Number(nineDigits[8 - i]);
    const product = digit * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

/** Returns the first problem found with a code, or null when it is a valid 医療機関コード. */
export function checkInstitutionCode(input: string): InstitutionCodeProblem | null {
  const code = input.trim();
  if (code === '') return 'empty';
  if (!/^\d+$/.test(code)) return 'notDigits';
  if (code.length !== 10) return 'wrongLength';
  const prefecture = Number(code.slice(0, 2));
  if (prefecture < 1 || prefecture > 47) return 'unknownPrefecture';
  if (!(code[2]! in FEE_SCHEDULES)) return 'unknownFeeSchedule';
  if (institutionCheckDigit(code.slice(0, 9)) !== Number(code[9])) return 'wrongCheckDigit';
  return null;
}
