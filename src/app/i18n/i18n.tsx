import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { ja, type MessageKey, type Messages } from './ja.ts';

export type Lang = 'ja' | 'en';
/** Catalogues that load with the route chunks using them, not with the entry (see ja.ts). */
export type Section = 'staff' | 'fallback' | 'receipt';
const STORAGE_KEY = 'zaitaku.lang';

/**
 * What has arrived so far, per language. Only the Japanese core ships with the entry (issue 7:
 * patient first-load budget); everything else is fetched once and merged in here.
 */
const catalogues: Record<Lang, Partial<Messages>> = { ja: { ...ja }, en: {} };
type Part = 'core' | Section;
const LOADERS: Record<Lang, Record<Part, () => Promise<Partial<Messages>>>> = {
  ja: {
    core: () => Promise.resolve(ja),
    staff: () => import('./staff-ja.ts').then((m) => m.staffJa),
    fallback: () => import('./fallback-ja.ts').then((m) => m.fallbackJa),
    receipt: () => import('./receipt-ja.ts').then((m) => m.receiptJa),
  },
  en: {
    core: () => import('./en.ts').then((m) => m.en),
    staff: () => import('./staff-en.ts').then((m) => m.staffEn),
    fallback: () => import('./fallback-en.ts').then((m) => m.fallbackEn),
    receipt: () => import('./receipt-en.ts').then((m) => m.receiptEn),
  },
};
const loaded = new Set<string>(['ja:core']);
/** Sections some route has asked for: a language switch loads them in the new language too. */
const wanted = new Set<Section>();
let currentLang: Lang = 'ja';

async function ensure(lang: Lang, parts: readonly Part[]): Promise<void> {
  await Promise.all(
    parts
      .filter((part) => !loaded.has(`${lang}:${part}`))
      .map(async (part) => {
        Object.assign(catalogues[lang], await LOADERS[lang][part]());
        loaded.add(`${lang}:${part}`);
      }),
  );
}

/**
 * Loads section catalogues in the current language; the lazy route chunks await this beside
 * their own import, so their first render finds every string. A failed fetch still lets the
 * page render (t() then falls back to Japanese or the key) rather than leaving it blank.
 */
export function loadSections(...sections: Section[]): Promise<void> {
  for (const section of sections) wanted.add(section);
  return ensure(currentLang, sections).catch(() => undefined);
}

function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
  }
}

/**
 * Call before the first render: fetches the English core when English was chosen before, so
 * an English user never sees a Japanese flash. Offline without it, the app starts in Japanese.
 */
export async function prepareLanguage(): Promise<void> {
  const lang = storedLang();
  if (lang === 'ja') return;
  try {
    await ensure(lang, ['core']);
    currentLang = lang;
  } catch {
    currentLang = 'ja';
  }
}

export type Translate = (key: MessageKey, params?: Record<string, string>) => string;

interface I18n {
  lang: Lang;
  t: Translate;
  setLang: (lang: Lang) => void;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(currentLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = catalogues[lang]['app.name'] ?? ja['app.name'];
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    // Switch once the new language's strings are here (core and every section in use).
    void ensure(next, ['core', ...wanted])
      .then(() => {
        currentLang = next;
        setLangState(next);
        try {
          localStorage.setItem(STORAGE_KEY, next);
        } catch {
          // Private browsing may refuse storage; the choice then lasts for this page only.
        }
      })
      .catch(() => undefined);
  }, []);
  const value = useMemo<I18n>(() => {
    const messages = catalogues[lang];
    const fallback = catalogues.ja;
    const t: Translate = (key, params) => {
      const text = messages[key] ?? fallback[key] ?? key;
      return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => params[name] ?? m) : text;
    };
    return { lang, t, setLang };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
