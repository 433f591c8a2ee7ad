/**
 * The clinic link this device last used (issue 5 §1): the installed app opens at the manifest's
 * start_url ('/'), which knows no clinic; with this, the start page offers that clinic's outage
 * fallback, offline too. A link token names the clinic, not a patient, so it may stay in clear.
 */
const KEY = 'zaitaku.lastClinicLink';

export function rememberClinicLink(token: string): void {
  try {
    localStorage.setItem(KEY, token);
  } catch {
    // Private browsing may refuse storage; the start page then just has no shortcut.
  }
}

export function rememberedClinicLink(): string | null {
  try {
    const token = localStorage.getItem(KEY);
    return token && token.length <= 200 ? token : null;
  } catch {
    return null;
  }
}
