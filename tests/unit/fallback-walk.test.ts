import { describe, expect, it } from 'vitest';
import { checkGuideOutcome, FALLBACK_CAUSES, resolutionsFor } from '../../src/domain/fallback/fallback-guide.ts';
import {
  followUpSteps,
  guideOutcome,
  outageSearchPendingFor,
  paperPrescriptionApplies,
  resolutionOfStep,
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
