import { describe, expect, it } from 'vitest';
import { fallbackEn } from '../../src/app/i18n/fallback-en.ts';
import { fallbackJa } from '../../src/app/i18n/fallback-ja.ts';
import { expectedCopay } from '../../src/domain/declaration/copay.ts';
import { declarationDateOfBirth, emptyDeclaration, type Declaration } from '../../src/domain/declaration/declaration.ts';
import {
  checkGuideOutcome,
  FALLBACK_CAUSES,
  guideFor,
  guideStepIds,
  declarationSearchMissing,
  OUTAGE_SEARCH_FIELDS,
  outageSearchMissing,
  resolutionsFor,
  type FallbackCause,
  type GuideOutcome,
} from '../../src/domain/fallback/fallback-guide.ts';

const F1_ALL = ['proofMynaportalScreen', 'proofCertificate', 'proofCardWithNotice', 'proofHealthInsuranceCard'];
const F1_WITHOUT_PORTAL = ['proofCertificate', 'proofCardWithNotice', 'proofHealthInsuranceCard'];
const FALLBACKS = ['knownRepeatPatient', 'declarationForm', 'noInsurance'];
const CLAIMS = ['claimCurrentQualification', 'claimPastQualification', 'askPatientForNumbers', 'claimUnknownWithRemarks'];

describe('the guide per cause: step order', () => {
  const expected: Record<FallbackCause, string[]> = {
    readerBroken: ['usePatientDevice', ...F1_ALL, ...FALLBACKS, 'chargeCopay', 'paperPrescription', 'outageSearchAfterRecovery', ...CLAIMS],
    networkOrTabletFailure: ['usePatientDevice', ...F1_ALL, ...FALLBACKS, 'chargeCopay', 'paperPrescription', 'outageSearchAfterRecovery', ...CLAIMS],
    serviceOutage: [...F1_ALL, ...FALLBACKS, 'chargeCopay', 'paperPrescription', 'outageSearchAfterRecovery', ...CLAIMS],
    cardForgotten: ['proofMynaportalScreen', 'proofCertificate', 'proofHealthInsuranceCard', ...FALLBACKS, 'chargeCopay', ...CLAIMS],
    cardUnusable: ['explainCardUnusable', ...F1_ALL, ...FALLBACKS, 'chargeCopay', ...CLAIMS],
    pinLocked: ['explainPinLocked', 'proofCertificate', 'proofHealthInsuranceCard', 'proofCardWithNotice', 'proofMynaportalScreen', ...FALLBACKS, 'chargeCopay', ...CLAIMS],
    faceAuthOnlyCard: ['explainFaceAuthOnlyCard', ...F1_ALL, ...FALLBACKS, 'chargeCopay', ...CLAIMS],
    resultLost: [...F1_WITHOUT_PORTAL, ...FALLBACKS, 'chargeCopay', 'paperPrescription', ...CLAIMS],
    resultNotFound: ['checkInputErrors', ...F1_WITHOUT_PORTAL, ...FALLBACKS, 'chargeCopay', 'paperPrescription', ...CLAIMS],
    resultLostWithNew: ['askNewerQualification', ...F1_ALL, ...FALLBACKS, 'chargeCopay', 'paperPrescription', ...CLAIMS],
  };

  for (const cause of FALLBACK_CAUSES) {
    it(`F1–F8: ${cause}`, () => {
      expect(guideStepIds(cause)).toEqual(expected[cause]);
    });
  }

  it('F1: the proofs come in order — Mynaportal screen, 資格確認書, card + お知らせ, health-insurance card', () => {
    const ids = guideStepIds('serviceOutage');
    expect(ids.filter((id) => id.startsWith('proof'))).toEqual(F1_ALL);
    expect(guideFor('serviceOutage').filter((s) => s.rule === 'F1').map((s) => s.id)).toEqual(F1_ALL);
  });

  it('F1: without the card at hand, the card with its お知らせ is not offered; the other proofs keep their order', () => {
    expect(guideStepIds('cardForgotten').filter((id) => id.startsWith('proof'))).toEqual(['proofMynaportalScreen', 'proofCertificate', 'proofHealthInsuranceCard']);
  });

  it('F1 (003 lines 86–88): after 無効 or 資格情報なし the Mynaportal cannot show a valid qualification, so it is not offered', () => {
    expect(guideStepIds('resultLost')).not.toContain('proofMynaportalScreen');
    expect(guideStepIds('resultNotFound')).not.toContain('proofMynaportalScreen');
    expect(guideStepIds('resultLostWithNew')).toContain('proofMynaportalScreen');
  });

  it('F2: the patient device is offered first, and only when the staff tablet, its reader or its connection failed', () => {
    for (const cause of FALLBACK_CAUSES) {
      expect(guideStepIds(cause).includes('usePatientDevice')).toBe(cause === 'networkOrTabletFailure' || cause === 'readerBroken');
    }
    expect(guideFor('readerBroken')[0]).toEqual({ id: 'usePatientDevice', rule: 'F2', phase: 'check' });
    expect(guideFor('networkOrTabletFailure')[0]).toEqual({ id: 'usePatientDevice', rule: 'F2', phase: 'check' });
  });

  it('F3–F5: every cause ends the proofs with F4 (verbal confirmation counts as the form), F3 (the form), F5 (100 %)', () => {
    for (const cause of FALLBACK_CAUSES) {
      const steps = guideFor(cause).filter((s) => s.phase === 'fallback');
      expect(steps.map((s) => [s.id, s.rule, s.when])).toEqual([
        ['knownRepeatPatient', 'F4', 'knownPatientNothingChanged'],
        ['declarationForm', 'F3', 'noProofShown'],
        ['noInsurance', 'F5', 'noProofBroughtOrNoValidInsurance'],
      ]);
      const ids = guideStepIds(cause);
      expect(ids.indexOf('knownRepeatPatient')).toBeGreaterThan(ids.lastIndexOf('proofHealthInsuranceCard'));
    }
  });

  it('E7: every cause says what to charge, after the fallbacks', () => {
    for (const cause of FALLBACK_CAUSES) {
      const ids = guideStepIds(cause);
      expect(ids.filter((id) => id === 'chargeCopay')).toHaveLength(1);
      expect(ids.indexOf('chargeCopay')).toBeGreaterThan(ids.indexOf('noInsurance'));
      expect(guideFor(cause).find((s) => s.id === 'chargeCopay')?.rule).toBe('E7');
    }
  });

  it('F6: every cause ends with the claim: current, past (incl. the lost one), ask again, then 「不詳」 with remarks', () => {
    for (const cause of FALLBACK_CAUSES) {
      const steps = guideFor(cause);
      expect(steps.slice(-4).map((s) => [s.id, s.rule, s.when])).toEqual([
        ['claimCurrentQualification', 'F6', 'currentQualificationKnown'],
        ['claimPastQualification', 'F6', 'pastQualificationKnown'],
        ['askPatientForNumbers', 'F6', 'declarationSubmitted'],
        ['claimUnknownWithRemarks', 'F6', 'declarationSubmitted'],
      ]);
    }
  });

  it('E8: a paper prescription when eligibility is invalid (無効, 資格情報なし) or the service cannot be reached', () => {
    const withPaper = FALLBACK_CAUSES.filter((cause) => guideStepIds(cause).includes('paperPrescription'));
    expect(withPaper).toEqual(['readerBroken', 'networkOrTabletFailure', 'serviceOutage', 'resultLost', 'resultNotFound', 'resultLostWithNew']);
    expect(guideFor('resultLost').find((s) => s.id === 'paperPrescription')).toEqual({
      id: 'paperPrescription',
      rule: 'E8',
      phase: 'prescription',
      when: 'eligibilityNotConfirmed',
    });
  });

  it('F7: a locked PIN (or a proxy without it) is explained first, then 資格確認書 and a valid 健康保険証等 — no face or visual check in this flow', () => {
    const steps = guideFor('pinLocked');
    expect(steps[0]).toEqual({ id: 'explainPinLocked', rule: 'F7', phase: 'explain' });
    expect(steps.slice(1, 3).map((s) => s.id)).toEqual(['proofCertificate', 'proofHealthInsuranceCard']);
    // The Mynaportal's login asks for the same PIN: last of the proofs.
    expect(steps.filter((s) => s.phase === 'proof').at(-1)?.id).toBe('proofMynaportalScreen');
  });

  it('F8: the outage search after recovery, only for outages, before the claim', () => {
    const withSearch = FALLBACK_CAUSES.filter((cause) => guideStepIds(cause).includes('outageSearchAfterRecovery'));
    expect(withSearch).toEqual(['readerBroken', 'networkOrTabletFailure', 'serviceOutage']);
    const ids = guideStepIds('serviceOutage');
    expect(ids.indexOf('outageSearchAfterRecovery')).toBeLessThan(ids.indexOf('claimCurrentQualification'));
  });

  it('E2: 資格情報なし first re-checks the input; 新しい資格あり first asks for the newer qualification', () => {
    expect(guideFor('resultNotFound')[0]).toEqual({ id: 'checkInputErrors', rule: 'E2', phase: 'check' });
    expect(guideFor('resultLostWithNew')[0]).toEqual({ id: 'askNewerQualification', rule: 'E2', phase: 'check' });
  });

  it('callers get their own steps', () => {
    const steps = guideFor('pinLocked');
    steps.pop();
    const first = steps[0];
    if (first) first.rule = 'F1';
    expect(guideFor('pinLocked')[0]?.rule).toBe('F7');
    expect(guideFor('pinLocked')).toHaveLength(steps.length + 1);
  });
});

describe('recording the outcome of the guide with the visit', () => {
  const outcome = (fields: Partial<GuideOutcome>): GuideOutcome => ({
    cause: 'networkOrTabletFailure',
    resolution: 'declarationForm',
    declarationId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    copayPercent: 30,
    copayBasis: 'general',
    paperPrescription: true,
    outageSearchPending: true,
    claimMethod: null,
    recordedAt: '2025-11-22T01:30:00.000Z',
    ...fields,
  });

  it('F3: a declaration outcome with its form id is coherent', () => {
    expect(checkGuideOutcome(outcome({}))).toEqual([]);
  });

  it('the resolutions offered follow the guide order', () => {
    expect(resolutionsFor('networkOrTabletFailure')).toEqual([
      'patientDevice',
      'proofMynaportalScreen',
      'proofCertificate',
      'proofCardWithNotice',
      'proofHealthInsuranceCard',
      'knownRepeatPatient',
      'declarationForm',
      'noInsurance',
    ]);
    expect(resolutionsFor('resultNotFound')[0]).toBe('inputCorrected');
    expect(resolutionsFor('resultLostWithNew')[0]).toBe('newerQualification');
  });

  it('F1: a Mynaportal screen cannot settle 無効', () => {
    expect(
      checkGuideOutcome(outcome({ cause: 'resultLost', resolution: 'proofMynaportalScreen', declarationId: null, outageSearchPending: false })),
    ).toEqual(['resolutionNotInGuide']);
  });

  it('F3: the form outcome needs the form id, and other outcomes carry none', () => {
    expect(checkGuideOutcome(outcome({ declarationId: null }))).toEqual(['declarationMissing']);
    expect(checkGuideOutcome(outcome({ resolution: 'proofCertificate' }))).toEqual(['declarationUnexpected']);
  });

  it('F8: the outage search is pending only after an outage', () => {
    expect(checkGuideOutcome(outcome({ cause: 'pinLocked' }))).toEqual(['outageSearchNotInGuide']);
  });

  it('F6: 「不詳」 only for a patient who submitted the form (F4 counts as submitted)', () => {
    expect(checkGuideOutcome(outcome({ claimMethod: 'unknown' }))).toEqual([]);
    expect(checkGuideOutcome(outcome({ resolution: 'knownRepeatPatient', declarationId: null, claimMethod: 'unknown' }))).toEqual([]);
    expect(checkGuideOutcome(outcome({ resolution: 'proofCertificate', declarationId: null, claimMethod: 'unknown' }))).toEqual([
      'unknownClaimNeedsDeclaration',
    ]);
  });
});

describe('F8 the outage search (資格情報照会（システム障害時）)', () => {
  const declaration = () => ({
    ...emptyDeclaration({ id: '0f8fad5b-d9cb-469f-a165-70867728950e', createdAt: '2025-11-22T01:00:00.000Z', linkToken: 'demo-link-token-1234' }),
    declaredOn: '2025-11-22',
  });
  const source = (d: Declaration) => ({ ...d, dateOfBirth: declarationDateOfBirth(d.dateOfBirth) });

  it('F8: needs date of birth, sex and the check date, plus name or kana, plus address or insurer name', () => {
    expect(declarationSearchMissing(source(declaration()))).toEqual(['dateOfBirth', 'sex', 'nameOrKana', 'addressOrInsurer']);
    const filled: Declaration = {
      ...declaration(),
      nameKana: 'ヤマダ ハナコ',
      sex: 'female',
      dateOfBirth: { era: 'showa', year: 28, month: 1, day: 10 },
      insurerName: '全国健康保険協会',
    };
    expect(source(filled).dateOfBirth).toBe('1953-01-10');
    expect(declarationSearchMissing(source(filled))).toEqual([]);
    expect(declarationSearchMissing({ ...source(filled), nameKana: ' ', name: '' })).toEqual(['nameOrKana']);
    expect(declarationSearchMissing({ ...source(filled), insurerName: '', address: '東京都千代田区' })).toEqual([]);
    expect(declarationSearchMissing({ ...source(filled), insurerName: '', address: '' })).toEqual(['addressOrInsurer']);
  });

  it('F8: the 資格確認日 is the form’s 年月日, the visit day: blank, it is flagged', () => {
    const filled: Declaration = { ...declaration(), name: '山田 花子', sex: 'female', dateOfBirth: { era: 'showa', year: 28, month: 1, day: 10 }, address: '東京都' };
    expect(outageSearchMissing({ ...source(filled), checkDate: '2025-11-22' })).toEqual([]);
    expect(declarationSearchMissing({ ...source(filled), declaredOn: null })).toEqual(['checkDate']);
    // Each key names the form fields that fill it, for flagging them on the form.
    expect(OUTAGE_SEARCH_FIELDS).toEqual({
      dateOfBirth: ['dateOfBirth'],
      sex: ['sex'],
      checkDate: ['declaredOn'],
      nameOrKana: ['name', 'nameKana'],
      addressOrInsurer: ['address', 'insurerName'],
    });
  });

  it('F8: an incomplete or impossible date of birth on the form does not count', () => {
    const partial: Declaration = { ...declaration(), dateOfBirth: { era: 'heisei', year: 31, month: 5, day: 1 } };
    expect(source(partial).dateOfBirth).toBeNull();
    expect(declarationSearchMissing(source(partial))).toContain('dateOfBirth');
  });
});

describe('F5 and F7 as the guide says them', () => {
  it('F5: "or" — nothing brought, OR no valid card issued; either one with a failed check is 10割, a known repeat patient may pay 30 %', () => {
    expect(guideFor('serviceOutage').find((s) => s.id === 'noInsurance')).toEqual({
      id: 'noInsurance',
      rule: 'F5',
      phase: 'fallback',
      when: 'noProofBroughtOrNoValidInsurance',
    });
    const ja = fallbackJa['fb.step.noInsurance.body'];
    expect(ja).toContain('マイナンバーカードも資格確認書も健康保険証も持っていないとき、または有効な保険証の交付を受けていないとき');
    expect(ja).toContain('どちらか一方で当てはまります');
    expect(ja).toContain('10割');
    expect(ja).toContain('3割');
    expect(fallbackEn['fb.step.noInsurance.body']).toContain('OR has been issued no valid insurance card (either one is enough)');
    expect(fallbackJa['fb.step.noInsurance.question']).toBe('どちらかに当てはまりますか？');
    // What is charged either way: 100 %, with the insured rate as the clinic's alternative for a known patient.
    const either = expectedCopay({ dateOfBirth: '1980-04-01', onDate: '2025-11-22', insuranceType: null, insured: false, knownRepeatPatient: true });
    expect(either).toMatchObject({ kind: 'percent', percent: 100, basis: 'uninsured', repeatPatientAlternative: { percent: 30 } });
  });

  it('F7: PIN locked or a proxy without the PIN — no face or visual check here, so 資格確認書 / a valid 健康保険証等; only the municipal office unlocks', () => {
    const ja = fallbackJa['fb.step.explainPinLocked.body'];
    for (const phrase of ['顔認証や職員の目視による本人確認ができません', '資格確認書', '有効期限内の健康保険証等', '代理の方が暗証番号を知らない', '住民票がある市区町村の窓口でだけ', '医療機関ではできず']) {
      expect(ja).toContain(phrase);
    }
    expect(fallbackJa['fb.cause.pinLocked.hint']).toContain('代理の方が暗証番号を知らない');
    expect(fallbackEn['fb.step.explainPinLocked.body']).toContain('only the municipal office where the patient is registered can');
  });
});
