import prerender, { locationStub } from 'preact-iso/prerender';
import type { EmbeddedClinicLink } from '../../domain/registration/reception-api.ts';
import { App } from '../app.tsx';
import { setRenderingClinicLink } from '../reception/embedded-clinic-link.ts';

/**
 * Server rendering of a clinic link's first screen (issue 18 #1), built by vite.config.ts into
 * dist/.ssr/ and called by the server (src/server/registration/clinic-link-page.ts). It renders
 * the app itself, so the HTML is what the app's first render in the browser draws from the same
 * embedded data: the menu with the clinic's name, or the "no longer valid" page.
 *
 * The app reads `location` and the browser's storage while it renders: each render gets a
 * location for its URL and empty storage (a first visit's), and renders run one at a time.
 */

class EmptyStorage implements Storage {
  readonly #items = new Map<string, string>();
  get length(): number {
    return this.#items.size;
  }
  clear(): void {
    this.#items.clear();
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, String(value));
  }
}

function stubGlobal(name: 'localStorage' | 'sessionStorage', value: Storage): void {
  Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
}

let queue: Promise<unknown> = Promise.resolve();

/** The markup of the app's first screen at `url` (a path with its query), from `clinic`. */
export function renderClinicLink(url: string, clinic: EmbeddedClinicLink): Promise<string> {
  const run = queue.then(() => renderNow(url, clinic));
  queue = run.catch(() => undefined);
  return run;
}

async function renderNow(url: string, clinic: EmbeddedClinicLink): Promise<string> {
  locationStub(url);
  stubGlobal('localStorage', new EmptyStorage());
  stubGlobal('sessionStorage', new EmptyStorage());
  setRenderingClinicLink(clinic);
  try {
    const { html } = await prerender(<App />);
    // preact-iso marks its output for its own hydrate(), which the app does not use.
    return html.replace('<script type="isodata"></script>', '');
  } finally {
    setRenderingClinicLink(null);
  }
}
