import { afterFirstScreen } from './after-first-screen.ts';
import { isWorkerToPageMessage, type PageToWorkerMessage, type SyncTag, type WorkerToPageMessage } from '../domain/shared/sw-messages.ts';

/**
 * The page's only contact with the service worker: registers it, notices when a new version is
 * waiting and lets the caller ask the user. It renders nothing itself. `apply` activates the new
 * worker and reloads once it has taken control.
 */
export function registerServiceWorker(onUpdateWaiting: (apply: () => void) => void): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  // workbox-window arrives after the first screen, as its own chunk: the patient's first load is
  // budgeted (issue 7, issue 18 #3), and registration waits for the page anyway.
  afterFirstScreen(() => void import('workbox-window').then(({ Workbox, messageSW }) => {
    const wb = new Workbox('/sw.js');
    wb.addEventListener('waiting', () => {
      onUpdateWaiting(() => {
        wb.addEventListener('controlling', () => window.location.reload());
        // What Workbox's messageSkipWaiting() does, with the message from sw-messages.ts.
        const message: PageToWorkerMessage = { type: 'SKIP_WAITING' };
        void registered.then((registration) => registration?.waiting && messageSW(registration.waiting, message));
      });
    });
    const registered = wb.register();
    // A tablet may stay on one page for days: look for a new version whenever it comes back.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void wb.update();
    });
  }));
}

/** Calls `handler` when the service worker posts a message of this type (a Background Sync asking to flush). */
export function onServiceWorkerMessage(type: WorkerToPageMessage['type'], handler: () => void): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isWorkerToPageMessage(event.data) && event.data.type === type) handler();
  });
}

/**
 * Asks for a Background Sync under `tag` where the browser has it (Chromium); elsewhere, or when
 * refused, nothing happens: callers must never depend on it.
 */
export async function requestBackgroundSync(tag: SyncTag): Promise<boolean> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return false;
  try {
    const registration = (await navigator.serviceWorker.getRegistration()) as
      | (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } })
      | undefined;
    if (!registration?.active || !registration.sync) return false;
    await registration.sync.register(tag);
    return true;
  } catch {
    return false;
  }
}
