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

/**
 * The app's mark (public/icons/icon.svg, drawn the same), inline: the first screen waits for no
 * image request (issue 18 #2). Decorative: the name beside it says what it is.
 */
function BrandMark() {
  return (
    <svg class="brand-mark" viewBox="0 0 512 512" width="40" height="40" aria-hidden="true" focusable="false">
      <rect width="512" height="512" rx="96" fill="#0f5c8c" />
      <path d="M256 96 76 246h52v170h256V246h52z" fill="#fff" />
      <path d="M226 266h60v-50h40v50h60v40h-60v50h-40v-50h-60z" fill="#0f5c8c" transform="translate(-50 10)" />
    </svg>
  );
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
          <BrandMark />
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
