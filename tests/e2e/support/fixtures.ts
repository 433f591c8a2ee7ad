import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { devices, expect, test as base, type Locator, type Page } from '@playwright/test';
import { e2eDataDir } from '../../../playwright.config.ts';

/**
 * Every page test also fails on a Content-Security-Policy violation or an uncaught error:
 * the CSP must hold for the real app, not only in the header tests.
 */
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) errors.push(msg.text());
      });
      await use(errors);
      expect(errors, 'no CSP violations or uncaught errors').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/**
 * Records every `securitypolicyviolation` event of the page's documents, across navigations
 * (issue 21 #4). The console check above misses some: Chromium reports a blocked eval (such as a
 * library's caught `Function("")` probe) only with this event, never as a console error, while
 * Firefox logs it. Call before the first navigation; returns a reader of what was recorded.
 */
export async function recordCspViolations(page: Page): Promise<() => string[]> {
  const violations: string[] = [];
  await page.exposeBinding('__zaitakuCspViolation', (_source, text: string) => {
    violations.push(text);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __zaitakuCspViolation: (text: string) => Promise<void> }).__zaitakuCspViolation;
      void report(`${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return () => [...violations];
}

/** Waits until the service worker controls the page (it claims clients on its first install). */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function axeViolations(page: Page): Promise<{ id: string; help: string; impact?: string | null; targets: string[] }[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Result = { id: string; help: string; impact?: string | null; nodes: { target: unknown[] }[] };
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Result[] }> } }).axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map(({ id, help, impact, nodes }) => ({ id, help, impact, targets: nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
}

/**
 * axe: no serious or critical violations. axe is injected once per document and run with
 * `axe.run` over the whole page (the app has no frames), reporting violations only: the
 * @axe-core/playwright builder injected its 550 KB source twice per scan and finished each run in a
 * new blank page, about 1.4 s of the 1.9 s a scan took (measured in a trace).
 */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/** The smallest text and tap target a screen may show (issue 16 §6, patients aged 70+). */
const MIN_TEXT_PX = 16;
const MIN_TARGET_PX = 44;

/**
 * Issue 16 §6, the readability of one screen, measured in one `page.evaluate`:
 * - text: every visible element with text of its own has a computed font-size of at least 16 px.
 *   Exception: `<rt>` (furigana). Ruby text is by nature about half its base (a 16 px word gets
 *   8–10 px readings); it is a reading aid over text that is itself ≥ 16 px, so its base is what is
 *   measured. Also left out: the on-screen copy of the printed A4 sheet (`.decl-sheet`), drawn in
 *   millimetres like the paper it reproduces (the same fields are ≥ 16 px on the form itself).
 * - tap targets: every visible a, button, input, select, textarea, summary, [role=button] and label
 *   wrapping an input is at least 44 × 44 px. Exceptions (WCAG 2.5.8's): a link inside a sentence
 *   (an `<a>` whose block has text of its own beside it), whose size is set by the line it sits
 *   in; a radio or checkbox with a label: the box and its label together are the target (a click
 *   on either ticks it), so their joint box is measured, and a wrapping label is measured itself; an
 *   element entirely outside the page (the skip link until focused); a text field is measured
 *   by its height only when it is a one-line field (its width follows the text it takes).
 * Returns a line per offender, empty when the screen passes.
 */
export async function readabilityProblems(page: Page): Promise<string[]> {
  return page.evaluate(
    ({ minText, minTarget }) => {
      const problems: string[] = [];
      const describe = (el: Element) => {
        const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 30);
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        return `${el.tagName.toLowerCase()}${cls}${text ? ` “${text}”` : ''}`;
      };
      const visible = (el: Element) => {
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none') return false;
        const rect = el.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0) return false;
        // Entirely outside the page (a skip link waiting for focus).
        return rect.right > 0 && rect.bottom + window.scrollY > 0;
      };
      // Visually hidden text (clip to 1 px) is for screen readers: its size is not seen.
      const clipped = (el: Element) => {
        const rect = el.getBoundingClientRect();
        return rect.width <= 1 && rect.height <= 1;
      };
      for (const el of document.body.querySelectorAll('*')) {
        if (el.closest('rt, .decl-sheet, script, style, noscript, svg, [aria-hidden="true"]')) continue;
        const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
        if (!ownText || !visible(el) || clipped(el)) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < minText - 0.01) problems.push(`text ${size}px: ${describe(el)}`);
      }
      const inSentence = (a: Element) => {
        const block = a.parentElement?.closest('p, li, dd, td, span, label, small');
        if (!block) return false;
        const own = (block.textContent ?? '').replace(a.textContent ?? '', '').trim();
        return own.length > 0;
      };
      const targets = document.body.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], label:has(input, select, textarea)');
      for (const el of targets) {
        if (!visible(el) || el.closest('.decl-sheet')) continue;
        if (el.tagName === 'A' && inSentence(el)) continue;
        let rect = el.getBoundingClientRect();
        if (el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox')) {
          if (el.closest('label')) continue;
          for (const label of el.labels ?? []) {
            const box = label.getBoundingClientRect();
            const left = Math.min(rect.left, box.left);
            const top = Math.min(rect.top, box.top);
            rect = new DOMRect(left, top, Math.max(rect.right, box.right) - left, Math.max(rect.bottom, box.bottom) - top);
          }
        }
        const multiline = el.tagName === 'TEXTAREA';
        const tooNarrow = rect.width < minTarget - 0.5;
        const tooLow = !multiline && rect.height < minTarget - 0.5;
        if (tooNarrow || tooLow) problems.push(`target ${Math.round(rect.width)}×${Math.round(rect.height)}: ${describe(el)}`);
      }
      return problems;
    },
    { minText: MIN_TEXT_PX, minTarget: MIN_TARGET_PX },
  );
}

/**
 * The per-screen check of the screens spec (issue 16 "done when"): axe reports no violation of
 * any impact, every visible text is ≥ 16 px and every tap target ≥ 44 × 44 px (readabilityProblems).
 */
export async function expectReadableScreen(page: Page, name: string): Promise<void> {
  const violations = await axeViolations(page);
  const problems = await readabilityProblems(page);
  expect
    .soft(
      violations.map((v) => `${v.impact ?? ''} ${v.id}: ${v.help} (${v.targets.join(', ')})`),
      `${name}: axe, no violation of any impact`,
    )
    .toEqual([]);
  expect.soft(problems, `${name}: text ≥ 16 px and tap targets ≥ 44 × 44 px`).toEqual([]);
}

/**
 * Replaces the browser's print dialog (which would block a headless page) with a counter; the
 * returned function reads how often the page asked to print.
 */
export async function stubPrintDialog(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const counted = window as unknown as { printed: number };
    counted.printed = 0;
    window.print = () => {
      counted.printed++;
    };
  });
  return () => page.evaluate(() => (window as unknown as { printed: number }).printed);
}

const { defaultBrowserType: _browser, ...pixel7 } = devices['Pixel 7'];
/**
 * Behaviour flows run in the tablet project; a flow that belongs to another device says so with
 * `test.use(PHONE)` or `test.use(DESKTOP)` (the same sizes as the screens spec's projects).
 */
export const PHONE = pixel7;
export const DESKTOP = { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false };

/** The running project's server data (each project has its own server and demo institution). */
export function projectDataDir(): string {
  return e2eDataDir(base.info().project.name);
}

/**
 * A screenshot of what the viewport shows, kept with the test's attachments and under
 * test-results/screens/<project>/ to look at what each size shows.
 */
export async function snapshot(page: Page, name: string, projectName: string): Promise<void> {
  const file = path.join('test-results', 'screens', projectName, `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const body = await page.screenshot({ path: file });
  await base.info().attach(name, { body, contentType: 'image/png' });
}

/**
 * The text of each element as read aloud: furigana (`<rt>`, hidden from screen readers) left out.
 * `toHaveText` reads `textContent`, which runs a term's reading into the sentence around it.
 */
export async function textsWithoutReadings(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((elements) =>
    elements.map((element) => {
      const copy = element.cloneNode(true) as Element;
      copy.querySelectorAll('rt').forEach((rt) => rt.remove());
      return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
    }),
  );
}
