import { describe, expect, it } from 'vitest';
import { checkGuideOutcome, COMMON_FALLBACK_CAUSES, FALLBACK_CAUSES, guideFor, resolutionsFor } from '../../src/domain/fallback/fallback-guide.ts';
import {
  answersToForm,
  followUpSteps,
  guideOutcome,
  outageSearchPendingFor,
  paperPrescriptionApplies,
  resolutionOfStep,
  walkedSteps,
  walkQuestions,
  walkSteps,
} from '../../src/domain/fallback/fallback-walk.ts';

const ids = (steps: { id: string }[]) => steps.map((s) => s.id);

describe('walking the guide one step at a time', () => {
  it('F2, F1, F4, F3, F5: a tablet failure asks the patient’s phone, then the proofs, then the fallbacks', () => {
    expect(ids(walkSteps('networkOrTabletFailure'))).toEqual([
      'usePatientDevice',
      'proofMynaportalScreen',
      'proofCertificate',
      'proofCardWithNotice',
      'proofHealthInsuranceCard',
      'knownRepeatPatient',
      'declarationForm',
      'noInsurance',
    ]);
  });

  it('F7: a locked PIN is explained first, and the explanation settles nothing', () => {
    const steps = walkSteps('pinLocked');
    expect(steps[0]?.id).toBe('explainPinLocked');
    expect(resolutionOfStep('explainPinLocked')).toBeNull();
  });

  it('every resolution the guide offers is reached by a “yes” at one of its walked steps', () => {
    for (const cause of FALLBACK_CAUSES) {
      const reached = walkSteps(cause)
        .map((s) => resolutionOfStep(s.id))
        .filter((r) => r !== null);
      expect(reached, cause).toEqual(resolutionsFor(cause));
    }
  });
});

describe('the walk as questions (issue 16 §2: the form in at most 3 answers)', () => {
  it('F2, F1, F3: reader broken, network down and card forgotten reach the form in at most 3 answers', () => {
    // Before issue 16 each step was one answer: 7 (tablet/network, reader), no card-forgotten cause.
    expect(Object.fromEntries(COMMON_FALLBACK_CAUSES.map((cause) => [cause, answersToForm(cause)]))).toEqual({
      readerBroken: 3,
      networkOrTabletFailure: 3,
      cardForgotten: 2,
    });
  });

  it('F1–F7, E2, R2: every cause reaches the form in at most 3 answers', () => {
    for (const cause of FALLBACK_CAUSES) expect(answersToForm(cause), cause).toBeLessThanOrEqual(3);
  });

  it('F1–F7, E2, R2: no walked step is dropped — the questions hold every step of the walk, in the guide’s order, with its rule', () => {
    for (const cause of FALLBACK_CAUSES) {
      const grouped = walkQuestions(cause).flatMap((q) => [...q.explain, ...q.options]);
      expect(grouped, cause).toEqual(walkSteps(cause));
      const rules = new Set(guideFor(cause).map((s) => s.rule));
      const reached = new Set([...grouped, ...followUpSteps(cause, 'declarationForm'), ...followUpSteps(cause, 'proofCertificate')].map((s) => s.rule));
      expect([...rules].filter((rule) => !reached.has(rule)), cause).toEqual([]);
    }
  });

  it('F2 asked first as its own yes/no; the F1 proofs one choice; F4, F3, F5 one choice in that order', () => {
    expect(walkQuestions('networkOrTabletFailure').map((q) => [q.kind, ids(q.options)])).toEqual([
      ['check', ['usePatientDevice']],
      ['proof', ['proofMynaportalScreen', 'proofCertificate', 'proofCardWithNotice', 'proofHealthInsuranceCard']],
      ['fallback', ['knownRepeatPatient', 'declarationForm', 'noInsurance']],
    ]);
  });

  it('F7, R2: an explanation costs no answer; it is shown above the first question', () => {
    const [first] = walkQuestions('pinLocked');
    expect(ids(first!.explain)).toEqual(['explainPinLocked']);
    expect(ids(first!.options)).toEqual(['proofCertificate', 'proofHealthInsuranceCard', 'proofCardWithNotice', 'proofMynaportalScreen']);
    expect(ids(walkQuestions('faceAuthOnlyCard')[0]!.explain)).toEqual(['explainFaceAuthOnlyCard']);
  });

  it('E2: 資格情報なし asks to re-check the input first, then the proofs without the Mynaportal', () => {
    expect(walkQuestions('resultNotFound').map((q) => q.kind)).toEqual(['check', 'proof', 'fallback']);
    expect(ids(walkQuestions('resultNotFound')[0]!.options)).toEqual(['checkInputErrors']);
  });

  it('the guide record lists the questions passed in full, then the explanation and the step chosen', () => {
    expect(walkedSteps('cardUnusable', [0], 'proofMynaportalScreen')).toEqual(['explainCardUnusable', 'proofMynaportalScreen']);
    expect(walkedSteps('networkOrTabletFailure', [0, 1, 2], 'knownRepeatPatient')).toEqual([
      'usePatientDevice',
      'proofMynaportalScreen',
      'proofCertificate',
      'proofCardWithNotice',
      'proofHealthInsuranceCard',
      'knownRepeatPatient',
    ]);
  });
});

describe('what follows the resolution', () => {
  it('E7, E8, F8, F6: after the declaration form, charge, paper prescription, outage search and all four claim steps', () => {
    const steps = followUpSteps('networkOrTabletFailure', 'declarationForm');
    expect(ids(steps)).toEqual([
      'chargeCopay',
      'paperPrescription',
      'outageSearchAfterRecovery',
      'claimCurrentQualification',
      'claimPastQualification',
      'askPatientForNumbers',
      'claimUnknownWithRemarks',
    ]);
    expect(steps.find((s) => s.id === 'claimCurrentQualification')?.state).toBe('ifLater');
    expect(steps.find((s) => s.id === 'claimUnknownWithRemarks')?.state).toBe('holds');
  });

  it('F1, F6: a proof confirms the current qualification — no paper prescription, no outage search, no 不詳', () => {
    const steps = followUpSteps('serviceOutage', 'proofCertificate');
    expect(ids(steps)).toEqual(['chargeCopay', 'claimCurrentQualification']);
    expect(steps[1]?.state).toBe('holds');
    expect(paperPrescriptionApplies('serviceOutage', 'proofCertificate')).toBe(false);
    expect(outageSearchPendingFor('serviceOutage', 'proofCertificate')).toBe(false);
  });

  it('F5: no insurance is never claimed as 不詳 (003 3(4): only with the form or F4)', () => {
    const steps = ids(followUpSteps('resultLost', 'noInsurance'));
    expect(steps).toContain('paperPrescription');
    expect(steps).not.toContain('claimUnknownWithRemarks');
    expect(steps).not.toContain('askPatientForNumbers');
  });

  it('F4: a known repeat patient counts as having submitted the form (不詳 possible)', () => {
    expect(ids(followUpSteps('serviceOutage', 'knownRepeatPatient'))).toContain('claimUnknownWithRemarks');
  });

  it('E8: a card that cannot be used has no paper-prescription step in its guide', () => {
    expect(paperPrescriptionApplies('pinLocked', 'declarationForm')).toBe(false);
    expect(paperPrescriptionApplies('resultLost', 'declarationForm')).toBe(true);
  });

  it('F8: the outage search is pending only where the guide has it and eligibility stayed unconfirmed', () => {
    expect(outageSearchPendingFor('serviceOutage', 'declarationForm')).toBe(true);
    expect(outageSearchPendingFor('resultNotFound', 'declarationForm')).toBe(false);
    expect(outageSearchPendingFor('networkOrTabletFailure', 'patientDevice')).toBe(false);
  });
});

describe('the recorded outcome', () => {
  it('is coherent with the guide for every cause and resolution', () => {
    for (const cause of FALLBACK_CAUSES) {
      for (const resolution of resolutionsFor(cause)) {
        const outcome = guideOutcome({
          cause,
          resolution,
          declarationId: '0b7e2f4c-1a3d-4c5e-8f9a-2b4c6d8e0f12',
          paperPrescription: true,
          recordedAt: '2025-04-01T00:00:00.000Z',
        });
        expect(checkGuideOutcome(outcome), `${cause} / ${resolution}`).toEqual([]);
      }
    }
  });

  it('F3: keeps the declaration id only for the form, and E8 only where it applies', () => {
    const proof = guideOutcome({ cause: 'serviceOutage', resolution: 'proofCertificate', declarationId: 'x', paperPrescription: true, recordedAt: 'now' });
    expect(proof.declarationId).toBeNull();
    expect(proof.paperPrescription).toBe(false);
    const form = guideOutcome({ cause: 'serviceOutage', resolution: 'declarationForm', declarationId: 'x', paperPrescription: true, recordedAt: 'now' });
    expect(form).toMatchObject({ declarationId: 'x', paperPrescription: true, outageSearchPending: true });
  });
});
