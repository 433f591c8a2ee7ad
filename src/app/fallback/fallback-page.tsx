import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.tsx';
import { requestPersistentStorage, type PersistentStorageResult } from '../storage/persistence.ts';
import { DeclarationScreen } from './declaration-screen.tsx';
import { GuideScreen } from './guide-screen.tsx';
import { rememberClinicLink } from './last-link.ts';
import { PrintScreen } from './print-screen.tsx';

/**
 * The outage fallback at /i/<token>/fallback (issue 5 §1–3): the decision guide, the declaration
 * form (…/form) and its print view (…/print). A lazy chunk of its own, precached by the service
 * worker; nothing here calls the server, so it opens with the network cut off. The institution
 * link token comes from the URL and is only carried along with the form.
 */
export default function FallbackPage({ token, view }: { token: string; view?: string }) {
  const { t } = useI18n();
  const [persist, setPersist] = useState<PersistentStorageResult | null>(null);

  // Unsent forms must survive storage pressure: ask once, and say so when the browser refuses.
  useEffect(() => rememberClinicLink(token), [token]);

  useEffect(() => {
    void requestPersistentStorage().then(setPersist, () => setPersist('denied'));
  }, []);

  return (
    <div class={`fb-page fb-view-${view ?? 'guide'}`}>
      {persist === 'denied' && view !== 'print' && (
        <p class="message warning fb-persist" role="note">
          {t('fb.persistDenied')}
        </p>
      )}
      {view === 'form' ? <DeclarationScreen token={token} /> : view === 'print' ? <PrintScreen token={token} /> : <GuideScreen token={token} />}
    </div>
  );
}
