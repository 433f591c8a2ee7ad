import { describe, expect, it } from 'vitest';
import { emptyDeclaration } from '../../src/domain/declaration/declaration.ts';
import { declarationSchema } from '../../src/domain/declaration/declaration-schema.ts';
import { FALLBACK_CAUSES } from '../../src/domain/fallback/fallback-guide.ts';
import { knownPatientOf } from '../../src/domain/fallback/known-patient.ts';
import { fallbackCauseOf, stepsAfterCardCheck, unconfirmedStatus } from '../../src/domain/fallback/unconfirmed-result.ts';
import { ELIGIBILITY_STATUSES, nextSteps, type EligibilityRecord } from '../../src/domain/registration/eligibility.ts';
import { createLocalRegistry } from '../../src/server/national/embedded/local-registry.ts';

const asOf = new Date('2026-11-22T03:00:00Z');
const registry = createLocalRegistry(new Map());
const recordOf = (personId: string): Promise<EligibilityRecord> => registry.currentEligibility(personId, asOf);

describe('E2: what a result that confirmed no qualification hands to the fallback', () => {
  it('E2: lost, lostWithNew and notFound open the fallback at their own cause; valid and validUnregistered do not', () => {
    const unconfirmed = ELIGIBILITY_STATUSES.filter((status) => unconfirmedStatus(status) !== null);
    expect(unconfirmed).toEqual(['lost', 'lostWithNew', 'notFound']);
    expect(unconfirmed.map((status) => fallbackCauseOf(unconfirmedStatus(status)!))).toEqual(['resultLost', 'resultLostWithNew', 'resultNotFound']);
    for (const status of unconfirmed) expect(FALLBACK_CAUSES).toContain(fallbackCauseOf(unconfirmedStatus(status)!));
  });

  it('E2: after a card check, notFound is the lost steps without "check the typed numbers" (nothing was typed, 001 l.81); lostWithNew keeps the Mynaportal', () => {
    expect(stepsAfterCardCheck(nextSteps('notFound'))).toEqual(nextSteps('lost'));
    expect(stepsAfterCardCheck(nextSteps('notFound'))).not.toContain('askMynaportalScreen');
    expect(stepsAfterCardCheck(nextSteps('lostWithNew'))).toEqual(nextSteps('lostWithNew'));
    expect(stepsAfterCardCheck(nextSteps('lostWithNew'))).toContain('askHealthInsuranceCard');
  });

  it('E2: a lost record pre-fills the declaration with the name, full-width kana, era date of birth, sex, address and insurer', async () => {
    const record = await recordOf('p02');
    expect(record.status).toBe('lost');
    expect(knownPatientOf(record)).toEqual({
      name: '佐藤　健一',
      // The record's half-width kana (ｻﾄｳ ｹﾝｲﾁ) becomes the form's full-width katakana (D4).
      nameKana: 'サトウ ケンイチ',
      dateOfBirth: { era: 'showa', year: 44, month: 11, day: 2 },
      sex: 'male',
      address: '東京都大田区蒲田五丁目3番9号',
      insurerName: '東都電機健康保険組合',
      referenceNumber: '',
    });
  });

  it('E2, P1: only declaration fields are carried — no numbers of the record, never a My Number — and the result is a valid declaration', async () => {
    const record = await recordOf('p03');
    const known = knownPatientOf(record);
    expect(Object.keys(known).sort()).toEqual(['address', 'dateOfBirth', 'insurerName', 'name', 'nameKana', 'referenceNumber', 'sex']);
    expect(JSON.stringify(known)).not.toMatch(/\d{12}/);
    expect(JSON.stringify(known)).not.toContain(record.number);
    const declaration = { ...emptyDeclaration({ id: crypto.randomUUID(), createdAt: asOf.toISOString(), linkToken: 'demo-link-token-01' }), ...known, declaredOn: '2026-11-22' };
    expect(declarationSchema.safeParse(declaration).success).toBe(true);
  });

  it('E2: notFound carries nothing (the system returns no name), and an unknown date of birth (1900-01-01, 医療扶助) stays blank', async () => {
    const notFound = knownPatientOf(await recordOf('p04'));
    expect(notFound).toMatchObject({ name: '', nameKana: '', sex: null, address: '', insurerName: '' });
    expect(notFound.dateOfBirth).toEqual({ era: null, year: null, month: null, day: null });
    const medicalAid = await recordOf('p05');
    expect(medicalAid.dateOfBirth).toBe('1900-01-01');
    expect(knownPatientOf(medicalAid).dateOfBirth).toEqual({ era: null, year: null, month: null, day: null });
  });
});
