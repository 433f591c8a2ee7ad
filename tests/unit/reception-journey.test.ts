import { describe, expect, it } from 'vitest';
import { consultationDay } from '../../src/app/reception/consultation-day.ts';
import { chooseLanding, newFlow, type FlowState } from '../../src/app/reception/flow-state.ts';
import { consentScreenAsks, journeySteps, stepCounter } from '../../src/app/reception/journey.ts';

const link = (visit: 'homeVisit' | 'online' | null = null): FlowState =>
  newFlow({ showMenu: visit === null, visitType: visit, arrival: 'link', returnUrl: null, appSupportsElectronicPrescription: false, dateFromApp: null });
const app = (date: string | null, returnUrl = 'https://telemed.example/r'): FlowState =>
  newFlow({ showMenu: false, visitType: 'online', arrival: 'app', returnUrl, appSupportsElectronicPrescription: false, dateFromApp: date });
const settings = { usesClinicalInfo: true, usesElectronicPrescription: true, showsPrescriptionForm: true } as Parameters<typeof consentScreenAsks>[1];

describe('issue 16 §2: one stable step count', () => {
  it('counts the same total on every step through the card step, whatever visit type is chosen on the menu', () => {
    const bare = link();
    const steps = journeySteps(bare);
    // The menu asks the visit type itself: no separate screen for it.
    expect(steps).toEqual(['menu', 'preparation', 'consent', 'handoff', 'done']);
    // The visit type chosen does not change the list (the date and the form are on the consent screen).
    for (const visitType of ['homeVisit', 'houseCall', 'online'] as const) expect(journeySteps({ ...bare, visitType } as FlowState)).toEqual(steps);
    expect(['preparation', 'consent', 'handoff'].map((s) => stepCounter(steps, s as FlowState['step']))).toEqual([
      { current: 1, total: 3 },
      { current: 2, total: 3 },
      { current: 3, total: 3 },
    ]);
    expect(stepCounter(steps, 'menu')).toBeNull();
    expect(stepCounter(steps, 'done')).toBeNull();
  });

  it('a preset visit type (a bookmark, an app) skips the menu: the same three steps', () => {
    const steps = journeySteps(link('homeVisit'));
    expect(steps).toEqual(['preparation', 'consent', 'handoff', 'done']);
    expect(stepCounter(steps, 'handoff')).toEqual({ current: 3, total: 3 });
  });

  it('R3, S5: the consent screen asks the date by link, not when the app passed it', () => {
    expect(consentScreenAsks(link('online'), settings)).toEqual({ date: true, prescription: true });
    expect(consentScreenAsks(app('2026-12-07'), settings)).toEqual({ date: false, prescription: false });
    expect(consentScreenAsks(link('homeVisit'), settings)).toEqual({ date: false, prescription: true });
  });
});

describe('issue 16 §2, §4: which flow a page load continues', () => {
  const atMenu = (flow: FlowState): FlowState => ({ ...flow, step: 'menu' });
  it('an app arrival with a date never lands on an earlier visit’s menu', () => {
    const fresh = app('2026-12-07');
    expect(chooseLanding(atMenu(app('2026-12-07')), fresh, { return: fresh.returnUrl! }, false)).toBe(fresh);
    expect(chooseLanding({ ...app('2026-12-01'), step: 'consent' }, fresh, { return: fresh.returnUrl! }, false)).toBe(fresh);
    const midway = { ...app('2026-12-07'), step: 'consent' as const };
    expect(chooseLanding(midway, fresh, { return: fresh.returnUrl! }, false)).toBe(midway);
  });
  it('a finished 同意照会・更新 or revocation is not shown again: the link opens on its menu', () => {
    const fresh = link();
    const revoked: FlowState = { ...fresh, mode: 'revokeAll' };
    expect(chooseLanding(revoked, fresh, {}, false)).toBe(fresh);
    expect(chooseLanding(revoked, fresh, {}, true)).toBe(revoked);
  });
  it('a waiting card step goes on when the card app sends the patient back to the bare link', () => {
    const waiting: FlowState = { ...link('online'), step: 'handoff' };
    expect(chooseLanding(waiting, link(), {}, false)).toBe(waiting);
  });
});

describe('issue 16 §4: the done screen names the consultation day', () => {
  it('says 12月7日（月）, not the instant the consent ends', () => {
    expect(consultationDay('2026-12-07', 'ja')).toBe('12月7日（月）');
    expect(consultationDay('2027-01-01', 'ja')).toBe('1月1日（金）');
    expect(consultationDay('2026-12-07', 'en')).toBe('Mon 7 December');
    expect(consultationDay('2026-02-30', 'ja')).toBeNull();
    expect(consultationDay('', 'ja')).toBeNull();
  });
});
