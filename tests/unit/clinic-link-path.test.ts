import { describe, expect, it } from 'vitest';
import { clinicLinkPath, isDrawnClinicLinkPage } from '../../src/domain/registration/clinic-link-path.ts';

// Issue 18 #1: which pages the server draws, the app preloads and the service worker keeps.
describe('clinic link paths', () => {
  it('finds the reception and the outage guide of a link, token still encoded', () => {
    expect(clinicLinkPath('/i/abc%20def')).toEqual({ page: 'reception', encodedToken: 'abc%20def' });
    expect(clinicLinkPath('/i/abc/')).toEqual({ page: 'reception', encodedToken: 'abc' });
    expect(clinicLinkPath('/i/abc/fallback')).toEqual({ page: 'fallback', encodedToken: 'abc' });
    expect(clinicLinkPath('/i/abc/fallback/')).toEqual({ page: 'fallback', encodedToken: 'abc' });
  });

  it('leaves every other page alone', () => {
    for (const path of ['/', '/i/', '/i//fallback', '/i/abc/fallback/form', '/i/abc/fallback/print', '/i/abc/enrol', '/staff', '/x/i/abc']) {
      expect(clinicLinkPath(path), path).toBeNull();
    }
  });

  it("draws a visit type's link but not an app's arrival, whose return address the app checks first", () => {
    expect(isDrawnClinicLinkPage('/i/abc', new URLSearchParams('visit=homeVisit'))).toBe(true);
    expect(isDrawnClinicLinkPage('/i/abc', new URLSearchParams('return=https://app.example/'))).toBe(false);
    expect(isDrawnClinicLinkPage('/i/abc/fallback', new URLSearchParams())).toBe(true);
    expect(isDrawnClinicLinkPage('/staff', new URLSearchParams())).toBe(false);
  });
});
