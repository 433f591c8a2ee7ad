/**
 * The device's storage (P4): what start-up and sign-out need, and the browser-test hook. Screens
 * import the module they use (drafts.ts, outbox.ts, persistence.ts) directly. See README.md here.
 */
export { clearDevice, startOutboxSync } from './outbox.ts';
export { requestPersistentStorage } from './persistence.ts';

const TEST_HOOK_FLAG = 'zaitaku.testHooks';

/**
 * Test hook: the browser tests drive the real modules through `window.__zaitakuOutbox`
 * (test-hook.ts), since the bundle cannot be imported from a test. Nothing is loaded or exposed
 * unless the flag was set on this device beforehand; it opens no access the page's own code does
 * not already have. Its own chunk, so a patient's phone never downloads it.
 */
function installTestHook(): void {
  try {
    if (localStorage.getItem(TEST_HOOK_FLAG) === '1') void import('./test-hook.ts').then((m) => m.installTestHook());
  } catch {
    // No localStorage: no hook.
  }
}
installTestHook();
