import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { useI18n } from '../i18n/i18n.tsx';
import { loadDraft } from '../storage/drafts.ts';
import { DeclarationSheet, ExplanationSheet } from './declaration-sheet.tsx';
import { formStateFrom, hasContent, type FormState } from './form-state.ts';

/**
 * D6: the print view. The draft of this link is read (never changed) and laid out on A4 like the
 * paper form; the patient who prefers paper gets a blank copy. 「印刷する」 opens the browser's print.
 */
export function PrintScreen({ token }: { token: string }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const [form, setForm] = useState<FormState | null | undefined>(undefined);
  const [blank, setBlank] = useState(false);
  const formUrl = `/i/${encodeURIComponent(token)}/fallback/form`;

  useEffect(() => {
    loadDraft(token).then(
      (draft) => {
        const state = draft ? formStateFrom(draft.form, token) : null;
        setForm(state);
        setBlank(!state || !hasContent(state));
      },
      () => {
        setForm(null);
        setBlank(true);
      },
    );
  }, [token]);

  if (form === undefined) return <p role="status">{t('fb.loading')}</p>;
  return (
    <section class="decl-print" aria-labelledby="fb-print-title">
      <div class="no-print">
        <h1 id="fb-print-title">{t('fb.print.title')}</h1>
        <p>{t('fb.print.lead')}</p>
        <fieldset class="fb-pills">
          <legend>{t('fb.print.contents')}</legend>
          <div class="fb-pill-row">
            <label class={`fb-pill${!blank ? ' checked' : ''}`}>
              <input type="radio" name="fb-print-contents" checked={!blank} disabled={!form} onChange={() => setBlank(false)} />
              {t('fb.print.filled')}
            </label>
            <label class={`fb-pill${blank ? ' checked' : ''}`}>
              <input type="radio" name="fb-print-contents" checked={blank} onChange={() => setBlank(true)} />
              {t('fb.print.blank')}
            </label>
          </div>
        </fieldset>
        <div class="button-row fb-print-actions">
          <button type="button" class="button primary" onClick={() => window.print()}>
            {t('fb.print.button')}
          </button>
          <a
            class="button"
            href={formUrl}
            onClick={(e) => {
              e.preventDefault();
              route(formUrl);
            }}
          >
            {t('fb.print.back')}
          </a>
        </div>
      </div>
      <div class="decl-pages">
        <DeclarationSheet form={blank ? null : form} />
        <ExplanationSheet />
      </div>
    </section>
  );
}
