import { describe, expect, it } from 'vitest';
import { hashRecoveryCode, newRecoveryCodes } from '../../src/server/staff/recovery-codes.ts';
import { base32Decode, base32Encode, hotp, otpauthUri, totpCode, totpStep, verifyTotp } from '../../src/server/staff/totp.ts';

// The RFC 4226 / RFC 6238 test key for SHA-1: the ASCII digits "12345678901234567890".
const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');
const RFC_KEY_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('staff second factor (issue 6 §2): HOTP and TOTP (RFC 4226, RFC 6238)', () => {
  it('RFC 4226 Appendix D: the ten HOTP values for counters 0–9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(RFC_KEY, counter))).toEqual(expected);
  });

  it('RFC 6238 Appendix B: the SHA-1 test vectors (8 digits, 30-second steps)', () => {
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, code] of vectors) {
      expect(hotp(RFC_KEY, totpStep(new Date(seconds * 1000)), 8), String(seconds)).toBe(code);
    }
  });

  it('the 6-digit code an app shows is the last six digits of the same value', () => {
    expect(totpCode(RFC_KEY_BASE32, new Date(59_000))).toBe('287082');
    expect(totpCode(RFC_KEY_BASE32, new Date(1111111109_000))).toBe('081804');
  });

  it('base32 round-trips and decodes the RFC key', () => {
    expect(base32Decode(RFC_KEY_BASE32).toString('ascii')).toBe('12345678901234567890');
    expect(base32Encode(RFC_KEY)).toBe(RFC_KEY_BASE32);
    expect(base32Decode('gezd gnbv-gy3t')).toEqual(base32Decode('GEZDGNBVGY3T'));
  });

  it('accepts the previous, current and next step, and nothing further', () => {
    const at = new Date(1_800_000_000_000);
    const step = totpStep(at);
    const key = base32Decode(RFC_KEY_BASE32);
    for (const offset of [-1, 0, 1]) expect(verifyTotp(RFC_KEY_BASE32, hotp(key, step + offset), at, null)).toBe(step + offset);
    for (const offset of [-2, 2]) expect(verifyTotp(RFC_KEY_BASE32, hotp(key, step + offset), at, null)).toBeNull();
    expect(verifyTotp(RFC_KEY_BASE32, '12345', at, null)).toBeNull();
    expect(verifyTotp(RFC_KEY_BASE32, 'abcdef', at, null)).toBeNull();
  });

  it('refuses a code again once its step (or a later one) was used: no replay within the window', () => {
    const at = new Date(1_800_000_000_000);
    const code = totpCode(RFC_KEY_BASE32, at);
    const used = verifyTotp(RFC_KEY_BASE32, code, at, null);
    expect(used).toBe(totpStep(at));
    expect(verifyTotp(RFC_KEY_BASE32, code, at, used)).toBeNull();
    // 29 seconds later the same code would still be inside the window.
    expect(verifyTotp(RFC_KEY_BASE32, code, new Date(at.getTime() + 29_000), used)).toBeNull();
    // The next step's code is fine.
    expect(verifyTotp(RFC_KEY_BASE32, totpCode(RFC_KEY_BASE32, new Date(at.getTime() + 30_000)), at, used)).toBe(used! + 1);
  });

  it('builds the otpauth:// URI authenticator apps read', () => {
    const uri = new URL(otpauthUri('JBSWY3DPEHPK3PXP', 'demo-admin', '在宅受付'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/在宅受付:demo-admin');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: 'JBSWY3DPEHPK3PXP', issuer: '在宅受付', algorithm: 'SHA1', digits: '6', period: '30' });
  });
});

describe('staff second factor (issue 6 §2): recovery codes', () => {
  it('are ten distinct, readable codes without look-alike characters', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$/);
  });

  it('are stored as a hash that ignores case, spaces and dashes, and differs per code', () => {
    const [a, b] = newRecoveryCodes(2) as [string, string];
    expect(hashRecoveryCode(a)).toBe(hashRecoveryCode(` ${a.toUpperCase().replace(/-/g, ' ')} `));
    expect(hashRecoveryCode(a)).not.toBe(hashRecoveryCode(b));
    expect(hashRecoveryCode(a)).not.toContain(a.replace(/-/g, ''));
  });
});
