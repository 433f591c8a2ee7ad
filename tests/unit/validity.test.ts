import { describe, expect, it } from 'vitest';
import { consentState, consentValidUntil, mayViewScope, outpatientValidUntil, type ConsentForViewing } from '../../src/domain/consent/validity.ts';

const jst = (wall: string) => new Date(`${wall}+09:00`);

describe('validity per visit type', () => {
  it('V1: a home-visit consent has no end until it is revoked', () => {
    expect(consentValidUntil('homeVisit', jst('2026-11-22T10:00:00'), null)).toBeNull();
    const consent: ConsentForViewing = { status: 'active', scopes: ['medication'], validUntil: null };
    expect(mayViewScope(consent, 'medication', jst('2036-11-22T10:00:00'))).toEqual({ allowed: true });
    expect(mayViewScope({ ...consent, status: 'revoked' }, 'medication', jst('2026-11-22T10:00:01'))).toEqual({
      allowed: false,
      reason: 'revoked',
    });
  });

  it('V2: a house call registered at 23:30 JST may be viewed for exactly 24 hours, across midnight', () => {
    const registered = jst('2026-11-22T23:30:00');
    const until = consentValidUntil('houseCall', registered, null)!;
    expect(until.toISOString()).toBe(jst('2026-11-23T23:30:00').toISOString());
    const consent: ConsentForViewing = { status: 'active', scopes: ['medication'], validUntil: until.toISOString() };
    expect(mayViewScope(consent, 'medication', jst('2026-11-23T00:00:00')).allowed).toBe(true);
    expect(mayViewScope(consent, 'medication', jst('2026-11-23T23:29:59')).allowed).toBe(true);
    expect(mayViewScope(consent, 'medication', jst('2026-11-23T23:30:00'))).toEqual({ allowed: false, reason: 'expired' });
  });

  it('V3: an online consent dated today lasts through 23:59:59 JST and ends at 00:00 JST', () => {
    const registered = jst('2026-11-22T09:00:00');
    const until = consentValidUntil('online', registered, '2026-11-22')!;
    expect(until.toISOString()).toBe('2026-11-22T15:00:00.000Z');
    const consent: ConsentForViewing = { status: 'active', scopes: ['checkup'], validUntil: until.toISOString() };
    expect(mayViewScope(consent, 'checkup', jst('2026-11-22T23:59:59')).allowed).toBe(true);
    expect(mayViewScope(consent, 'checkup', jst('2026-11-23T00:00:00'))).toEqual({ allowed: false, reason: 'expired' });
  });

  it('V3: an online consent for a later date covers the days before it too', () => {
    const until = consentValidUntil('online', jst('2026-11-22T09:00:00'), '2026-11-30')!;
    const consent: ConsentForViewing = { status: 'active', scopes: ['checkup'], validUntil: until.toISOString() };
    expect(mayViewScope(consent, 'checkup', jst('2026-11-25T12:00:00')).allowed).toBe(true);
    expect(() => consentValidUntil('online', jst('2026-11-22T09:00:00'), null)).toThrow(RangeError);
  });

  it('V4: an outpatient consent lasts 24 hours', () => {
    expect(outpatientValidUntil(jst('2026-11-22T10:00:00')).toISOString()).toBe(jst('2026-11-23T10:00:00').toISOString());
  });

  it('a scope that was not consented is never viewable', () => {
    const consent: ConsentForViewing = { status: 'active', scopes: ['checkup'], validUntil: null };
    expect(mayViewScope(consent, 'medication', jst('2026-11-22T10:00:00'))).toEqual({ allowed: false, reason: 'notConsented' });
  });
});

describe('consent state', () => {
  it('V2: a house call is active for its 24 hours, then expired; revoked wins over both', () => {
    const registered = jst('2026-11-22T10:00:00');
    const validUntil = consentValidUntil('houseCall', registered, null)!.toISOString();
    expect(consentState({ status: 'active', validUntil }, jst('2026-11-23T09:59:59'))).toBe('active');
    expect(consentState({ status: 'active', validUntil }, jst('2026-11-23T10:00:00'))).toBe('expired');
    expect(consentState({ status: 'revoked', validUntil }, jst('2026-11-22T11:00:00'))).toBe('revoked');
    expect(consentState({ status: 'active', validUntil: null }, jst('2036-01-01T00:00:00'))).toBe('active');
  });
});
