import { Workbox } from 'workbox-window';

/**
 * The page's only contact with the service worker: registers it, notices when a new version is
 * waiting and lets the caller ask the user. It renders nothing itself. `apply` activates the new
 * worker and reloads once it has taken control.
 */
export function registerServiceWorker(onUpdateWaiting: (apply: () => void) => void): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const wb = new Workbox('/sw.js');
  wb.addEventListener('waiting', () => {
    onUpdateWaiting(() => {
      wb.addEventListener('controlling', () => window.location.reload());
      wb.messageSkipWaiting();
    });
  });
  void wb.register();
  // A tablet may stay on one page for days: look for a new version whenever it comes back.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void wb.update();
  });
}
