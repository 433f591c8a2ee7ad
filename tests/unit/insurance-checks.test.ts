import { describe, expect, it } from 'vitest';
import type { QualificationCandidate } from '../../src/domain/registration/eligibility.ts';
import { copayCategoryCheck, explainQualificationChoice, medicalAidCheck } from '../../src/domain/registration/insurance-checks.ts';
import { createLocalRegistry } from '../../src/server/national/embedded/local-registry.ts';

const costLimit = (applicationCategory: string) => ({ category: '限度額適用認定証', applicationCategory, validFrom: null, validTo: null, issuedOn: null, longStayDate: null });
const elderly = (copayRatio: number) => ({ copayRatio, validFrom: null, validTo: null, issuedOn: null });

describe('E4 copay ratio vs cost-limit category', () => {
  it('E4: 1–2割 with 現役並み is a contradiction (confirm with the insurer)', () => {
    expect(copayCategoryCheck({ copayRatio: null, elderlyRecipient: elderly(20), costLimit: costLimit('現役並みⅡ') })?.contradiction).toBe('lowRatioWithActiveIncome');
    expect(copayCategoryCheck({ copayRatio: 10, elderlyRecipient: null, costLimit: costLimit('現役並みⅠ') })?.contradiction).toBe('lowRatioWithActiveIncome');
  });

  it('E4: 3割 with 一般 or 低所得 is the other contradiction', () => {
    expect(copayCategoryCheck({ copayRatio: null, elderlyRecipient: elderly(30), costLimit: costLimit('一般') })?.contradiction).toBe('highRatioWithGeneralOrLowIncome');
    expect(copayCategoryCheck({ copayRatio: 30, elderlyRecipient: null, costLimit: costLimit('低所得Ⅱ') })?.contradiction).toBe('highRatioWithGeneralOrLowIncome');
  });

  it('E4: consistent pairs and missing data give nothing', () => {
    expect(copayCategoryCheck({ copayRatio: null, elderlyRecipient: elderly(30), costLimit: costLimit('現役並みⅢ') })).toBeNull();
    expect(copayCategoryCheck({ copayRatio: 10, elderlyRecipient: null, costLimit: costLimit('低所得Ⅰ') })).toBeNull();
    expect(copayCategoryCheck({ copayRatio: null, elderlyRecipient: elderly(20), costLimit: null })).toBeNull();
    expect(copayCategoryCheck({ copayRatio: null, elderlyRecipient: null, costLimit: costLimit('ア') })).toBeNull();
  });
});

describe('E6 medical aid vs social insurance', () => {
  it('E6: the flag asks staff to check with the welfare office', () => {
    expect(medicalAidCheck({ medicalAidSocialInsuranceInconsistent: true })).toBe('contactWelfareOffice');
    expect(medicalAidCheck({ medicalAidSocialInsuranceInconsistent: false })).toBeNull();
  });
});

type C = QualificationCandidate & { insurerNumber: string; insurerName: string };
const base: C = {
  insurerNumber: '',
  insurerName: '',
  medicalAid: false,
  municipalNhi: false,
  cardIssuedOn: '2025-03-25',
  cardValidFrom: '2025-04-01',
  cardValidTo: null,
  qualificationAcquiredOn: '2025-04-01',
  qualificationLostOn: null,
};

describe('E5 ordering, explained', () => {
  it('E5: among the same issue date, latest start, then not 市町村国保, then the farthest end', () => {
    const older = { ...base, insurerName: 'older start', cardValidFrom: '2024-10-01' };
    const nhi = { ...base, insurerName: 'municipal', municipalNhi: true };
    const ending = { ...base, insurerName: 'ends 2030', cardValidTo: '2030-03-31' };
    const open = { ...base, insurerName: 'open-ended' };
    const choice = explainQualificationChoice([older, nhi, ending, open])!;
    expect(choice.candidates[choice.chosenIndex]!.insurerName).toBe('open-ended');
    expect(choice.reason).toBe('farthestEnd');
    expect(choice.sharingDate).toBe(4);
    expect(explainQualificationChoice([older, nhi])!.reason).toBe('latestStart');
    expect(explainQualificationChoice([{ ...base, municipalNhi: true }, { ...base, insurerName: 'union' }])!.reason).toBe('notMunicipalNhi');
  });

  it('E5: 医療扶助 by the latest acquisition, then the farthest loss; one candidate needs no explanation', () => {
    const aid = { ...base, medicalAid: true, cardIssuedOn: null, cardValidFrom: null };
    const choice = explainQualificationChoice([{ ...aid, qualificationAcquiredOn: '2020-01-01' }, { ...aid, insurerName: 'newer', qualificationAcquiredOn: '2023-01-01' }])!;
    expect(choice.reason).toBe('latestAcquisition');
    expect(choice.candidates[choice.chosenIndex]!.insurerName).toBe('newer');
    expect(explainQualificationChoice([base])).toBeNull();
  });

  it('E4, E5, E6: the demo registry has a person for each case', async () => {
    const registry = createLocalRegistry(new Map());
    const at = new Date('2026-11-22T03:00:00Z');
    expect(copayCategoryCheck(await registry.currentEligibility('p10', at))?.contradiction).toBe('lowRatioWithActiveIncome');
    expect(copayCategoryCheck(await registry.currentEligibility('p16', at))?.contradiction).toBe('highRatioWithGeneralOrLowIncome');
    const p11 = await registry.qualificationChoice!('p11', at);
    expect(p11?.reason).toBe('farthestEnd');
    expect(p11?.candidates[p11.chosenIndex]?.insurerName).toBe('さくら精機健康保険組合');
    expect(medicalAidCheck(await registry.currentEligibility('p17', at))).toBe('contactWelfareOffice');
    expect(await registry.qualificationChoice!('p01', at)).toBeNull();
  });
});
