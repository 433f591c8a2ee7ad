import { deleteDraft, loadDraft, saveDraft } from './drafts.ts';
import { clearDevice, discardRejected, enqueueDeclaration, enqueueGuideRecord, flushOutbox, noteInstitutionLink, outboxSummaries, unreadableOutboxCount } from './outbox.ts';

const testHook = { enqueueDeclaration, enqueueGuideRecord, flushOutbox, outboxSummaries, unreadableOutboxCount, discardRejected, clearDevice, saveDraft, loadDraft, deleteDraft, noteInstitutionLink };

declare global {
  interface Window {
    /** Browser tests only: present when localStorage 'zaitaku.testHooks' is '1' at start-up (index.ts). */
    __zaitakuOutbox?: typeof testHook;
  }
}

export function installTestHook(): void {
  window.__zaitakuOutbox = testHook;
}
