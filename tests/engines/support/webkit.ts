import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { remote } from 'webdriverio';
import { freePort, stopChild } from '../../support/child-server.ts';
import { findTarget, pointerPath, type EnginePage } from './engine-page.ts';
import type { OfflineProxy } from './offline-proxy.ts';

/** Debian's WebKitGTK (package webkit2gtk-driver): its driver, and the browser it automates. */
export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/**
 * An X server of its own: MiniBrowser has no headless mode. `-displayfd` lets Xvfb pick a free
 * display and tell us which, so two lanes (or two checkouts) never race for one.
 */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1400x1000x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    const pipe = xvfb.stdio[3] as NodeJS.ReadableStream;
    pipe.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${String(code)}): apt-get install xvfb`)));
    xvfb.once('error', reject);
  });
  return { display, process: xvfb };
}

/** Opens MiniBrowser through WebKitWebDriver, at the tablet's size, in a locale that is not Japanese. */
export async function openWebKit(proxy: OfflineProxy): Promise<EnginePage> {
  for (const file of [WEBKIT_DRIVER, MINIBROWSER]) {
    if (!fs.existsSync(file)) throw new Error(`${file} not found: apt-get install webkit2gtk-driver xvfb`);
  }
  const x = await startXvfb();
  const port = await freePort();
  // Issue 21 #5: dates must read back whatever the browser's language; this one is English.
  const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], { env: { ...process.env, DISPLAY: x.display, LANGUAGE: 'en_US', LANG: 'C.UTF-8' }, stdio: 'ignore' });
  const stopAll = async (): Promise<void> => {
    await stopChild(driver);
    await stopChild(x.process);
  };
  try {
    // The driver takes a moment to listen; asking before that only fills the log with refusals.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/status`).then(
        (answer) => answer.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline || driver.exitCode !== null) throw new Error('WebKitWebDriver did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const session = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'warn',
      capabilities: {
        browserName: 'MiniBrowser',
        // WebKitGTK has no BiDi: webdriverio would otherwise wait for a socket that never opens.
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      } as WebdriverIO.Capabilities,
    });
    // The window's frame takes 38 px: this leaves a 1280 × 800 page, the tablet of the Playwright suite.
    await session.setWindowSize(1280, 838);
    const page: EnginePage = {
      engine: 'webkit',
      goto: async (url) => {
        await session.url(url);
      },
      reload: async () => {
        await session.refresh();
      },
      url: () => session.getUrl(),
      // webdriverio's own typing wants a script of its shape; ours is typed by EnginePage.
      evaluate: (fn, ...args) => (session.execute.bind(session) as (fn: unknown, ...args: unknown[]) => Promise<never>)(fn, ...args),
      click: async (target) => {
        await session.$(await findTarget(page, target)).click();
      },
      type: async (target, text) => {
        const field = session.$(await findTarget(page, target));
        // WebDriver's clear empties the field; the typing that follows sends an input event per
        // key, so the page's state ends up with the whole new value.
        await field.clearValue();
        await field.addValue(text);
      },
      drag: async (target, points) => {
        const [first, ...rest] = await pointerPath(page, target, points);
        if (!first) return;
        const pointer = session.action('pointer', { parameters: { pointerType: 'mouse' } }).move({ ...first, origin: 'viewport' }).down();
        for (const point of rest) pointer.move({ ...point, origin: 'viewport', duration: 20 });
        await pointer.up().perform();
      },
      screenshot: async (file) => {
        await session.saveScreenshot(file);
      },
      // WebKitGTK's WebDriver has no network switch, and cutting the network under it does not
      // change navigator.onLine either (tried: a network namespace with its link taken down), so
      // the app sees what it sees when Wi-Fi drops without an event: failed requests.
      setOffline: async (offline) => {
        proxy.setOffline(offline);
      },
      close: async () => {
        try {
          await session.deleteSession();
        } finally {
          await stopAll();
        }
      },
    };
    return page;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
