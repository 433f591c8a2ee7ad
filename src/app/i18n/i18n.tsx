import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { en } from './en.ts';
import { ja, type MessageKey, type Messages } from './ja.ts';

export type Lang = 'ja' | 'en';
const CATALOGUES: Record<Lang, Messages> = { ja, en };
const STORAGE_KEY = 'zaitaku.lang';

export type Translate = (key: MessageKey, params?: Record<string, string>) => string;

interface I18n {
  lang: Lang;
  t: Translate;
  setLang: (lang: Lang) => void;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
  }
}

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = CATALOGUES[lang]['app.name'];
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private browsing may refuse storage; the choice then lasts for this page only.
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const messages = CATALOGUES[lang];
    const t: Translate = (key, params) =>
      params ? messages[key].replace(/\{(\w+)\}/g, (m, name: string) => params[name] ?? m) : messages[key];
    return { lang, t, setLang };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
