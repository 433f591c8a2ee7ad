import { isJstDate, jstDate } from '../../domain/shared/jst.ts';

/**
 * U4 (002 l.3456–3474): an online patient who comes back from the telemedicine app with a consent
 * in force lands on the revoke-confirmation screen. The screen is chosen before any card step, so
 * the device remembers that it registered (or updated) an online consent at this clinic and the
 * consultation date it runs through — nothing else. It is a hint for the first screen, never a
 * credential: revoking or changing still needs the card, and the menu stays one tap away.
 */
const KEY = (linkToken: string) => `zaitaku.onlineConsent.${linkToken}`;

export function rememberOnlineConsent(linkToken: string, consultationDate: string): void {
  if (!isJstDate(consultationDate)) return;
  try {
    localStorage.setItem(KEY(linkToken), consultationDate);
  } catch {
    // storage refused: the patient lands on the preparation screen and uses the menu
  }
}

export function forgetOnlineConsent(linkToken: string): void {
  try {
    localStorage.removeItem(KEY(linkToken));
  } catch {
    // nothing stored
  }
}

/** V3: an online consent is in force through its consultation date, Japan time. */
export function hasOnlineConsentInForce(linkToken: string, now = new Date()): boolean {
  try {
    const date = localStorage.getItem(KEY(linkToken));
    if (date !== null && isJstDate(date) && date >= jstDate(now)) return true;
    if (date !== null) localStorage.removeItem(KEY(linkToken));
  } catch {
    // unreadable: as if nothing were remembered
  }
  return false;
}
