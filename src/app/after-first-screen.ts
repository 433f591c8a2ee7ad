/**
 * Runs `work` once the page has loaded and the browser has a quiet moment (issue 18 #3): for code
 * the first screen does not need (the outbox and IndexedDB, the service worker's registration), so
 * its download and parsing never compete with the first screen's. At most two seconds after load.
 */
export function afterFirstScreen(work: () => void): void {
  const whenIdle = () => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => work(), { timeout: 2000 });
    else setTimeout(work, 200);
  };
  if (document.readyState === 'complete') whenIdle();
  else window.addEventListener('load', whenIdle, { once: true });
}
