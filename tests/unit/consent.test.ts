import { describe, expect, it } from 'vitest';
import {
  agreeToAll,
  agreeToNone,
  consentedScopes,
  disclosedRecord,
  formatScopes,
  obtainableScopes,
  parseScopes,
  type ConsentSettings,
} from '../../src/domain/consent/consent.ts';

const full: ConsentSettings = { usesClinicalInfo: true, usesElectronicPrescription: true };

describe('consent scopes', () => {
  it('S1: the 薬剤情報 choice grants 診療情報 and 薬剤情報 together', () => {
    expect(consentedScopes({ ...agreeToNone(), medication: true }, full)).toEqual(['clinical', 'medication', 'dispensing']);
  });

  it('S2: with clinical information set to 「利用しない」 the choice covers 薬剤情報 only', () => {
    const scopes = consentedScopes({ ...agreeToNone(), medication: true }, { usesClinicalInfo: false, usesElectronicPrescription: false });
    expect(scopes).toEqual(['medication']);
  });

  it('S3: 処方・調剤情報 comes with the medication choice only at e-prescription institutions', () => {
    expect(consentedScopes({ ...agreeToNone(), medication: true }, { usesClinicalInfo: true, usesElectronicPrescription: false })).toEqual([
      'clinical',
      'medication',
    ]);
    // Declining the medication choice declines dispensing too, whatever the setting.
    expect(consentedScopes({ ...agreeToAll(), medication: false }, full)).not.toContain('dispensing');
  });

  it('「すべて同意する」 grants every scope the institution uses', () => {
    expect(consentedScopes(agreeToAll(), full)).toEqual([
      'surgery',
      'clinical',
      'medication',
      'dispensing',
      'checkup',
      'costLimit',
      'specificDisease',
    ]);
  });

  it('each other choice grants exactly its own scope', () => {
    expect(consentedScopes({ ...agreeToNone(), surgery: true }, full)).toEqual(['surgery']);
    expect(consentedScopes({ ...agreeToNone(), checkup: true }, full)).toEqual(['checkup']);
    expect(consentedScopes({ ...agreeToNone(), costLimit: true }, full)).toEqual(['costLimit']);
    expect(consentedScopes(agreeToNone(), full)).toEqual([]);
  });

  it('S4: 特定疾病 information is obtainable only through card authentication', () => {
    const all = consentedScopes(agreeToAll(), full);
    expect(obtainableScopes(all, 'cardAuthentication')).toContain('specificDisease');
    expect(obtainableScopes(all, 'other')).not.toContain('specificDisease');
    expect(obtainableScopes(all, 'other')).toHaveLength(all.length - 1);
  });

  it('stores scopes as text and reads back only known ones', () => {
    const scopes = consentedScopes(agreeToAll(), full);
    expect(parseScopes(formatScopes(scopes))).toEqual(scopes);
    expect(parseScopes('medication,bogus,,checkup')).toEqual(['medication', 'checkup']);
    expect(parseScopes('')).toEqual([]);
  });
});

describe('disclosure of the eligibility record', () => {
  const record = { name: '山田　花子', costLimit: { applicationCategory: 'エ' }, specificDisease: { diseaseCategory: '人工透析' } };
  it('leaves out cost-limit and specific-disease data that were not consented', () => {
    expect(disclosedRecord(record, ['medication'])).toEqual({ name: '山田　花子', costLimit: null, specificDisease: null });
  });
  it('keeps them when consented (S4: specific disease only ever arrives through the card)', () => {
    expect(disclosedRecord(record, ['costLimit', 'specificDisease'])).toEqual(record);
  });
});
