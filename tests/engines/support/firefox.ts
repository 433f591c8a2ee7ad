import fs from 'node:fs';
import puppeteer from 'puppeteer-core';
import { findTarget, pointerPath, type EnginePage } from './engine-page.ts';
import type { OfflineProxy } from './offline-proxy.ts';

/** Debian's Firefox ESR (package firefox-esr), driven over WebDriver BiDi. */
export const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

/** Opens Firefox ESR headless through puppeteer-core at the tablet's size, in English. */
export async function openFirefox(proxy: OfflineProxy): Promise<EnginePage> {
  if (!fs.existsSync(FIREFOX)) throw new Error(`${FIREFOX} not found: apt-get install firefox-esr (or set FIREFOX_PATH)`);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocol: 'webDriverBiDi',
    // Issue 21 #5: dates must read back whatever the browser's language; this one is English.
    extraPrefsFirefox: { 'intl.accept_languages': 'en-US', 'intl.locale.requested': 'en-US' },
  });
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1280, height: 800 });
    // Uncaught errors in the page (a missing API, a failed promise) and CSP violations (a blocked
    // eval, issue 21 #4): the suite expects none. The listener goes in before any of the page's
    // own scripts run, on every page, so a violation while the app loads is caught too.
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(String(error)));
    await tab.evaluateOnNewDocument(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
      });
    });
    tab.on('console', (message) => {
      if (message.text().startsWith('CSP violation:')) errors.push(message.text());
    });
    const page: EnginePage = {
      engine: 'firefox',
      goto: async (url) => {
        await tab.goto(url);
      },
      reload: async () => {
        await tab.reload();
      },
      url: async () => tab.url(),
      // puppeteer's own typing wants a page function of its shape; ours is typed by EnginePage.
      evaluate: (fn, ...args) => (tab.evaluate.bind(tab) as (fn: unknown, ...args: unknown[]) => Promise<never>)(fn, ...args),
      click: async (target) => {
        await tab.click(await findTarget(page, target));
      },
      type: async (target, text) => {
        const selector = await findTarget(page, target);
        // Three clicks select what is there, so the typing replaces it (as a person would).
        await tab.click(selector, { count: 3 });
        await tab.keyboard.press('Backspace');
        await tab.type(selector, text);
      },
      drag: async (target, points) => {
        const [first, ...rest] = await pointerPath(page, target, points);
        if (!first) return;
        await tab.mouse.move(first.x, first.y);
        await tab.mouse.down();
        for (const point of rest) await tab.mouse.move(point.x, point.y, { steps: 2 });
        await tab.mouse.up();
      },
      screenshot: async (file) => {
        await tab.screenshot({ path: file as `${string}.png` });
      },
      // BiDi's offline switch makes navigator.onLine false and fires `offline`/`online`, as the
      // OS would; the proxy cuts the network for everything else, the service worker included.
      setOffline: async (offline) => {
        proxy.setOffline(offline);
        await tab.setOfflineMode(offline);
      },
      pageErrors: () => errors.splice(0),
      close: () => browser.close(),
    };
    return page;
  } catch (error) {
    await browser.close();
    throw error;
  }
}
