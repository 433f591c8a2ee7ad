import { useLocation } from 'preact-iso/router';
import {
  DECLARATION_FIELDS,
  DECLARATION_NOTES_JA,
  DECLARATION_SECTIONS,
  DECLARATION_TEXT_JA,
  EXPLANATION_SHEET_JA,
  type DeclarationNoteId,
  type DeclarationSectionId,
} from '../../domain/declaration/declaration.ts';
import { WithTerms } from '../components/term.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';
import { DeclarationFieldInput, messageKey, PlainTextInput } from './declaration-fields.tsx';
import { CopayText } from './follow-up.tsx';
import { SubmittedView } from './submitted-view.tsx';
import { useDeclarationForm } from './use-declaration-form.ts';

/** A line under a section's heading. */
const SECTION_HINTS: Record<DeclarationSectionId, MessageKey | null> = { insurance: null, cardFace: 'fb.form.cardFaceHint', signature: null };

function SectionHint({ hintKey }: { hintKey: MessageKey | null }) {
  const { t } = useI18n();
  return hintKey ? <p class="hint">{t(hintKey)}</p> : null;
}

/**
 * 被保険者資格申立書 (D1–D6): the sections and fields of DECLARATION_FIELDS in the document's
 * order, each drawn by the component of its kind (declaration-fields.tsx); values, messages,
 * focus, the copay guidance and 送信 live in useDeclarationForm. Autosaved to the encrypted draft
 * on every change; works offline.
 */
export function DeclarationScreen({ token }: { token: string }) {
  const { t, lang } = useI18n();
  const { route } = useLocation();
  const model = useDeclarationForm(token);
  const { draft, form, guide } = model;
  const guideUrl = `/i/${encodeURIComponent(token)}/fallback`;
  const printUrl = `/i/${encodeURIComponent(token)}/fallback/print`;

  if (draft.status === 'loading') return <p role="status">{t('fb.loading')}</p>;
  if (model.submitted)
    return (
      <SubmittedView
        token={token}
        {...model.submitted}
        onNext={() => {
          model.startNext();
          route(guideUrl);
        }}
      />
    );

  return (
    <section class="fb-form" aria-labelledby="fb-form-title">
      <h1 id="fb-form-title">
        <WithTerms text={t('fb.form.title')} />
      </h1>
      <p class="lead">{t('fb.form.lead')}</p>
      {draft.restored && (
        <p class="message notice" role="status">
          {t('fb.form.restored')}
        </p>
      )}
      <details class="fb-sheet">
        <summary>{t('fb.form.sheet')}</summary>
        <div class="fb-sheet-body">
          {lang !== 'ja' && <p>{t('fb.form.sheetLead')}</p>}
          <div lang="ja">
            <p class="fb-sheet-header">{EXPLANATION_SHEET_JA.header}</p>
            <h2>
              <WithTerms text={EXPLANATION_SHEET_JA.title} />
            </h2>
            {EXPLANATION_SHEET_JA.paragraphs.map((p) => (
              <p key={p}>{p}</p>
            ))}
            <h3>{EXPLANATION_SHEET_JA.examplesHeading}</h3>
            <ul>
              {EXPLANATION_SHEET_JA.examples.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        </div>
      </details>
      <div class="fb-doc-text" lang="ja">
        <p>{DECLARATION_TEXT_JA.preamble}</p>
        <p class="hint">{DECLARATION_TEXT_JA.instructions}</p>
      </div>

      {DECLARATION_SECTIONS.map((section) => (
        <section
          key={section.id}
          class="card fb-section"
          aria-labelledby={section.headingJa ? `fb-section-${section.id}` : undefined}
        >
          {section.headingJa && <h2 id={`fb-section-${section.id}`}>{lang === 'ja' ? section.headingJa : section.headingEn}</h2>}
          <SectionHint hintKey={SECTION_HINTS[section.id]} />
          <div class={`fb-fields fb-fields-${section.id}`}>
            {DECLARATION_FIELDS.filter((f) => f.section === section.id).map((field) => (
              <DeclarationFieldInput key={field.id} field={field} model={model} />
            ))}
          </div>
        </section>
      ))}

      <details class="fb-notes">
        <summary>{t('fb.form.notes')}</summary>
        <div lang="ja">
          {(Object.keys(DECLARATION_NOTES_JA) as DeclarationNoteId[]).map((note) => (
            <p key={note}>
              {note} {DECLARATION_NOTES_JA[note]}
            </p>
          ))}
        </div>
      </details>

      <section class="card fb-section fb-staff" aria-labelledby="fb-staff-title">
        <h2 id="fb-staff-title">{t('fb.form.staff.title')}</h2>
        <PlainTextInput
          target="referenceNumber"
          label={t('fb.form.staff.reference')}
          hint={t('fb.form.staff.referenceHint')}
          value={form.referenceNumber}
          error={model.errorOf('referenceNumber')}
          onInput={(value) => model.setValue('referenceNumber', value)}
          onBlur={() => model.touch('referenceNumber')}
        />
        <h3>{t('fb.fu.chargeCopay.title')}</h3>
        <CopayText result={model.charge} />
        {model.paperApplies && guide && (
          <label class={`fb-check${guide.paperPrescription ? ' checked' : ''}`}>
            <input type="checkbox" checked={guide.paperPrescription} onChange={(e) => model.setPaperPrescription(e.currentTarget.checked)} />
            {t('fb.fu.paperPrescription.check')}
          </label>
        )}
      </section>

      {model.searchApplies && (
        // F8: flagged before 送信, which stays possible (D3: fill in as far as you can).
        <p class={`message ${model.searchMissing.length > 0 ? 'warning' : 'notice'} fb-search-summary`} data-testid="search-summary">
          {model.searchMissing.length > 0
            ? t('fb.form.searchMissing', { items: model.searchMissing.map((m) => t(`fb.fu.missing.${m}`)).join(t('fb.listSeparator')) })
            : t('fb.fu.outageSearch.ready')}
        </p>
      )}
      {model.errorCount > 0 && (
        <p class="message error" role="alert">
          {t('fb.form.errors', { count: String(model.errorCount) })}
          {model.formError && ` ${t(messageKey(model.formError))}`}
        </p>
      )}
      {model.queueFailed && (
        <p class="message error" role="alert">
          {t('fb.form.queueFailed')}
        </p>
      )}
      <button type="button" class="button primary wide fb-submit" disabled={model.submitting} onClick={() => void model.submit()}>
        {model.submitting ? t('fb.form.submitting') : t('fb.form.submit')}
      </button>
      <p class="fb-save-line hint">
        {draft.saveStatus.kind === 'saved' &&
          t('fb.form.saved', { time: new Date(draft.saveStatus.at).toLocaleTimeString(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo' }) })}
        {draft.saveStatus.kind === 'failed' && <span class="field-error">{t('fb.form.saveFailed')}</span>}
      </p>
      <div class="flow-nav">
        <a
          class="button"
          href={guideUrl}
          onClick={(e) => {
            e.preventDefault();
            void draft.flush().then(() => route(guideUrl));
          }}
        >
          {t('fb.form.toGuide')}
        </a>
        <a
          class="button"
          href={printUrl}
          onClick={(e) => {
            e.preventDefault();
            void draft.flush().then(() => route(printUrl));
          }}
        >
          {t('fb.form.print')}
        </a>
      </div>
    </section>
  );
}
