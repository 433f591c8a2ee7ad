import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.tsx';
import { afterFirstScreen } from '../after-first-screen.ts';
import type { OutboxBadge as OutboxBadgeComponent } from '../storage/outbox-badge.tsx';

function useOnline(): boolean {
  // Only an explicit false is offline: the server renders the first screen where there is no onLine.
  const [online, setOnline] = useState(() => navigator.onLine !== false);
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

/**
 * The unsent-forms badge, loaded after the first paint (issue 18 #3): it brings the outbox and
 * IndexedDB code, which the first screen does not need. It shows nothing while nothing waits, so
 * its late arrival moves nothing on the screen.
 */
function LazyOutboxBadge() {
  const [Badge, setBadge] = useState<typeof OutboxBadgeComponent | null>(null);
  useEffect(() => {
    let live = true;
    afterFirstScreen(() => void import('../storage/outbox-badge.tsx').then((m) => live && setBadge(() => m.OutboxBadge)));
    return () => {
      live = false;
    };
  }, []);
  return Badge ? <Badge /> : null;
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
      <LazyOutboxBadge />
    </>
  );
}
