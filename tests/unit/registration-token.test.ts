import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadFlow, newFlow, REGISTRATION_TOKEN_MS, saveFlow, type FlowState } from '../../src/app/reception/flow-state.ts';

/**
 * issue 12 #8: the registration access token (it reads the patient's eligibility record) is never
 * written to localStorage; sessionStorage (this tab) holds it only while the card step waits; the
 * app forgets it 30 minutes after it was issued and once the result has been shown.
 */

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  text(): string {
    return [...this.items.values()].join('\n');
  }
}

const LINK = 'link-token-for-unit';
const TOKEN = 'the-access-token-that-reads-the-record';
let local: MemoryStorage;
let session: MemoryStorage;

function waitingFlow(issuedAt = Date.now()): FlowState {
  const flow = newFlow({ showMenu: false, visitType: 'homeVisit', arrival: 'link', returnUrl: null, appSupportsElectronicPrescription: false, dateFromApp: null });
  return { ...flow, step: 'handoff', registration: { id: 'reg-1', accessToken: TOKEN, cardAppUrl: 'https://card.example/x', sameDevice: true, issuedAt } };
}

beforeEach(() => {
  local = new MemoryStorage();
  session = new MemoryStorage();
  vi.stubGlobal('localStorage', local);
  vi.stubGlobal('sessionStorage', session);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('issue 12 #8: the registration access token on the device', () => {
  it('issue 12 #8: never in localStorage; in the session while the card step waits, so a reload (or the trip to the card app) resumes', () => {
    saveFlow(LINK, waitingFlow());
    expect(local.text()).not.toContain(TOKEN);
    expect(session.text()).toContain(TOKEN);
    const resumed = loadFlow(LINK);
    expect(resumed?.step).toBe('handoff');
    expect(resumed?.registration?.accessToken).toBe(TOKEN);
  });

  it('issue 12 #8: dropped from storage once the result is shown; a reload then starts afresh', () => {
    const flow = waitingFlow();
    saveFlow(LINK, flow);
    saveFlow(LINK, { ...flow, step: 'done' });
    expect(local.text() + session.text()).not.toContain(TOKEN);
    expect(loadFlow(LINK)).toBeNull();
  });

  it('issue 12 #8: forgotten 30 minutes after it was issued; the answers stay, the card step is asked again', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-06T01:00:00Z') });
    saveFlow(LINK, waitingFlow(Date.now()));
    vi.setSystemTime(Date.now() + REGISTRATION_TOKEN_MS - 1000);
    expect(loadFlow(LINK)?.registration?.accessToken).toBe(TOKEN);
    vi.setSystemTime(Date.now() + 1000);
    const later = loadFlow(LINK);
    expect(later?.registration).toBeNull();
    // The confirmation is on the consent screen (issue 16 §2): the flow goes back there.
    expect(later?.step).toBe('consent');
    expect(session.text()).not.toContain(TOKEN);
    expect(REGISTRATION_TOKEN_MS).toBe(30 * 60 * 1000);
  });

  it('issue 12 #8: a token an older version left in localStorage is not picked up, and is overwritten', () => {
    local.setItem(`zaitaku.flow.${LINK}`, JSON.stringify({ ...waitingFlow(), savedAt: Date.now() }));
    const loaded = loadFlow(LINK);
    expect(loaded?.registration).toBeNull();
    saveFlow(LINK, loaded!);
    expect(local.text()).not.toContain(TOKEN);
  });
});
