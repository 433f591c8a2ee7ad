/**
 * One browser tab, whichever engine drives it (issue 21 #1). Playwright cannot drive Debian's
 * WebKitGTK or Firefox ESR, so each engine has its own maintained client (webkit.ts: webdriverio
 * over WebKitWebDriver; firefox.ts: puppeteer-core over WebDriver BiDi) behind this interface,
 * and the smoke suite (../smoke.ts) is written once against it.
 *
 * Elements are found in the page the way a person finds them — a button by its words, a field
 * by its label — then clicked and typed into with the engine's own input events (trusted, not
 * synthetic), through a mark the finder leaves on the element.
 */
export type EngineName = 'webkit' | 'firefox';

/** What to find: elements matching `css` (default: any), containing `text`, or the control a `label` names. */
export interface Target {
  css?: string;
  text?: string;
  label?: string;
  /** The whole text (or label) must be equal, not just contain it. */
  exact?: boolean;
  /** Only inside the first element matching this selector. */
  within?: string;
}

export interface EnginePage {
  readonly engine: EngineName;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  url(): Promise<string>;
  /** Runs a self-contained function in the page; arguments and result travel as JSON. */
  evaluate<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Awaited<R>>;
  click(target: Target): Promise<void>;
  /** Replaces the field's value by typing `text`, key by key. */
  type(target: Target, text: string): Promise<void>;
  /** A pointer held down along `points` (fractions of the element's width and height). */
  drag(target: Target, points: readonly (readonly [number, number])[]): Promise<void>;
  screenshot(file: string): Promise<void>;
  /** Cuts the network (the engine's own switch where it has one, and the proxy's). */
  setOffline(offline: boolean): Promise<void>;
  /**
   * Uncaught errors and CSP violations in the page since the last call, where the engine's client
   * reports them (puppeteer does for Firefox; WebKitGTK's classic WebDriver has no log to read).
   */
  pageErrors?(): string[];
  close(): Promise<void>;
}

export const MARK = 'data-engine-target';

/**
 * Runs in the page (self-contained: it is serialised): marks the first visible element that
 * `target` describes with `data-engine-target`, and says whether there was one.
 */
export function markTarget(target: Target): boolean {
  const mark = 'data-engine-target';
  const squash = (text: string | null | undefined): string => (text ?? '').replace(/\s+/g, ' ').trim();
  const matches = (text: string, wanted: string): boolean => (target.exact ? text === wanted : text.includes(wanted));
  const visible = (el: Element): boolean => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  for (const old of document.querySelectorAll(`[${mark}]`)) old.removeAttribute(mark);
  const scope: ParentNode | null = target.within ? document.querySelector(target.within) : document;
  if (!scope) return false;
  let candidates: Element[] = [];
  if (target.label !== undefined) {
    const wanted = target.label;
    for (const label of scope.querySelectorAll('label')) {
      if (label.control && matches(squash(label.textContent), wanted)) candidates.push(label.control);
    }
    for (const el of scope.querySelectorAll('[aria-label]')) {
      if (matches(squash(el.getAttribute('aria-label')), wanted)) candidates.push(el);
    }
  } else {
    candidates = [...scope.querySelectorAll(target.css ?? '*')];
    if (target.text !== undefined) {
      const wanted = target.text;
      candidates = candidates.filter((el) => matches(squash(el.textContent), wanted));
    }
  }
  const found = candidates.find(visible);
  if (!found) return false;
  found.setAttribute(mark, '1');
  // At once, not smoothly: a position read while the page still scrolls would miss the element.
  found.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  return true;
}

/** Says what a target was, for an error message. */
export function describeTarget(target: Target): string {
  return JSON.stringify(target);
}

/** Polls `check` until it is true, or throws `what` after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown = null;
    try {
      if (await check()) return;
    } catch (error) {
      // A navigation can interrupt a check; the next one runs on the new page.
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/**
 * Runs in the page: whether the marked element stayed where it was over two frames. A screen
 * that has just been drawn may still scroll itself to the top (each step does), and a click
 * aimed at the old position would land on whatever moved under it (Playwright waits the same way).
 */
export function markIsStill(): Promise<boolean> {
  const element = document.querySelector('[data-engine-target]');
  if (!element) return Promise.resolve(false);
  const where = (): string => {
    const box = element.getBoundingClientRect();
    return `${box.left},${box.top},${box.width},${box.height},${window.scrollY}`;
  };
  const before = where();
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(element.isConnected && where() === before))));
}

/** Waits for the target to be there and still, then marks it; returns the selector of the mark. */
export async function findTarget(page: Pick<EnginePage, 'evaluate'>, target: Target, timeoutMs = 15_000): Promise<string> {
  await waitUntil(async () => (await page.evaluate(markTarget, target)) && (await page.evaluate(markIsStill)), describeTarget(target), timeoutMs);
  return `[${MARK}]`;
}

/** Runs in the page: brings the marked element to the middle and says where it is in the viewport. */
function centreMark(): { x: number; y: number; width: number; height: number } {
  const element = document.querySelector('[data-engine-target]')!;
  element.scrollIntoView({ block: 'center', behavior: 'instant' });
  const box = element.getBoundingClientRect();
  return { x: box.left, y: box.top, width: box.width, height: box.height };
}

/**
 * The viewport points of a pointer path over the target: `points` are fractions of its width and
 * height. Measured just before the drag, the element brought to the middle again (the notes
 * above a form's field can still grow after the first scroll).
 */
export async function pointerPath(page: Pick<EnginePage, 'evaluate'>, target: Target, points: readonly (readonly [number, number])[]): Promise<{ x: number; y: number }[]> {
  await findTarget(page, target);
  const box = await page.evaluate(centreMark);
  return points.map(([fx, fy]) => ({ x: Math.round(box.x + box.width * fx), y: Math.round(box.y + box.height * fy) }));
}
