/**
 * The messages between the page and the service worker, in one place for both sides: the page
 * (src/app/sw-bridge.ts, src/app/storage/outbox.ts) and the worker (sw/index.ts,
 * sw/outbox-sync.ts). This file is built by the domain, app and service-worker tsconfigs, so a
 * name changed on one side fails the typecheck on the other. No DOM or worker types here.
 */

/** The Background Sync tag the page registers while declarations wait in the outbox. */
export const OUTBOX_SYNC_TAG = 'outbox';
export type SyncTag = typeof OUTBOX_SYNC_TAG;

/** Page → waiting worker: the user agreed to the new version (「更新する」); take over now. */
export interface SkipWaitingMessage {
  type: 'SKIP_WAITING';
}

/** Worker → open pages: a Background Sync fired; the page owns IndexedDB, so it sends its outbox. */
export interface FlushOutboxMessage {
  type: 'FLUSH_OUTBOX';
}

export type PageToWorkerMessage = SkipWaitingMessage;
export type WorkerToPageMessage = FlushOutboxMessage;

const PAGE_TO_WORKER_TYPES: ReadonlySet<string> = new Set<PageToWorkerMessage['type']>(['SKIP_WAITING']);
const WORKER_TO_PAGE_TYPES: ReadonlySet<string> = new Set<WorkerToPageMessage['type']>(['FLUSH_OUTBOX']);

function typeOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
}

/** Whether `data` (a `message` event's data, from anyone) is one of the page's messages to the worker. */
export function isPageToWorkerMessage(data: unknown): data is PageToWorkerMessage {
  const type = typeOf(data);
  return typeof type === 'string' && PAGE_TO_WORKER_TYPES.has(type);
}

/** Whether `data` is one of the worker's messages to the page. */
export function isWorkerToPageMessage(data: unknown): data is WorkerToPageMessage {
  const type = typeOf(data);
  return typeof type === 'string' && WORKER_TO_PAGE_TYPES.has(type);
}
