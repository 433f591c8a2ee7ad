import { deleteDraft, loadDraft, saveDraft } from './drafts.ts';
import { clearDevice, discardRejected, enqueueDeclaration, enqueueGuideRecord, flushOutbox, noteInstitutionLink, outboxSummaries, unreadableOutboxCount } from './outbox.ts';

/**
 * The device's storage (P4): what start-up and sign-out need, and the browser-test hook. Screens
 * import the module they use (drafts.ts, outbox.ts, persistence.ts) directly. See README.md here.
 */
export { clearDevice, startOutboxSync } from './outbox.ts';
export { requestPersistentStorage } from './persistence.ts';

const TEST_HOOK_FLAG = 'zaitaku.testHooks';

const testHook = { enqueueDeclaration, enqueueGuideRecord, flushOutbox, outboxSummaries, unreadableOutboxCount, discardRejected, clearDevice, saveDraft, loadDraft, deleteDraft, noteInstitutionLink };

declare global {
  interface Window {
    /** Browser tests only: present when localStorage 'zaitaku.testHooks' is '1' at start-up. */
    __zaitakuOutbox?: typeof testHook;
  }
}

/**
 * Test hook: the browser tests drive the real modules through `window.__zaitakuOutbox`, since the
 * bundle cannot be imported from a test. Nothing is exposed unless the flag was set on this
 * device beforehand; it opens no access the page's own code does not already have.
 */
function installTestHook(): void {
  try {
    if (localStorage.getItem(TEST_HOOK_FLAG) === '1') window.__zaitakuOutbox = testHook;
  } catch {
    // No localStorage: no hook.
  }
}
installTestHook();
