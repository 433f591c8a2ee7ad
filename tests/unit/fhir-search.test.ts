import { describe, expect, it } from 'vitest';
import { patientIdOf, personRefOf } from '../../src/server/fhir/fhir-ids.ts';
import { coverageStatusOf, insuredPersonElement, insuredPersonIdentifier, statedCopayPercent } from '../../src/server/fhir/fhir-resources.ts';
import { dateRange, lastUpdatedBounds, parseSearch, parseToken } from '../../src/server/fhir/fhir-search.ts';

/** Issue 19 #2: the FHIR search parameters, ids and the JP Core identifier rules, without a server. */

const params = (entries: Array<[string, string]>) => {
  const map = new Map<string, string[]>();
  for (const [k, v] of entries) map.set(k, [...(map.get(k) ?? []), v]);
  return map;
};

describe('FHIR dates (_lastUpdated)', () => {
  it('a date without a time is a Japan calendar day, month or year', () => {
    expect(dateRange('_lastUpdated', '2026-11-22')).toEqual({ start: new Date('2026-11-21T15:00:00.000Z'), end: new Date('2026-11-22T15:00:00.000Z') });
    expect(dateRange('_lastUpdated', '2026-02')).toEqual({ start: new Date('2026-01-31T15:00:00.000Z'), end: new Date('2026-02-28T15:00:00.000Z') });
    expect(dateRange('_lastUpdated', '2026')).toEqual({ start: new Date('2025-12-31T15:00:00.000Z'), end: new Date('2026-12-31T15:00:00.000Z') });
  });

  it('a time carries its zone and its own precision (minute, second, millisecond)', () => {
    expect(dateRange('_lastUpdated', '2026-11-22T10:00+09:00')).toEqual({ start: new Date('2026-11-22T01:00:00.000Z'), end: new Date('2026-11-22T01:01:00.000Z') });
    expect(dateRange('_lastUpdated', '2026-11-22T01:00:00Z').end).toEqual(new Date('2026-11-22T01:00:01.000Z'));
    expect(dateRange('_lastUpdated', '2026-11-22T01:00:00.250Z')).toEqual({ start: new Date('2026-11-22T01:00:00.250Z'), end: new Date('2026-11-22T01:00:00.251Z') });
  });

  it('refuses what is not a real date, a time without a zone, and years out of range', () => {
    for (const bad of ['2026-13-01', '2026-02-29', '2026-11-22T24:00:00Z', '2026-11-22T10:00:00', '2026-11-22T10:00:00+15:00', '999', '9999', 'yesterday', '2026-11-22 10:00Z', '']) {
      expect(() => dateRange('_lastUpdated', bad), bad).toThrow();
    }
    expect(dateRange('_lastUpdated', '2024-02-29').start).toEqual(new Date('2024-02-28T15:00:00.000Z'));
  });

  it('prefixes set half-open bounds; eq is the whole precision range', () => {
    const at = '2026-11-22T01:00:00.000Z';
    expect(lastUpdatedBounds(at)).toEqual({ from: at, before: '2026-11-22T01:00:00.001Z' });
    expect(lastUpdatedBounds(`ge${at}`)).toEqual({ from: at, before: null });
    expect(lastUpdatedBounds(`gt${at}`)).toEqual({ from: '2026-11-22T01:00:00.001Z', before: null });
    expect(lastUpdatedBounds(`le${at}`)).toEqual({ from: null, before: '2026-11-22T01:00:00.001Z' });
    expect(lastUpdatedBounds(`lt${at}`)).toEqual({ from: null, before: at });
    for (const prefix of ['ne', 'sa', 'eb', 'ap']) expect(() => lastUpdatedBounds(`${prefix}${at}`)).toThrow();
  });
});

describe('FHIR search parameters', () => {
  it('tokens: system|value, value alone, escapes; no lists, no value-less token', () => {
    expect(parseToken('identifier', 'http://x|a')).toEqual({ system: 'http://x', value: 'a' });
    expect(parseToken('identifier', 'a')).toEqual({ system: null, value: 'a' });
    expect(parseToken('identifier', '|a')).toEqual({ system: '', value: 'a' });
    expect(parseToken('identifier', 'http://x|a\\|b\\,c')).toEqual({ system: 'http://x', value: 'a|b,c' });
    for (const bad of ['', 'a,b', 'http://x|', 'a|b|c']) expect(() => parseToken('identifier', bad), bad).toThrow();
  });

  it('takes only the parameters of its type, each once (but _lastUpdated repeated as a range)', () => {
    const search = parseSearch('Consent', params([['identifier', 'x'], ['patient', 'Patient/p01'], ['_lastUpdated', 'ge2026-11-01'], ['_lastUpdated', 'lt2026-12-01'], ['_count', '500']]));
    expect(search).toEqual({
      identifier: { system: null, value: 'x' },
      personRef: 'p01',
      updatedFrom: '2026-10-31T15:00:00.000Z',
      updatedBefore: '2026-11-30T15:00:00.000Z',
      count: 100,
      offset: 0,
    });
    expect(parseSearch('Coverage', params([['beneficiary', 'p01']])).personRef).toBe('p01');
    for (const bad of [
      [['identifier', 'x']],
      [['patient', 'p01'], ['patient', 'p02']],
      [['_count', '-1']],
      [['_offset', 'x']],
      [['_format', 'xml']],
      [['_sort', 'x']],
      [['patient', 'a b']],
      [['patient', 'p\u0000']],
    ] as Array<Array<[string, string]>>) {
      expect(() => parseSearch('AuditEvent', params(bad)), JSON.stringify(bad)).toThrow();
    }
    expect(() => parseSearch('Coverage', params([['patient', 'p01'], ['beneficiary', 'p01']]))).toThrow();
    expect(() => parseSearch('Consent', params([['identifier', 'x\ud800']]))).toThrow();
  });
});

describe('Patient ids from person refs', () => {
  it('keeps a ref of FHIR id syntax, writes any other as x- and hex, and reads both back', () => {
    expect(patientIdOf('p01')).toBe('p01');
    expect(personRefOf('p01')).toBe('p01');
    const odd = 'person/01:あ';
    const id = patientIdOf(odd)!;
    expect(id).toMatch(/^x-[0-9a-f]+$/);
    expect(personRefOf(id)).toBe(odd);
    // A ref that itself starts with x- goes hex too, so the two forms never collide.
    expect(personRefOf(patientIdOf('x-41')!)).toBe('x-41');
    // Only the canonical form: 'A' is written directly, so x-41 names nobody.
    expect(personRefOf('x-41')).toBeNull();
    expect(personRefOf('x-7031')).toBeNull();
    expect(personRefOf('x-zz')).toBeNull();
    expect(patientIdOf('あ'.repeat(11))).toBeNull();
  });
});

describe('JP Core insured-person identifier (被保険者個人識別子)', () => {
  it('pads the insurer to 8 digits; a 記号 with kanji goes wholly full-width; empty parts stay empty', () => {
    expect(insuredPersonIdentifier({ insurerNumber: '131201', symbol: '練3', number: '215536', branch: '01' })).toBe('00131201:練３:215536:01');
    expect(insuredPersonIdentifier({ insurerNumber: '01130012', symbol: '31150617', number: '1042', branch: '00' })).toBe('01130012:31150617:1042:00');
    expect(insuredPersonIdentifier({ insurerNumber: '39131011', symbol: '', number: '12345678', branch: '' })).toBe('39131011::12345678:');
    expect(insuredPersonElement('12-34')).toBe('１２－３４');
    expect(insuredPersonElement('AB 12')).toBe('AB12');
  });

  it('maps statuses and the copay the record states', () => {
    expect(coverageStatusOf('valid')).toBe('active');
    expect(coverageStatusOf('lostWithNew')).toBe('cancelled');
    expect(coverageStatusOf('notFound')).toBeNull();
    expect(statedCopayPercent({ copayRatio: 10, elderlyRecipient: null, preSchool: false })).toBe(10);
    expect(statedCopayPercent({ copayRatio: null, elderlyRecipient: { copayRatio: 20, validFrom: null, validTo: null, issuedOn: null }, preSchool: false })).toBe(20);
    expect(statedCopayPercent({ copayRatio: null, elderlyRecipient: null, preSchool: true })).toBe(20);
    expect(statedCopayPercent({ copayRatio: null, elderlyRecipient: null, preSchool: false })).toBeNull();
  });
});
