import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import {
  DECLARATION_FIELDS,
  DECLARATION_NOTES_JA,
  DECLARATION_SECTIONS,
  DECLARATION_TEXT_JA,
  EXPLANATION_SHEET_JA,
  type DeclarationFieldId,
} from '../../domain/declaration/declaration.ts';
import { toEraDate, ERAS } from '../../domain/shared/era.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { loadDraft } from '../storage/drafts.ts';
import { formStateFrom, hasContent, type FormState } from './form-state.ts';

const FIELD = Object.fromEntries(DECLARATION_FIELDS.map((f) => [f.id, f])) as Record<DeclarationFieldId, (typeof DECLARATION_FIELDS)[number]>;

/** A printed box □, ticked when chosen; the text says which for a screen reader. */
function Box({ checked, children }: { checked: boolean; children: ComponentChildren }) {
  return (
    <span class="decl-option">
      <span class={`decl-box${checked ? ' checked' : ''}`} aria-hidden="true">
        {checked ? '✓' : ''}
      </span>
      {children}
      {checked && <span class="visually-hidden">（✓）</span>}
    </span>
  );
}

function Boxes({ id, value }: { id: DeclarationFieldId; value: string | number | null }) {
  return (
    <>
      {(FIELD[id].options ?? []).map((o) => (
        <Box key={String(o.value)} checked={value === o.value}>
          {o.ja}
        </Box>
      ))}
    </>
  );
}

const label = (id: DeclarationFieldId) => `${FIELD[id].labelJa}${FIELD[id].note ? FIELD[id].note.replace(/\d/, (d) => String.fromCharCode(0xff10 + Number(d))) : ''}`;

/** 年月日 of the declaration, as the paper's 「　年　月　日」 line: 令和7年 4月 1日, or blanks. */
function DeclaredOn({ value }: { value: string | null }) {
  const era = value ? toEraDate(value) : null;
  const name = era ? (ERAS.find((e) => e.id === era.era)?.name ?? '') : '';
  return (
    <span class="decl-date">
      <span class="decl-fill">{era ? `${name}${era.year === 1 ? '元' : era.year}` : ''}</span>年
      <span class="decl-fill short">{era ? era.month : ''}</span>月
      <span class="decl-fill short">{era ? era.day : ''}</span>日
    </span>
  );
}

/** The form laid out like 別添3 別紙様式, filled in or blank. */
export function DeclarationSheet({ form }: { form: FormState | null }) {
  const f = form;
  const dob = f?.dateOfBirth;
  const [insurance, cardFace] = DECLARATION_SECTIONS;
  return (
    <article class="decl-sheet" lang="ja" aria-label={DECLARATION_TEXT_JA.title}>
      <p class="decl-margin">{DECLARATION_TEXT_JA.marginLabel}</p>
      <h2 class="decl-title">{DECLARATION_TEXT_JA.title}</h2>
      <p class="decl-preamble">{DECLARATION_TEXT_JA.preamble}</p>
      <p class="decl-instructions">{DECLARATION_TEXT_JA.instructions}</p>

      <h3 class="decl-section">{insurance?.headingJa}</h3>
      <table class="decl-table">
        <tbody>
          <tr>
            <th scope="row">{label('holdsValidCard')}</th>
            <td>
              <Box checked={f?.holdsValidCard ?? false}>{FIELD.holdsValidCard.options?.[0]?.ja}</Box>
            </td>
          </tr>
          <tr>
            <th scope="row">{label('insuranceType')}</th>
            <td>
              <Boxes id="insuranceType" value={f?.insuranceType ?? null} />
            </td>
          </tr>
          <tr>
            <th scope="row">{label('insurerName')}</th>
            <td class="decl-text">{f?.insurerName}</td>
          </tr>
          <tr>
            <th scope="row">{label('employerName')}</th>
            <td class="decl-text">{f?.employerName}</td>
          </tr>
          <tr>
            <th scope="row">{label('cardIssuedWhen')}</th>
            <td>
              <Boxes id="cardIssuedWhen" value={f?.cardIssuedWhen ?? null} />
              <br />
              {DECLARATION_TEXT_JA.cardIssuedWhenHint}
            </td>
          </tr>
          <tr>
            <th scope="row">{label('copayRatio')}</th>
            <td>
              <Boxes id="copayRatio" value={f?.copayRatio ?? null} />
            </td>
          </tr>
        </tbody>
      </table>
      <p class="decl-note">※１ {DECLARATION_NOTES_JA['※1'].trim()}</p>
      <p class="decl-note">※２ {DECLARATION_NOTES_JA['※2'].trim()}</p>

      <h3 class="decl-section">{cardFace?.headingJa}</h3>
      <table class="decl-table">
        <tbody>
          <tr>
            <th scope="row">
              {FIELD.name.labelJa}
              <br />
              <span class="decl-kana-label">{FIELD.nameKana.labelJa}</span>
            </th>
            <td class="decl-name">
              <span class="decl-kana">{f?.nameKana}</span>
              <span class="decl-name-text">{f?.name}</span>
            </td>
          </tr>
          <tr>
            <th scope="row">{label('dateOfBirth')}</th>
            <td>
              <Boxes id="dateOfBirth" value={dob?.era ?? null} />
              <span class="decl-date">
                <span class="decl-fill">{dob?.year}</span>年<span class="decl-fill short">{dob?.month}</span>月<span class="decl-fill short">{dob?.day}</span>日
              </span>
            </td>
          </tr>
          <tr>
            <th scope="row">{label('sex')}</th>
            <td>
              <Boxes id="sex" value={f?.sex ?? null} />
            </td>
          </tr>
          <tr>
            <th scope="row">{label('address')}</th>
            <td class="decl-address">
              <span class="decl-text">{f?.address}</span>
              <span class="decl-residence">
                {FIELD.otherResidence.labelJa}※３：{f?.otherResidence}
              </span>
            </td>
          </tr>
        </tbody>
      </table>
      <p class="decl-note">※３ {DECLARATION_NOTES_JA['※3']}</p>
      <p class="decl-note">※４ {DECLARATION_NOTES_JA['※4']}</p>

      <div class="decl-sign">
        <p class="decl-sign-date">
          <DeclaredOn value={f?.declaredOn ?? null} />
        </p>
        <p class="decl-sign-line">
          <span>{FIELD.signature.labelJa}</span>
          <span class="decl-signature">{f?.signature && <img src={f.signature} alt={`${FIELD.signature.labelJa}（✓）`} />}</span>
          <span>
            （{FIELD.relationship.labelJa}※５：<span class="decl-fill">{f?.relationship}</span>）
          </span>
        </p>
        <p class="decl-sign-line">
          <span>{FIELD.phone.labelJa}</span>
          <span class="decl-fill wide">{f?.phone}</span>
        </p>
        <p class="decl-note">※５ {DECLARATION_NOTES_JA['※5']}</p>
      </div>
    </article>
  );
}

/** 説明書 (D6), the second printed page. */
export function ExplanationSheet() {
  return (
    <article class="decl-sheet decl-explanation" lang="ja" aria-label={EXPLANATION_SHEET_JA.title}>
      <p class="decl-margin">{EXPLANATION_SHEET_JA.header}</p>
      <h2 class="decl-title">{EXPLANATION_SHEET_JA.title}</h2>
      {EXPLANATION_SHEET_JA.paragraphs.map((p) => (
        <p key={p}>{p}</p>
      ))}
      <h3 class="decl-section">{EXPLANATION_SHEET_JA.examplesHeading}</h3>
      <ul class="decl-examples">
        {EXPLANATION_SHEET_JA.examples.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </article>
  );
}

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
