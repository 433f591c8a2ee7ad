import type { ApiFailure } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { sectionFailure } from './section-failure.ts';

/**
 * What a staff list shows above its table, in the same order on every screen: why it could not
 * load, the change just made (announced), "loading", or that there is nothing yet.
 */
export function ListState({ items, failure, done, empty }: { items: readonly unknown[] | null; failure: ApiFailure | null; done?: string | null; empty: string }) {
  const { t } = useI18n();
  return (
    <>
      {failure && (
        <p class="message error" role="alert">
          {sectionFailure(t, failure)}
        </p>
      )}
      {done && (
        <p class="message success" role="status">
          {done}
        </p>
      )}
      {items === null && !failure && <p role="status">{t('staff.loading')}</p>}
      {items && items.length === 0 && <p>{empty}</p>}
    </>
  );
}
