import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.tsx';
import { OutboxBadge } from '../storage/outbox-badge.tsx';

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

export function Header() {
  const { t, lang, setLang } = useI18n();
  const online = useOnline();
  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header class="app-header">
        <a class="brand" href="/">
          <img src="/icons/icon.svg" alt="" width="40" height="40" />
          <span>
            <span class="brand-name">{t('app.name')}</span>
            <span class="brand-tagline">{t('app.tagline')}</span>
          </span>
        </a>
        <button
          type="button"
          class="button lang-switch"
          lang={lang === 'ja' ? 'en' : 'ja'}
          aria-label={t('lang.switchLabel')}
          onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}
        >
          {t('lang.switchTo')}
        </button>
      </header>
      {!online && (
        <p class="offline-banner" role="status">
          {t('net.offline')}
        </p>
      )}
      <OutboxBadge />
    </>
  );
}
