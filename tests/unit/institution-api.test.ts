import { describe, expect, it } from 'vitest';
import { badReturnUrlLines, institutionSettingsSchema, registerInstitutionSchema, returnUrlLines, userAgentSummary } from '../../src/domain/institution/institution-api.ts';

describe('return addresses of telemedicine apps (R1, R7 settings)', () => {
  it('accepts https prefixes one per line, ignoring blank lines and spaces around', () => {
    const text = ' https://telemed.example/return \n\nhttps://app.example.jp:8443/back/\n';
    expect(returnUrlLines(text)).toEqual(['https://telemed.example/return', 'https://app.example.jp:8443/back/']);
    expect(badReturnUrlLines(text)).toEqual([]);
  });

  it('names the lines that are not plain https addresses', () => {
    const text = ['https://ok.example/', 'http://plain.example/', 'javascript:alert(1)', 'https://u:p@host.example/', 'https://x.example/?q=1', 'https://x.example/#f', 'https://has space.example/'].join('\n');
    expect(badReturnUrlLines(text)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('the settings schema refuses bad lines and a retention outside 1–365 days (D5)', () => {
    const base = { usesClinicalInfo: true, usesElectronicPrescription: true, showsPrescriptionForm: true, allowedReturnUrls: '', declarationRetentionDays: 30 };
    expect(institutionSettingsSchema.safeParse(base).success).toBe(true);
    expect(institutionSettingsSchema.safeParse({ ...base, allowedReturnUrls: 'http://x.example/' }).success).toBe(false);
    expect(institutionSettingsSchema.safeParse({ ...base, declarationRetentionDays: 0 }).success).toBe(false);
    expect(institutionSettingsSchema.safeParse({ ...base, declarationRetentionDays: 366 }).success).toBe(false);
  });
});

describe('registration request', () => {
  const good = { code: '3410712362', activationCode: 'VS52-5HK5-ETFC-D5MK', name: 'クリニック', loginId: 'admin-1', displayName: '管理者', password: 'twelve-chars' };
  it('accepts the published example code and a 12-character password', () => {
    expect(registerInstitutionSchema.safeParse(good).success).toBe(true);
  });
  it('issue 12 #9: needs the activation code', () => {
    const { activationCode: _code, ...withoutCode } = good;
    const result = registerInstitutionSchema.safeParse(withoutCode);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toContain('activationCode');
    expect(registerInstitutionSchema.safeParse({ ...good, activationCode: '   ' }).success).toBe(false);
  });
  it('puts a check-digit failure on the code field with its own message', () => {
    const result = registerInstitutionSchema.safeParse({ ...good, code: '3410712363' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.find((i) => i.path[0] === 'code')?.message).toMatch(/check digit/);
  });
  it('refuses an 11-character password', () => {
    expect(registerInstitutionSchema.safeParse({ ...good, password: 'eleven-char' }).success).toBe(false);
  });
});

describe('device user-agent summary (P4)', () => {
  it.each([
    ['Mozilla/5.0 (Linux; Android 14; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome / Android'],
    ['Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari / iPadOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1', 'Chrome / iOS'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge / Windows'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox / Linux'],
    ['', 'unknown'],
  ])('%s → %s', (ua, summary) => {
    expect(userAgentSummary(ua)).toBe(summary);
  });
});
