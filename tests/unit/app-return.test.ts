import { expect, it } from 'vitest';
import { APP_RETURN_RESULTS } from '../../src/domain/registration/app-return.ts';
import { appReturnUrl } from '../../src/app/reception/app-return.ts';

const APP = 'https://telemed.example/return?visit=42';

it('R12: a registered consent returns to the app with the result and the consultation date, keeping the app’s own parameters', () => {
  expect(appReturnUrl(APP, 'registered', '2026-12-10')).toBe('https://telemed.example/return?visit=42&zaitaku_result=registered&zaitaku_consultation_date=2026-12-10');
  expect(appReturnUrl('https://telemed.example/return#top', 'registered', '2026-12-10')).toBe(
    'https://telemed.example/return?zaitaku_result=registered&zaitaku_consultation_date=2026-12-10#top',
  );
});

it('R12: cancelled, failed and revoked carry no date; every documented result is one of four', () => {
  expect(APP_RETURN_RESULTS).toEqual(['registered', 'revoked', 'cancelled', 'failed']);
  expect(appReturnUrl(APP, 'cancelled', '2026-12-10')).toBe('https://telemed.example/return?visit=42&zaitaku_result=cancelled');
  expect(appReturnUrl(APP, 'failed', null)).toBe('https://telemed.example/return?visit=42&zaitaku_result=failed');
  expect(appReturnUrl(APP, 'revoked', null)).toBe('https://telemed.example/return?visit=42&zaitaku_result=revoked');
});

it('R12: parameters of ours already on the address are replaced, not repeated, and a malformed date is left out', () => {
  const forged = 'https://telemed.example/return?zaitaku_result=registered&zaitaku_consultation_date=2099-01-01';
  expect(appReturnUrl(forged, 'cancelled', null)).toBe('https://telemed.example/return?zaitaku_result=cancelled');
  expect(appReturnUrl(APP, 'registered', '2026-13-45')).toBe('https://telemed.example/return?visit=42&zaitaku_result=registered');
});
