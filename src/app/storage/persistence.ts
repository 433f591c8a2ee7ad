/**
 * Persistent storage (issue 5 §1): without it the browser may evict IndexedDB under storage
 * pressure, unsent forms included. The answer is remembered so the UI can say it was refused.
 */

export type PersistentStorageResult = 'granted' | 'denied' | 'unsupported';

const KEY = 'zaitaku.persistentStorage';

/** Asks once per start; the browser decides (Chromium by engagement, Firefox may ask the user). */
export async function requestPersistentStorage(): Promise<PersistentStorageResult> {
  let result: PersistentStorageResult;
  if (typeof navigator.storage?.persist !== 'function') {
    result = 'unsupported';
  } else {
    try {
      result = (await navigator.storage.persisted()) || (await navigator.storage.persist()) ? 'granted' : 'denied';
    } catch {
      result = 'denied';
    }
  }
  try {
    localStorage.setItem(KEY, JSON.stringify({ result, at: Date.now() }));
  } catch {
    // Private browsing may refuse storage; the answer then lasts for this page only.
  }
  lastResult = result;
  return result;
}

let lastResult: PersistentStorageResult | null = null;

/** The last answer (this page or a previous start), or null before anything was asked. */
export function persistentStorageResult(): PersistentStorageResult | null {
  if (lastResult) return lastResult;
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as { result?: unknown } | null;
    const result = stored?.result;
    return result === 'granted' || result === 'denied' || result === 'unsupported' ? result : null;
  } catch {
    return null;
  }
}
