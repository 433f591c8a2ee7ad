import { afterEach, describe, expect, test, vi } from 'vitest';
import { randomId } from '../../src/app/random-id.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomId (issue 21: the staff pages at a LAN address over http)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  test('uses crypto.randomUUID where the page is a secure context', () => {
    const spy = vi.spyOn(crypto, 'randomUUID');
    expect(randomId()).toMatch(UUID_V4);
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });

  test('without randomUUID (plain http), still a version-4 UUID, from getRandomValues, never repeated', () => {
    // What a browser offers outside a secure context: getRandomValues, no randomUUID.
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: <T extends ArrayBufferView>(array: T): T => real.getRandomValues(array as never) } as unknown as Crypto);
    expect('randomUUID' in crypto).toBe(false);
    const ids = Array.from({ length: 2000 }, () => randomId());
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
