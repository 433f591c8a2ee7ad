/**
 * The clinic link this device last used (issue 5 §1): the installed app opens at the manifest's
 * start_url ('/'), which knows no clinic; with this, the start page offers that clinic's outage
 * fallback, offline too. A link token names the clinic, not a patient, so it may stay in clear.
 *
 * Also the links this device has been told are no longer valid (reissued, product rule of issue
 * 15): the fallback of such a link says so even with the network cut off, and the start page stops
 * offering it.
 */
const KEY = 'zaitaku.lastClinicLink';
const INVALID_KEY = 'zaitaku.invalidClinicLinks';
/** Enough for every reissue a tablet will see; the oldest are dropped first. */
const INVALID_MAX = 20;

export function rememberClinicLink(token: string): void {
  if (isInvalidLink(token)) return;
  try {
    localStorage.setItem(KEY, token);
  } catch {
    // Private browsing may refuse storage; the start page then just has no shortcut.
  }
}

export function rememberedClinicLink(): string | null {
  try {
    const token = localStorage.getItem(KEY);
    return token && token.length <= 200 && !isInvalidLink(token) ? token : null;
  } catch {
    return null;
  }
}

function invalidLinks(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(INVALID_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** The server said this link is not (or no longer) valid: remember it for the offline fallback. */
export function rememberInvalidLink(token: string): void {
  if (token.length > 200) return;
  try {
    const links = [...invalidLinks().filter((t) => t !== token), token].slice(-INVALID_MAX);
    localStorage.setItem(INVALID_KEY, JSON.stringify(links));
    if (localStorage.getItem(KEY) === token) localStorage.removeItem(KEY);
  } catch {
    // Storage refused: online, the server still says so each time.
  }
}

/** Whether the server said, on an earlier visit, that this link is not valid. */
export function isInvalidLink(token: string): boolean {
  return invalidLinks().includes(token);
}
