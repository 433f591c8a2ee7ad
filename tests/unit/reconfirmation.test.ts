import { describe, expect, it } from 'vitest';
import { applyReconfirmation, isReconfirmationDue, reconfirmationDueOn, sameDayNextMonth } from '../../src/domain/consent/reconfirmation.ts';
import type { ConsentScope } from '../../src/domain/consent/consent.ts';

/** An instant given as Japan wall-clock time. */
const jst = (wall: string) => new Date(`${wall}+09:00`).toISOString();

describe('monthly reconfirmation due date', () => {
  it('V5: the same day next month', () => {
    expect(sameDayNextMonth('2026-11-22')).toBe('2026-12-22');
    expect(sameDayNextMonth('2026-01-15')).toBe('2026-02-15');
  });

  it('V5: clamped to the last day of a shorter month (Jan 31 → Feb 28, Mar 31 → Apr 30)', () => {
    expect(sameDayNextMonth('2026-01-31')).toBe('2026-02-28');
    expect(sameDayNextMonth('2026-01-29')).toBe('2026-02-28');
    expect(sameDayNextMonth('2026-03-31')).toBe('2026-04-30');
    expect(sameDayNextMonth('2026-08-31')).toBe('2026-09-30');
  });

  it('V5: leap years: Jan 31 → Feb 29 in 2028, Feb 29 → Mar 29', () => {
    expect(sameDayNextMonth('2028-01-31')).toBe('2028-02-29');
    expect(sameDayNextMonth('2028-01-30')).toBe('2028-02-29');
    expect(sameDayNextMonth('2028-02-29')).toBe('2028-03-29');
    // 2100 is not a leap year (divisible by 100, not by 400); 2000 was.
    expect(sameDayNextMonth('2100-01-31')).toBe('2100-02-28');
    expect(sameDayNextMonth('2000-01-31')).toBe('2000-02-29');
  });

  it('V5: across the year end', () => {
    expect(sameDayNextMonth('2026-12-31')).toBe('2027-01-31');
    expect(sameDayNextMonth('2026-12-01')).toBe('2027-01-01');
  });

  it('V5: counted from registration when never confirmed, from the last confirmation otherwise', () => {
    expect(reconfirmationDueOn({ registeredAt: jst('2026-10-05T10:00:00'), lastConfirmedAt: null })).toBe('2026-11-05');
    expect(reconfirmationDueOn({ registeredAt: jst('2026-10-05T10:00:00'), lastConfirmedAt: jst('2026-11-03T16:00:00') })).toBe('2026-12-03');
  });

  it('V5: the Japan date counts: 00:30 JST on 1 Feb is still 31 Jan in UTC', () => {
    // Registered 2026-02-01 00:30 JST (= 2026-01-31 15:30 UTC): due 2026-03-01, not 2026-02-28.
    expect(reconfirmationDueOn({ registeredAt: jst('2026-02-01T00:30:00'), lastConfirmedAt: null })).toBe('2026-03-01');
  });

  it('V5: due from 00:00 JST of the due date on', () => {
    const consent = { registeredAt: jst('2026-01-31T18:00:00'), lastConfirmedAt: null };
    expect(isReconfirmationDue(consent, new Date(jst('2026-02-27T23:59:59')))).toBe(false);
    expect(isReconfirmationDue(consent, new Date(jst('2026-02-28T00:00:00')))).toBe(true);
    expect(isReconfirmationDue(consent, new Date(jst('2026-04-01T10:00:00')))).toBe(true);
  });

  it('V5: a confirmation today moves the due date a month on', () => {
    const consent = { registeredAt: jst('2026-01-10T10:00:00'), lastConfirmedAt: jst('2026-03-12T10:00:00') };
    expect(isReconfirmationDue(consent, new Date(jst('2026-03-12T10:01:00')))).toBe(false);
    expect(isReconfirmationDue(consent, new Date(jst('2026-04-12T00:00:00')))).toBe(true);
  });
});

describe('the patient answer', () => {
  const all: ConsentScope[] = ['surgery', 'clinical', 'medication', 'dispensing', 'checkup', 'costLimit', 'specificDisease'];

  it('V5: continue keeps every scope; revoke revokes', () => {
    expect(applyReconfirmation(all, 'continue')).toEqual({ kind: 'continue', scopes: all });
    expect(applyReconfirmation(all, 'revoke')).toEqual({ kind: 'revoke' });
  });

  it('V5: stop viewing narrows to the scopes that remain, in the canonical order', () => {
    expect(applyReconfirmation(all, 'stopViewing', ['costLimit', 'surgery'])).toEqual({ kind: 'narrow', scopes: ['surgery', 'costLimit'] });
  });

  it('V5: stop viewing with nothing left revokes', () => {
    expect(applyReconfirmation(all, 'stopViewing', [])).toEqual({ kind: 'revoke' });
  });

  it('V5: stop viewing cannot add a scope (widening needs the card, U1)', () => {
    expect(applyReconfirmation(['surgery'], 'stopViewing', ['surgery', 'costLimit'])).toEqual({ kind: 'invalid', reason: 'notASubset' });
  });

  it('S1/V5: the 薬剤情報 bundle (clinical, medication, dispensing) stays or goes as a whole', () => {
    expect(applyReconfirmation(all, 'stopViewing', ['medication'])).toEqual({ kind: 'invalid', reason: 'splitsBundle' });
    expect(applyReconfirmation(all, 'stopViewing', ['clinical', 'medication', 'dispensing'])).toEqual({
      kind: 'narrow',
      scopes: ['clinical', 'medication', 'dispensing'],
    });
    // S2: where clinical information is not used, the bundle is medication (and dispensing) alone.
    expect(applyReconfirmation(['medication', 'costLimit'], 'stopViewing', ['medication'])).toEqual({ kind: 'narrow', scopes: ['medication'] });
  });

  it('V5: "stop viewing" that keeps everything is refused, not silently a continue', () => {
    expect(applyReconfirmation(['surgery', 'costLimit'], 'stopViewing', ['surgery', 'costLimit'])).toEqual({
      kind: 'invalid',
      reason: 'nothingStopped',
    });
  });
});
