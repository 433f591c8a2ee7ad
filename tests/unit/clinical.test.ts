import { describe, expect, it } from 'vitest';
import { clinicalViewDecision, type ConsentForClinicalView } from '../../src/domain/consent/clinical.ts';
import { consentValidUntil } from '../../src/domain/consent/validity.ts';

const NOW = new Date('2026-11-22T01:00:00.000Z');
const ALL = ['surgery', 'clinical', 'medication', 'dispensing', 'checkup', 'costLimit', 'specificDisease'] as const;

function consent(overrides: Partial<ConsentForClinicalView> = {}): ConsentForClinicalView {
  return { status: 'active', scopes: [...ALL], validUntil: null, visitType: 'homeVisit', ...overrides };
}

describe('clinicalViewDecision (P3, S2, V1–V3)', () => {
  it('V1: a home-visit consent shows every medical scope, in a fixed order, without cost-limit or specific disease', () => {
    expect(clinicalViewDecision([consent()], true, NOW)).toEqual({ kind: 'visible', scopes: ['medication', 'dispensing', 'clinical', 'surgery', 'checkup'] });
  });

  it('S2: clinical information is left out when the institution does not use it', () => {
    expect(clinicalViewDecision([consent()], false, NOW)).toEqual({ kind: 'visible', scopes: ['medication', 'dispensing', 'surgery', 'checkup'] });
  });

  it('V2: a house-call consent is visible until 24 hours after registration, not at that instant', () => {
    const registered = new Date(NOW.getTime() - 24 * 3600_000 + 1);
    const c = consent({ visitType: 'houseCall', validUntil: consentValidUntil('houseCall', registered, null)!.toISOString() });
    expect(clinicalViewDecision([c], true, NOW).kind).toBe('visible');
    expect(clinicalViewDecision([c], true, new Date(NOW.getTime() + 1))).toEqual({ kind: 'hidden', reason: 'expired' });
  });

  it('V3: an online consent lasts through its consultation date (JST)', () => {
    const c = consent({ visitType: 'online', validUntil: consentValidUntil('online', NOW, '2026-11-22')!.toISOString() });
    expect(clinicalViewDecision([c], true, new Date('2026-11-22T14:59:59.999Z')).kind).toBe('visible');
    expect(clinicalViewDecision([c], true, new Date('2026-11-22T15:00:00.000Z'))).toEqual({ kind: 'hidden', reason: 'expired' });
  });

  it('union of the consents in force; revoked and expired ones add nothing', () => {
    const decision = clinicalViewDecision(
      [
        consent({ scopes: ['checkup'] }),
        consent({ status: 'revoked', scopes: ['medication'] }),
        consent({ visitType: 'houseCall', scopes: ['surgery'], validUntil: '2026-11-21T00:00:00.000Z' }),
      ],
      true,
      NOW,
    );
    expect(decision).toEqual({ kind: 'visible', scopes: ['checkup'] });
  });

  it('explains why nothing is shown', () => {
    expect(clinicalViewDecision([], true, NOW)).toEqual({ kind: 'hidden', reason: 'noConsent' });
    expect(clinicalViewDecision([consent({ status: 'revoked' })], true, NOW)).toEqual({ kind: 'hidden', reason: 'revoked' });
    expect(clinicalViewDecision([consent({ scopes: ['costLimit', 'specificDisease'] })], true, NOW)).toEqual({ kind: 'hidden', reason: 'noMedicalScope' });
    // S2 with only 診療情報 consented (an older consent): nothing medical remains.
    expect(clinicalViewDecision([consent({ scopes: ['clinical'] })], false, NOW)).toEqual({ kind: 'hidden', reason: 'noMedicalScope' });
  });
});
