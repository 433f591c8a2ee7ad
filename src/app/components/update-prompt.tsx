import { useI18n } from '../i18n/i18n.tsx';

/** Shown when a new version is waiting; reloading happens only when the user agrees. */
export function UpdatePrompt({ onApply, onLater }: { onApply: () => void; onLater: () => void }) {
  const { t } = useI18n();
  return (
    <div class="update-prompt" role="alertdialog" aria-live="polite" aria-labelledby="update-message">
      <p id="update-message">{t('update.message')}</p>
      <div class="button-row">
        <button type="button" class="button primary" onClick={onApply}>
          {t('update.apply')}
        </button>
        <button type="button" class="button" onClick={onLater}>
          {t('update.later')}
        </button>
      </div>
    </div>
  );
}
