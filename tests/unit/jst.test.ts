import { describe, expect, it } from 'vitest';
import {
  endOfJstDate,
  isCardRegistrationMaintenance,
  isJstDate,
  jstDate,
  jstMinuteOfDay,
  startOfJstDate,
} from '../../src/domain/shared/jst.ts';

/** An instant given as Japan wall-clock time. */
const jst = (wall: string) => new Date(`${wall}+09:00`);

describe('Japan-time calendar', () => {
  it('changes date at 00:00 JST, not at UTC midnight', () => {
    expect(jstDate(jst('2026-11-22T23:59:59'))).toBe('2026-11-22');
    expect(jstDate(jst('2026-11-23T00:00:00'))).toBe('2026-11-23');
    // 15:00 UTC is already the next day in Japan.
    expect(jstDate(new Date('2026-11-22T15:00:00Z'))).toBe('2026-11-23');
  });

  it('gives the start and end instants of a Japan date', () => {
    expect(startOfJstDate('2026-11-22').toISOString()).toBe('2026-11-21T15:00:00.000Z');
    expect(endOfJstDate('2026-11-22').toISOString()).toBe('2026-11-22T15:00:00.000Z');
    expect(endOfJstDate('2026-12-31').toISOString()).toBe('2026-12-31T15:00:00.000Z');
  });

  it('recognises real calendar dates only', () => {
    expect(isJstDate('2028-02-29')).toBe(true);
    expect(isJstDate('2026-02-29')).toBe(false);
    expect(isJstDate('2026-13-01')).toBe(false);
    expect(isJstDate('2026-1-01')).toBe(false);
    expect(() => startOfJstDate('2026-02-30')).toThrow(RangeError);
  });

  it('counts minutes of the Japan day', () => {
    expect(jstMinuteOfDay(jst('2026-11-22T00:00:00'))).toBe(0);
    expect(jstMinuteOfDay(jst('2026-11-22T23:59:00'))).toBe(1439);
  });
});

describe('P6: card registration maintenance 03:00–06:00 JST', () => {
  it.each([
    ['2026-11-22T02:59:59', false],
    ['2026-11-22T03:00:00', true],
    ['2026-11-22T05:59:59', true],
    ['2026-11-22T06:00:00', false],
    ['2026-11-22T15:00:00', false],
  ])('at %s JST maintenance is %s', (wall, expected) => {
    expect(isCardRegistrationMaintenance(jst(wall))).toBe(expected);
  });

  it('uses Japan time whatever the instant is in UTC (03:30 JST is 18:30 UTC the day before)', () => {
    expect(isCardRegistrationMaintenance(new Date('2026-11-21T18:30:00Z'))).toBe(true);
    expect(isCardRegistrationMaintenance(new Date('2026-11-22T03:30:00Z'))).toBe(false);
  });
});
