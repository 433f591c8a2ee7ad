import { describe, expect, it } from 'vitest';
import {
  FEED_DEFAULT_LIMIT,
  FEED_MAX_LIMIT,
  formatCursor,
  parseCursor,
  parseFeedLimit,
  WEBHOOK_BACKOFF_BASE_MS,
  WEBHOOK_BACKOFF_MAX_MS,
  WEBHOOK_MAX_ATTEMPTS,
  webhookBackoffMs,
} from '../../src/domain/change-feed/change-feed.ts';

describe('issue 19 #3: the change feed cursor and limit', () => {
  it('a cursor is a canonical decimal, absent means the start', () => {
    expect(parseCursor(undefined)).toBe(0);
    expect(parseCursor('0')).toBe(0);
    expect(parseCursor('42')).toBe(42);
    expect(parseCursor(formatCursor(123456789012345))).toBe(123456789012345);
    for (const bad of ['', '-1', '01', '+1', '1e3', '1.0', ' 1', '0x10', '１', '1234567890123456']) expect(parseCursor(bad), bad).toBeNull();
  });

  it('a limit is 1 to the maximum; absent means the default', () => {
    expect(parseFeedLimit(undefined)).toBe(FEED_DEFAULT_LIMIT);
    expect(parseFeedLimit('1')).toBe(1);
    expect(parseFeedLimit(String(FEED_MAX_LIMIT))).toBe(FEED_MAX_LIMIT);
    for (const bad of ['0', String(FEED_MAX_LIMIT + 1), '-5', '05', 'ten', '']) expect(parseFeedLimit(bad), bad).toBeNull();
  });

  it('webhook retries back off exponentially, capped, and the attempts span about an hour', () => {
    expect(webhookBackoffMs(1)).toBe(WEBHOOK_BACKOFF_BASE_MS);
    expect(webhookBackoffMs(2)).toBe(2 * WEBHOOK_BACKOFF_BASE_MS);
    expect(webhookBackoffMs(3)).toBe(4 * WEBHOOK_BACKOFF_BASE_MS);
    expect(webhookBackoffMs(30)).toBe(WEBHOOK_BACKOFF_MAX_MS);
    let total = 0;
    for (let attempt = 1; attempt < WEBHOOK_MAX_ATTEMPTS; attempt += 1) total += webhookBackoffMs(attempt);
    expect(total).toBeGreaterThan(50 * 60 * 1000);
    expect(total).toBeLessThan(2 * 60 * 60 * 1000);
  });
});
