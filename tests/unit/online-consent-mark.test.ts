import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { forgetOnlineConsent, hasOnlineConsentInForce, rememberOnlineConsent } from '../../src/app/reception/online-consent-mark.ts';

// U4: the device's note that picks the first screen for an app arrival (the page's localStorage, stubbed).
beforeEach(() => {
  const store = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

it('U4: an online consent is remembered per clinic link through its consultation date, Japan time (V3)', () => {
  expect(hasOnlineConsentInForce('link-a')).toBe(false);
  rememberOnlineConsent('link-a', '2026-12-10');
  // 23:59 on 10 December in Japan is still the consultation date; 00:00 on the 11th is not.
  expect(hasOnlineConsentInForce('link-a', new Date('2026-12-10T14:59:00Z'))).toBe(true);
  expect(hasOnlineConsentInForce('link-b', new Date('2026-12-10T14:59:00Z'))).toBe(false);
  expect(hasOnlineConsentInForce('link-a', new Date('2026-12-10T15:00:00Z'))).toBe(false);
  // Once past, the note is gone for good.
  expect(hasOnlineConsentInForce('link-a', new Date('2026-12-01T00:00:00Z'))).toBe(false);
});

it('U4: a revocation forgets it, and a malformed date is never stored', () => {
  rememberOnlineConsent('link-a', '2026-12-10');
  forgetOnlineConsent('link-a');
  expect(hasOnlineConsentInForce('link-a', new Date('2026-12-01T00:00:00Z'))).toBe(false);
  rememberOnlineConsent('link-a', 'tomorrow');
  expect(hasOnlineConsentInForce('link-a', new Date('2026-12-01T00:00:00Z'))).toBe(false);
});
