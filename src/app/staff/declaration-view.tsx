import {
  DECLARATION_FIELDS,
  DECLARATION_SECTIONS,
  declarationDateOfBirth,
  type Declaration,
  type DeclarationField,
  type DeclarationSection,
} from '../../domain/declaration/declaration.ts';
import type { GuideOutcome } from '../../domain/fallback/fallback-guide.ts';
import { useI18n, type Lang, type Translate } from '../i18n/i18n.tsx';
import { formatDate, formatInstant } from '../reception/format.ts';

/**
 * The 被保険者資格申立書 as received (003 別添3): every field, in the document's order, under the
 * document's labels (DECLARATION_FIELDS), with the drawn signature. Read-only, for the inbox and
 * its printout.
 */
export function DeclarationForm({ form }: { form: Declaration }) {
  const { t, lang } = useI18n();
  return (
    <section class="declaration-form" aria-labelledby="declaration-form-title">
      <h3 id="declaration-form-title">{t('staffInbox.form.title')}</h3>
      {DECLARATION_SECTIONS.map((section) => (
        <FormSection key={section.id} section={section} form={form} t={t} lang={lang} />
      ))}
    </section>
  );
}

function FormSection({ section, form, t, lang }: { section: DeclarationSection; form: Declaration; t: Translate; lang: Lang }) {
  const heading = (lang === 'ja' ? section.headingJa : section.headingEn) || t('staffInbox.form.closingSection');
  const id = `declaration-section-${section.id}`;
  return (
    <div class="declaration-section" role="group" aria-labelledby={id}>
      <h4 id={id}>{heading}</h4>
      <dl class="declaration-fields">
        {DECLARATION_FIELDS.filter((f) => f.section === section.id).map((field) => (
          <div key={field.id} class={`declaration-field field-${field.kind}`}>
            <dt>{lang === 'ja' ? field.labelJa : field.labelEn}</dt>
            <dd>
              <FieldValue field={field} form={form} t={t} lang={lang} />
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function optionText(field: DeclarationField, value: unknown, lang: Lang): string | null {
  const option = field.options?.find((o) => o.value === value);
  return option ? (lang === 'ja' ? option.ja : option.en) : null;
}

function Blank({ t }: { t: Translate }) {
  return <span class="blank-value">{t('field.blank')}</span>;
}

function FieldValue({ field, form, t, lang }: { field: DeclarationField; form: Declaration; t: Translate; lang: Lang }) {
  switch (field.kind) {
    case 'checkbox': {
      const text = field.options?.[0] ? (lang === 'ja' ? field.options[0].ja : field.options[0].en) : '';
      return form[field.id] === true ? (
        <span class="ticked">{t('staffInbox.value.ticked', { text })}</span>
      ) : (
        <span class="blank-value">{t('staffInbox.value.notTicked', { text })}</span>
      );
    }
    case 'choice': {
      const text = optionText(field, form[field.id], lang);
      return text ? <>{text}</> : <Blank t={t} />;
    }
    case 'eraDate':
      return <DateOfBirth field={field} form={form} t={t} lang={lang} />;
    case 'date': {
      const value = form[field.id];
      if (!value) return <Blank t={t} />;
      // 「令和8年12月6日（2026年）」 in Japanese (D4), the Western date in English.
      return <>{formatDate(value, lang)}</>;
    }
    case 'signature': {
      const image = form[field.id];
      return image ? (
        <img class="signature-image" src={image} alt={t('staffInbox.value.signatureAlt', { name: form.name || form.nameKana || t('field.blank') })} />
      ) : (
        <span class="blank-value">{t('staffInbox.value.noSignature')}</span>
      );
    }
    default: {
      const value = form[field.id];
      return typeof value === 'string' && value.trim() !== '' ? <>{value}</> : <Blank t={t} />;
    }
  }
}

/** 生年月日 as written (era box and 年 月 日, any part may be blank, D3), with the western date when complete (D4). */
function DateOfBirth({ field, form, t, lang }: { field: Extract<DeclarationField, { kind: 'eraDate' }>; form: Declaration; t: Translate; lang: Lang }) {
  const { era, year, month, day } = form[field.id];
  if (era === null && year === null && month === null && day === null) return <Blank t={t} />;
  const unknown = t('staffInbox.value.unknownPart');
  const written = t('staffInbox.value.eraDate', {
    era: optionText(field, era, lang) ?? unknown,
    year: year === null ? unknown : String(year),
    month: month === null ? unknown : String(month),
    day: day === null ? unknown : String(day),
  });
  const iso = declarationDateOfBirth(form[field.id]);
  // A complete date reads as every other date of birth (「昭和55年4月1日（1980年）」); English keeps the era as written beside it.
  if (iso) return <>{lang === 'ja' ? formatDate(iso, lang) : `${written} (${formatDate(iso, lang)})`}</>;
  return <>{written}</>;
}

/** What the decision guide led to at the visit (issue 5 §2), as recorded with the form. */
export function GuideOutcomeView({ outcome, headingId = 'guide-outcome-title' }: { outcome: GuideOutcome | null; headingId?: string }) {
  const { t, lang } = useI18n();
  return (
    <section class="guide-outcome" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('staffInbox.guide.title')}</h3>
      {outcome === null ? (
        <p class="hint">{t('staffInbox.guide.none')}</p>
      ) : (
        <dl class="facts record">
          <dt>{t('staffInbox.guide.cause')}</dt>
          <dd>{t(`staffInbox.cause.${outcome.cause}`)}</dd>
          <dt>{t('staffInbox.guide.resolution')}</dt>
          <dd>{t(`staffInbox.resolution.${outcome.resolution}`)}</dd>
          <dt>{t('staffInbox.guide.copay')}</dt>
          <dd>
            {outcome.copayPercent === null
              ? t('staffInbox.guide.copayNone')
              : t('staffInbox.guide.copayPercent', {
                  percent: String(outcome.copayPercent),
                  basis: outcome.copayBasis ? t(`staffInbox.copayBasis.${outcome.copayBasis}`) : t('field.blank'),
                })}
          </dd>
          <dt>{t('staffInbox.guide.prescription')}</dt>
          <dd>{outcome.paperPrescription ? t('staffInbox.guide.paperPrescription') : t('staffInbox.guide.noPaperPrescription')}</dd>
          <dt>{t('staffInbox.guide.outageSearch')}</dt>
          <dd>{outcome.outageSearchPending ? t('staffInbox.guide.outageSearchPending') : t('staffInbox.guide.outageSearchNone')}</dd>
          <dt>{t('staffInbox.guide.claimMethod')}</dt>
          <dd>{outcome.claimMethod ? t(`staffInbox.claim.${outcome.claimMethod}`) : t('staffInbox.guide.claimMethodNone')}</dd>
          <dt>{t('staffInbox.guide.recordedAt')}</dt>
          <dd>{formatInstant(outcome.recordedAt, lang)}</dd>
        </dl>
      )}
    </section>
  );
}
