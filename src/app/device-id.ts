import { randomId } from './random-id.ts';

const KEY = 'zaitaku.deviceId';

/**
 * A random id for this browser, sent with registrations so the audit trail can say which device
 * was used (X5). It identifies a device, never a person.
 */
export function deviceId(): string {
  try {
    const existing = localStorage.getItem(KEY);
    if (existing && /^[0-9a-f-]{36}$/.test(existing)) return existing;
    const id = randomId();
    localStorage.setItem(KEY, id);
    return id;
  } catch {
    return randomId();
  }
}
