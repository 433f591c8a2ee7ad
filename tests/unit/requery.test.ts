import { describe, expect, it } from 'vitest';
import {
  BATCH_QUERY_LIMIT,
  checkRowCount,
  costLimitFlags,
  mayRequeryAgain,
  REQUERY_DAILY_LIMIT,
  requeryGate,
  requeryLimit,
  resultAgeInDays,
  visibleRequeryResults,
  type ConsentForRequery,
} from '../../src/domain/requery/requery.ts';

/** An instant given as Japan wall-clock time. */
const jst = (wall: string) => new Date(`${wall}+09:00`);

describe('request size', () => {
  it('Q3: 1–1000 persons from the screen or an API client: 0, 1, 1000 and 1001', () => {
    for (const client of ['screen', 'api'] as const) {
      expect(requeryLimit(client)).toBe(1000);
      expect(checkRowCount(0, requeryLimit(client))).toBe('empty');
      expect(checkRowCount(1, requeryLimit(client))).toBeNull();
      expect(checkRowCount(1000, requeryLimit(client))).toBeNull();
      expect(checkRowCount(1001, requeryLimit(client))).toBe('tooMany');
    }
  });

  it('Q3: 1–500 persons when a receipt computer sends the re-query: 500 and 501', () => {
    expect(requeryLimit('receiptComputer')).toBe(500);
    expect(checkRowCount(500, requeryLimit('receiptComputer'))).toBeNull();
    expect(checkRowCount(501, requeryLimit('receiptComputer'))).toBe('tooMany');
    expect(checkRowCount(0, requeryLimit('receiptComputer'))).toBe('empty');
  });

  it('Q6: 1–5000 persons per batch query: 5000 and 5001', () => {
    expect(BATCH_QUERY_LIMIT).toBe(5000);
    expect(checkRowCount(5000, BATCH_QUERY_LIMIT)).toBeNull();
    expect(checkRowCount(5001, BATCH_QUERY_LIMIT)).toBe('tooMany');
    expect(checkRowCount(0, BATCH_QUERY_LIMIT)).toBe('empty');
  });
});

describe('REQUERY_DAILY_LIMIT per person per Japan day', () => {
  /** The day's limit used up: that many queries at the instant `at`. */
  const usedUp = (at: Date) => Array.from({ length: REQUERY_DAILY_LIMIT }, () => at);

  it('Q2: never queried — allowed', () => {
    expect(mayRequeryAgain([], jst('2026-11-22T10:00:00'))).toBe(true);
  });

  it('Q2: the same Japan day is refused once the limit is used, even 23 hours 59 minutes later; one query fewer is allowed', () => {
    expect(mayRequeryAgain(usedUp(jst('2026-11-22T00:00:00')), jst('2026-11-22T23:59:59'))).toBe(false);
    expect(mayRequeryAgain(usedUp(jst('2026-11-22T00:00:00')).slice(1), jst('2026-11-22T23:59:59'))).toBe(true);
  });

  it('Q2: a minute after midnight JST is a new day, even though only 2 minutes passed', () => {
    expect(mayRequeryAgain(usedUp(jst('2026-11-22T23:59:00')), jst('2026-11-23T00:00:00'))).toBe(true);
    expect(mayRequeryAgain(usedUp(jst('2026-11-22T23:59:00')), jst('2026-11-22T23:59:59'))).toBe(false);
  });

  it('Q2: the boundary is midnight in Japan, not midnight UTC', () => {
    // 14:00 UTC and 16:00 UTC on the same UTC date are two Japan days (23:00 and 01:00 JST).
    expect(mayRequeryAgain(usedUp(new Date('2026-11-22T14:00:00Z')), new Date('2026-11-22T16:00:00Z'))).toBe(true);
    // 16:00 UTC and 14:00 UTC the next UTC date are the same Japan day (01:00 and 23:00 JST).
    expect(mayRequeryAgain(usedUp(new Date('2026-11-22T16:00:00Z')), new Date('2026-11-23T14:00:00Z'))).toBe(false);
  });
});

describe('what the screen shows', () => {
  const now = jst('2026-11-15T09:00:00');

  it('Q4: age counts Japan calendar days: a result from any time on 11-01 is 13 days old on 11-14 and 14 on 11-15', () => {
    expect(resultAgeInDays(jst('2026-11-01T23:59:00'), jst('2026-11-14T23:59:59'))).toBe(13);
    expect(resultAgeInDays(jst('2026-11-01T00:00:00'), jst('2026-11-15T00:00:00'))).toBe(14);
    expect(resultAgeInDays(jst('2026-11-15T08:00:00'), now)).toBe(0);
  });

  it('Q4: a result 14 days old or older is hidden; 13 days old is shown (boundary at 00:00 JST)', () => {
    const results = [{ queriedAt: jst('2026-11-01T23:59:00').toISOString() }];
    expect(visibleRequeryResults(results, jst('2026-11-14T23:59:59'))).toHaveLength(1);
    expect(visibleRequeryResults(results, jst('2026-11-15T00:00:00'))).toHaveLength(0);
  });

  it('Q4: only the last 3, newest first', () => {
    const days = ['2026-11-10', '2026-11-14', '2026-11-11', '2026-11-13', '2026-11-12'];
    const results = days.map((d) => ({ queriedAt: jst(`${d}T10:00:00`).toISOString(), day: d }));
    expect(visibleRequeryResults(results, now).map((r) => r.day)).toEqual(['2026-11-14', '2026-11-13', '2026-11-12']);
  });

  it('Q4: the 14-day rule applies before the count: old results do not fill the three places', () => {
    const results = ['2026-10-30', '2026-11-01', '2026-11-02'].map((d) => ({ queriedAt: jst(`${d}T10:00:00`).toISOString(), day: d }));
    expect(visibleRequeryResults(results, now).map((r) => r.day)).toEqual(['2026-11-02']);
  });
});

describe('who may be re-queried', () => {
  const now = jst('2026-11-22T10:00:00');
  const consent = (over: Partial<ConsentForRequery> & { id: string }): ConsentForRequery & { id: string } => ({
    visitType: 'homeVisit',
    status: 'active',
    validUntil: null,
    registeredAt: jst('2026-10-01T10:00:00').toISOString(),
    scopes: ['costLimit'],
    ...over,
  });

  it('Q1: an active home-visit consent allows re-query, and names that consent', () => {
    const gate = requeryGate([consent({ id: 'a' })], now);
    expect(gate).toEqual({ kind: 'allowed', consent: expect.objectContaining({ id: 'a' }) });
  });

  it('X4: a revoked home-visit consent blocks re-query', () => {
    expect(requeryGate([consent({ id: 'a', status: 'revoked' })], now).kind).toBe('revoked');
  });

  it('X4: a new card authentication (a newer active consent) makes re-query possible again', () => {
    const gate = requeryGate(
      [consent({ id: 'old', status: 'revoked' }), consent({ id: 'new', registeredAt: jst('2026-11-20T10:00:00').toISOString() })],
      now,
    );
    expect(gate).toEqual({ kind: 'allowed', consent: expect.objectContaining({ id: 'new' }) });
  });

  it('Q1: house-call or online consents only are not a continuing home visit', () => {
    const houseCall = consent({ id: 'h', visitType: 'houseCall', validUntil: jst('2026-11-23T10:00:00').toISOString() });
    expect(requeryGate([houseCall], now).kind).toBe('noActiveConsent');
  });

  it('a person who never consented here is unknown (reported as not found)', () => {
    expect(requeryGate([], now).kind).toBe('unknown');
  });
});

describe('batch cost-limit flags', () => {
  const current = { category: '限度額適用認定証', applicationCategory: 'エ' };

  it('Q6: unchanged when the clinic holds the same values (full-width and half-width alike)', () => {
    expect(costLimitFlags({ category: '限度額適用認定証', applicationCategory: 'エ' }, current)).toEqual({
      changed: false,
      categoryChanged: false,
      applicationCategoryChanged: false,
    });
    expect(costLimitFlags({ category: ' 限度額適用認定証 ', applicationCategory: 'ｴ' }, current).changed).toBe(false);
  });

  it('Q6: each of the two values is flagged on its own', () => {
    expect(costLimitFlags({ category: '限度額適用認定証', applicationCategory: 'ウ' }, current)).toEqual({
      changed: true,
      categoryChanged: false,
      applicationCategoryChanged: true,
    });
    expect(costLimitFlags({ category: '限度額適用・標準負担額減額認定証', applicationCategory: 'エ' }, current)).toEqual({
      changed: true,
      categoryChanged: true,
      applicationCategoryChanged: false,
    });
  });

  it('Q6: a certificate that appeared or ended is a change; none on both sides is not', () => {
    expect(costLimitFlags(null, current).changed).toBe(true);
    expect(costLimitFlags({ category: '限度額適用認定証', applicationCategory: 'エ' }, null).changed).toBe(true);
    expect(costLimitFlags(null, null).changed).toBe(false);
  });

  it('Q6: the flags carry no values', () => {
    const flags = costLimitFlags(null, current);
    expect(JSON.stringify(flags)).not.toContain('エ');
    expect(Object.keys(flags).sort()).toEqual(['applicationCategoryChanged', 'categoryChanged', 'changed']);
  });
});
