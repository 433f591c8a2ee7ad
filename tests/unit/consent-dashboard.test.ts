import { describe, expect, it } from 'vitest';
import { dashboardStatus, parseDashboardQuery, reconfirmationDueBefore, searchKey } from '../../src/domain/consent/consent-dashboard.ts';
import { isReconfirmationDue } from '../../src/domain/consent/reconfirmation.ts';

const now = new Date('2026-11-22T03:00:00Z');
const HOUR = 60 * 60 * 1000;
const iso = (ms: number) => new Date(now.getTime() + ms).toISOString();

describe('consent dashboard status (V1–V4)', () => {
  it('V1–V4: revoked, expired, expiring within 24 hours, active', () => {
    expect(dashboardStatus({ status: 'revoked', validUntil: null }, now)).toBe('revoked');
    expect(dashboardStatus({ status: 'active', validUntil: iso(0) }, now)).toBe('expired');
    expect(dashboardStatus({ status: 'active', validUntil: iso(23 * HOUR) }, now)).toBe('expiring');
    expect(dashboardStatus({ status: 'active', validUntil: iso(24 * HOUR) }, now)).toBe('expiring');
    expect(dashboardStatus({ status: 'active', validUntil: iso(25 * HOUR) }, now)).toBe('active');
    expect(dashboardStatus({ status: 'active', validUntil: null }, now)).toBe('active');
  });
});

describe('V5 due as one instant', () => {
  it('V5: reconfirmationDueBefore agrees with isReconfirmationDue, month ends included', () => {
    const nows = ['2026-11-22T03:00:00Z', '2027-03-30T16:00:00Z', '2027-02-28T10:00:00Z', '2028-02-29T02:00:00Z', '2027-01-01T00:00:00Z', '2026-12-31T14:59:59Z'];
    for (const n of nows) {
      const at = new Date(n);
      const cut = reconfirmationDueBefore(at).getTime();
      // Every quarter hour across the last ~40 days: due exactly when before the cut.
      for (let t = at.getTime() - 40 * 24 * HOUR; t < at.getTime(); t += 15 * 60 * 1000) {
        const registeredAt = new Date(t).toISOString();
        expect(isReconfirmationDue({ registeredAt, lastConfirmedAt: null }, at), `${n} ${registeredAt}`).toBe(t < cut);
      }
    }
  });
});

describe('R9 and search keys', () => {
  it('R9: reference numbers and insurer numbers are normalised (NFKC); kana folds small kana', () => {
    expect(searchKey('referenceNumber', ' Ａ－１２３ '.replace('－', '-'))).toBe('A-123');
    expect(searchKey('insurerNumber', '０１１３００１２')).toBe('01130012');
    expect(searchKey('insurerNumber', '1234')).toBeNull();
    expect(searchKey('kana', 'ｷｮｳｺ')).toBe('キヨウコ');
    expect(searchKey('kana', 'かとう きょうこ')).toBe('カトウキヨウコ');
    expect(searchKey('kana', '   ')).toBeNull();
  });

  it('unknown filter values mean "no filter"; pages start at 1', () => {
    expect(parseDashboardQuery({ visitType: 'x', status: 'y', page: '-3', searchBy: 'z' })).toEqual({ visitType: null, status: null, reconfirmationDue: false, searchBy: 'kana', q: '', page: 1 });
    expect(parseDashboardQuery({ visitType: 'homeVisit', status: 'expiring', due: '1', page: '3', searchBy: 'insurerNumber', q: '01130012' })).toMatchObject({ visitType: 'homeVisit', status: 'expiring', reconfirmationDue: true, page: 3, searchBy: 'insurerNumber' });
  });
});
