/// <reference lib="webworker" />
import { OUTBOX_SYNC_TAG, type WorkerToPageMessage } from '../src/domain/shared/sw-messages.ts';

/** SyncEvent is not in TypeScript's WebWorker lib yet (Chromium only). */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}

/**
 * A Background Sync for the outbox asks the open pages to flush: the page owns IndexedDB, the
 * encryption key and the outbox states (P4). With no page open nothing happens; the next app
 * start flushes. Background Sync is only an extra chance to send, never relied upon.
 */
export function handleOutboxSync(scope: ServiceWorkerGlobalScope): void {
  scope.addEventListener('sync', (event: Event) => {
    const sync = event as SyncEvent;
    if (sync.tag !== OUTBOX_SYNC_TAG) return;
    sync.waitUntil(
      scope.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((pages) => {
        const message: WorkerToPageMessage = { type: 'FLUSH_OUTBOX' };
        for (const page of pages) page.postMessage(message);
      }),
    );
  });
}
