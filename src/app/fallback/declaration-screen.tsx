import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { expectedCopay } from '../../domain/declaration/copay.ts';
import {
  copayQuestionApplies,
  DECLARATION_FIELDS,
  DECLARATION_NOTES_JA,
  DECLARATION_SECTIONS,
  DECLARATION_TEXT_JA,
  declarationExpectedCopay,
  employerNameQuestion,
  EXPLANATION_SHEET_JA,
  type Declaration,
  type DeclarationField,
  type DeclarationNoteId,
} from '../../domain/declaration/declaration.ts';
import { declarationDraftSchema, declarationSchema, type DeclarationMessageKey } from '../../domain/declaration/declaration-schema.ts';
import { formatEraDate, parseEraDate, type EraId } from '../../domain/shared/era.ts';
import { outageSearchCriteriaFrom, outageSearchMissing, type GuideOutcome } from '../../domain/fallback/fallback-guide.ts';
import { guideOutcome, paperPrescriptionApplies } from '../../domain/fallback/fallback-walk.ts';
import { jstDate, type JstDate } from '../../domain/shared/jst.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';
import { formatDate } from '../reception/format.ts';
import { institutionKeyFor } from '../storage/institution-keys.ts';
import { enqueueDeclaration, subscribeOutbox } from '../storage/outbox.ts';
import { CopayText, FollowUp } from './follow-up.tsx';
import { dateOfBirthErrorPart, fieldErrors, type ErrorTarget, type FieldErrors, type FormState } from './form-state.ts';
import { SignatureField } from './signature-field.tsx';
import { useDeclarationDraft } from './use-draft.ts';
import { loadWalk, clearWalk } from './walk-state.ts';

/** The Japan day the form was started: D2's age and E7's charge are worked out for it. */
export function formDay(createdAt: string): JstDate {
  const created = new Date(createdAt);
  return jstDate(Number.isNaN(created.getTime()) ? new Date() : created);
}

/** The date of birth as 'YYYY-MM-DD' when every part is written and names a real day of its era (D4). */
export function dateOfBirthOf(form: FormState): JstDate | null {
  const { era, year, month, day } = form.dateOfBirth;
  if (era === null || year.trim() === '' || month.trim() === '' || day.trim() === '') return null;
  const parsed = parseEraDate({ era, year, month, day });
  return parsed.ok ? parsed.date : null;
}

const messageKey = (key: DeclarationMessageKey): MessageKey => `fb.msg.${key}`;

/** The hint under each field (the notes ※1–※5 in short), by field. */
const HINTS: Partial<Record<ErrorTarget, MessageKey>> = {
  cardIssuedWhen: 'fb.form.cardIssuedHint',
  copayRatio: 'fb.form.copayHint',
  nameKana: 'fb.form.kanaHint',
  otherResidence: 'fb.form.residenceHint',
  relationship: 'fb.form.relationshipHint',
  phone: 'fb.form.phoneHint',
  signature: 'fb.sig.hint',
  referenceNumber: 'fb.form.staff.referenceHint',
};

/**
 * 被保険者資格申立書 (D1–D6): the fields of 別添3 in the document's order, autosaved to the
 * encrypted draft on every change; 「送信する」 validates with the shared schema and queues the form
 * with the guide's outcome in the outbox (P4). Works offline.
 */
export function DeclarationScreen({ token }: { token: string }) {
  const { t, lang } = useI18n();
  const { route } = useLocation();
  const draft = useDeclarationDraft(token);
  const { form, setForm, guide } = draft;
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempts, setAttempts] = useState(0);
  const [submitting, setSubmitting] = useState(false);
  const [queueFailed, setQueueFailed] = useState(false);
  const [submitted, setSubmitted] = useState<{ declaration: Declaration; outcome: GuideOutcome | null } | null>(null);
  const guideUrl = `/i/${encodeURIComponent(token)}/fallback`;

  const today = formDay(form.createdAt);
  const attempted = attempts > 0;
  // Before 送信 the draft rules (everything optional); after, the full schema, so D3's one
  // requirement shows too and every message clears as soon as its field is put right.
  const parsed = useMemo(() => (attempted ? declarationSchema : declarationDraftSchema).safeParse(form), [form, attempted]);
  const issues = parsed.success ? [] : parsed.error.issues;
  const errors: FieldErrors = useMemo(() => fieldErrors(issues), [issues]);
  const errorOf = (target: ErrorTarget): DeclarationMessageKey | undefined => (attempted || touched.has(target) ? errors[target] : undefined);
  const dobPart = dateOfBirthErrorPart(issues);

  const touch = (target: ErrorTarget) =>
    setTouched((current) => {
      if (current.has(target)) return current;
      const next = new Set(current);
      next.add(target);
      return next;
    });
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  // issue 12 #7: have the clinic's public key at hand while the form is typed (if the server can be
  // reached), so 送信 seals the form even if the connection is gone by then.
  useEffect(() => {
    void institutionKeyFor(token).catch(() => undefined);
  }, [token]);

  // After a refused 送信, the first field with a message gets the focus.
  useEffect(() => {
    if (attempts === 0) return;
    document.querySelector<HTMLElement>('.fb-form [aria-invalid="true"]')?.focus();
  }, [attempts]);

  if (draft.status === 'loading') return <p role="status">{t('fb.loading')}</p>;
  if (submitted) return <SubmittedView token={token} {...submitted} onNext={() => { draft.reset(); route(guideUrl); }} />;

  const dob = dateOfBirthOf(form);
  const employerQuestion = employerNameQuestion(form.insuranceType, form.insurerName);
  const copayAsked = copayQuestionApplies(dob, form.insuranceType, today);
  const copayExpectation = dob ? expectedCopay({ dateOfBirth: dob, onDate: today, insuranceType: form.insuranceType, declaredRatio: copayAsked ? form.copayRatio : null }) : null;
  const charge = expectedCopay({ dateOfBirth: dob, onDate: today, insuranceType: form.insuranceType, declaredRatio: copayAsked ? form.copayRatio : null });
  const paperApplies = guide !== null && paperPrescriptionApplies(guide.cause, 'declarationForm');

  const labelOf = (field: DeclarationField) => `${lang === 'ja' ? field.labelJa : field.labelEn}${field.note ? ` ${field.note}` : ''}`;
  const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;
  const fieldError = (target: ErrorTarget) => {
    const key = errorOf(target);
    return key ? (
      <p class="field-error" id={`fb-${target}-error`}>
        {t(messageKey(key))}
      </p>
    ) : null;
  };
  const hint = (target: ErrorTarget, key: MessageKey | undefined = HINTS[target]) =>
    key ? (
      <p class="field-hint hint" id={`fb-${target}-hint`}>
        {t(key)}
      </p>
    ) : null;

  function textField(field: DeclarationField, options: { multiline?: boolean; hintKey?: MessageKey } = {}) {
    const id = field.id as 'insurerName' | 'employerName' | 'name' | 'nameKana' | 'address' | 'otherResidence' | 'relationship' | 'phone';
    const hintKey = options.hintKey ?? HINTS[id];
    const error = errorOf(id);
    const common = {
      id: `fb-${id}`,
      value: form[id],
      autocomplete: 'off',
      'aria-invalid': error ? ('true' as const) : undefined,
      'aria-describedby': describedBy(hintKey && `fb-${id}-hint`, error && `fb-${id}-error`),
      onBlur: () => touch(id),
    };
    return (
      <div class="field" key={id}>
        <label for={`fb-${id}`}>{labelOf(field)}</label>
        {options.multiline ? (
          <textarea {...common} rows={2} onInput={(e) => set(id, e.currentTarget.value)} />
        ) : field.kind === 'phone' ? (
          <input {...common} type="tel" inputMode="tel" onInput={(e) => set(id, e.currentTarget.value)} />
        ) : (
          <input {...common} type="text" lang={field.kind === 'kana' ? 'ja' : undefined} onInput={(e) => set(id, e.currentTarget.value)} />
        )}
        {/* Below the input, so fields side by side line up whatever their hints. */}
        {hint(id, hintKey)}
        {fieldError(id)}
      </div>
    );
  }

  function choiceField<V extends string | number>(field: DeclarationField, value: V | null, onValue: (value: V | null) => void, extra?: ComponentChildren) {
    const id = field.id;
    const error = errorOf(id);
    const hintKey = id === 'copayRatio' ? HINTS.copayRatio : HINTS[id];
    return (
      <fieldset class="fb-pills" key={id} aria-describedby={describedBy(hintKey && `fb-${id}-hint`, error && `fb-${id}-error`)}>
        <legend>{labelOf(field)}</legend>
        {hint(id, hintKey)}
        <div class="fb-pill-row">
          {(field.options ?? []).map((option) => (
            <label key={String(option.value)} class={`fb-pill${value === option.value ? ' checked' : ''}`}>
              <input
                type="radio"
                name={`fb-${id}`}
                checked={value === option.value}
                aria-invalid={error ? 'true' : undefined}
                onChange={() => {
                  onValue(option.value as V);
                  touch(id);
                }}
              />
              {lang === 'ja' ? option.ja : option.en}
            </label>
          ))}
          {value !== null && (
            <button type="button" class="link-button" onClick={() => onValue(null)}>
              {t('fb.form.clearChoice')}
            </button>
          )}
        </div>
        {extra}
        {fieldError(id)}
      </fieldset>
    );
  }

  function renderField(field: DeclarationField) {
    switch (field.id) {
      case 'holdsValidCard': {
        const option = field.options?.[0];
        return (
          <fieldset class="fb-pills" key={field.id}>
            <legend>{labelOf(field)}</legend>
            <label class={`fb-check${form.holdsValidCard ? ' checked' : ''}`}>
              <input type="checkbox" checked={form.holdsValidCard} onChange={(e) => set('holdsValidCard', e.currentTarget.checked)} />
              {option ? (lang === 'ja' ? option.ja : option.en) : ''}
            </label>
          </fieldset>
        );
      }
      case 'insuranceType':
        return choiceField(field, form.insuranceType, (v) => set('insuranceType', v));
      case 'cardIssuedWhen':
        return choiceField(field, form.cardIssuedWhen, (v) => set('cardIssuedWhen', v));
      case 'sex':
        return choiceField(field, form.sex, (v) => set('sex', v));
      case 'copayRatio':
        // D2: asked of 70+ and 後期高齢者 (and while the date of birth is unknown).
        if (!copayAsked) return null;
        return choiceField(
          field,
          form.copayRatio,
          (v) => set('copayRatio', v),
          copayExpectation && (
            <p class="message notice fb-expect" data-testid="copay-expectation">
              {t('fb.form.copayExpect', {
                text:
                  copayExpectation.kind === 'percent'
                    ? `${t(`fb.fu.ratio.${copayExpectation.percent}`)} — ${t(`fb.fu.basis.${copayExpectation.basis}`)}`
                    : t('fb.fu.charge.undecided'),
              })}
            </p>
          ),
        );
      case 'employerName':
        // D1: not asked for 後期; for 国保 only when the insurer is a 国民健康保険組合.
        if (employerQuestion === 'notAsked') return null;
        return textField(field, { hintKey: employerQuestion === 'askedIfNhiSociety' ? 'fb.form.employerHintNhi' : 'fb.form.employerHint' });
      case 'address':
      case 'otherResidence':
        return textField(field, { multiline: true });
      case 'insurerName':
      case 'name':
      case 'nameKana':
      case 'relationship':
      case 'phone':
        return textField(field);
      case 'dateOfBirth':
        return eraDateField(field);
      case 'declaredOn':
        return declaredOnField(field);
      case 'signature':
        return signatureField(field);
      default:
        return null;
    }
  }

  function eraDateField(field: DeclarationField) {
    const error = errorOf('dateOfBirth');
    const setPart = (part: 'year' | 'month' | 'day', value: string) => setForm((f) => ({ ...f, dateOfBirth: { ...f.dateOfBirth, [part]: value } }));
    const partInvalid = (part: 'year' | 'month' | 'day') => (error && (dobPart === part || dobPart === 'all') ? 'true' : undefined);
    return (
      <fieldset class="fb-pills fb-era" key={field.id} aria-describedby={describedBy('fb-dateOfBirth-hint', error && 'fb-dateOfBirth-error')}>
        <legend>{labelOf(field)}</legend>
        <p class="field-hint hint" id="fb-dateOfBirth-hint">
          {t('fb.form.yearHint')}
        </p>
        <div class="fb-pill-row" role="radiogroup" aria-label={t('fb.form.era')}>
          {(field.options ?? []).map((option) => (
            <label key={String(option.value)} class={`fb-pill${form.dateOfBirth.era === option.value ? ' checked' : ''}`}>
              <input
                type="radio"
                name="fb-era"
                checked={form.dateOfBirth.era === option.value}
                onChange={() => setForm((f) => ({ ...f, dateOfBirth: { ...f.dateOfBirth, era: option.value as EraId } }))}
              />
              {lang === 'ja' ? option.ja : option.en}
            </label>
          ))}
        </div>
        <div class="fb-ymd">
          {(['year', 'month', 'day'] as const).map((part) => (
            <span class="fb-ymd-part" key={part}>
              <input
                id={`fb-dob-${part}`}
                type="text"
                inputMode="numeric"
                autocomplete="off"
                class={`fb-ymd-input${part === 'year' ? ' year' : ''}`}
                value={form.dateOfBirth[part]}
                aria-invalid={partInvalid(part)}
                aria-describedby={describedBy(error && 'fb-dateOfBirth-error')}
                onInput={(e) => setPart(part, e.currentTarget.value)}
                onBlur={() => touch('dateOfBirth')}
              />
              <label for={`fb-dob-${part}`}>{t(`fb.form.${part}`)}</label>
            </span>
          ))}
        </div>
        {dob && !error && (
          <p class="fb-echo" data-testid="dob-echo">
            {t('fb.form.dateEcho', { era: formatEraDate(dob) ?? '', date: formatDate(dob, lang) })}
          </p>
        )}
        {fieldError('dateOfBirth')}
      </fieldset>
    );
  }

  function declaredOnField(field: DeclarationField) {
    const error = errorOf('declaredOn');
    const value = form.declaredOn ?? '';
    const era = value ? formatEraDate(value) : null;
    return (
      <div class="field" key={field.id}>
        <label for="fb-declaredOn">{labelOf(field)}</label>
        <input
          id="fb-declaredOn"
          type="date"
          value={value}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(error && 'fb-declaredOn-error')}
          onInput={(e) => set('declaredOn', e.currentTarget.value || null)}
          onBlur={() => touch('declaredOn')}
        />
        {era && !error && <p class="fb-echo">{era}</p>}
        {fieldError('declaredOn')}
      </div>
    );
  }

  function signatureField(field: DeclarationField) {
    const error = errorOf('signature');
    return (
      <div class="field" key={field.id}>
        <p class="fb-label" id="fb-signature-label">
          {labelOf(field)}
        </p>
        {hint('signature')}
        <SignatureField
          value={form.signature}
          onChange={(value) => {
            set('signature', value);
            touch('signature');
          }}
          labelId="fb-signature-label"
          describedBy={describedBy('fb-signature-hint', error && 'fb-signature-error') ?? ''}
          invalid={Boolean(error)}
        />
        <p class="hint">{t('fb.sig.paper')}</p>
        {fieldError('signature')}
      </div>
    );
  }

  async function submit() {
    setQueueFailed(false);
    const result = declarationSchema.safeParse(form);
    if (!result.success) {
      setAttempts((n) => n + 1);
      return;
    }
    const declaration = result.data;
    const walk = loadWalk(token);
    const cause = guide?.cause ?? walk.cause;
    const copay = declarationExpectedCopay(declaration, formDay(declaration.createdAt));
    const outcome = cause
      ? guideOutcome({
          cause,
          resolution: 'declarationForm',
          declarationId: declaration.id,
          copayPercent: copay.kind === 'percent' ? copay.percent : null,
          copayBasis: copay.kind === 'percent' ? copay.basis : null,
          paperPrescription: guide?.paperPrescription ?? false,
          recordedAt: new Date().toISOString(),
        })
      : null;
    setSubmitting(true);
    draft.close();
    try {
      await enqueueDeclaration({ ...declaration }, outcome);
      clearWalk(token);
      setSubmitted({ declaration, outcome });
      window.scrollTo(0, 0);
    } catch {
      draft.reopen();
      setQueueFailed(true);
    } finally {
      setSubmitting(false);
    }
  }

  const errorCount = attempted ? Object.keys(errors).length : 0;
  const printUrl = `/i/${encodeURIComponent(token)}/fallback/print`;

  return (
    <section class="fb-form" aria-labelledby="fb-form-title">
      <h1 id="fb-form-title">{t('fb.form.title')}</h1>
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
            <h2>{EXPLANATION_SHEET_JA.title}</h2>
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
          {section.id === 'cardFace' && <p class="hint">{t('fb.form.cardFaceHint')}</p>}
          <div class={`fb-fields fb-fields-${section.id}`}>{DECLARATION_FIELDS.filter((f) => f.section === section.id).map(renderField)}</div>
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
        <div class="field">
          <label for="fb-referenceNumber">{t('fb.form.staff.reference')}</label>
          {hint('referenceNumber')}
          <input
            id="fb-referenceNumber"
            type="text"
            autocomplete="off"
            value={form.referenceNumber}
            aria-invalid={errorOf('referenceNumber') ? 'true' : undefined}
            aria-describedby={describedBy('fb-referenceNumber-hint', errorOf('referenceNumber') && 'fb-referenceNumber-error')}
            onInput={(e) => set('referenceNumber', e.currentTarget.value)}
            onBlur={() => touch('referenceNumber')}
          />
          {fieldError('referenceNumber')}
        </div>
        <h3>{t('fb.fu.chargeCopay.title')}</h3>
        <CopayText result={charge} />
        {paperApplies && guide && (
          <label class={`fb-check${guide.paperPrescription ? ' checked' : ''}`}>
            <input type="checkbox" checked={guide.paperPrescription} onChange={(e) => draft.setGuide({ ...guide, paperPrescription: e.currentTarget.checked })} />
            {t('fb.fu.paperPrescription.check')}
          </label>
        )}
      </section>

      {errorCount > 0 && (
        <p class="message error" role="alert">
          {t('fb.form.errors', { count: String(errorCount) })}
          {errors.form && ` ${t(messageKey(errors.form))}`}
        </p>
      )}
      {queueFailed && (
        <p class="message error" role="alert">
          {t('fb.form.queueFailed')}
        </p>
      )}
      <button type="button" class="button primary wide fb-submit" disabled={submitting} onClick={() => void submit()}>
        {submitting ? t('fb.form.submitting') : t('fb.form.submit')}
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

/** After 送信: queued, how many wait on this device, and what follows (E7, E8, F8, F6). */
function SubmittedView({
  declaration,
  outcome,
  onNext,
}: {
  token: string;
  declaration: Declaration;
  outcome: GuideOutcome | null;
  onNext: () => void;
}) {
  const { t } = useI18n();
  const [unsent, setUnsent] = useState<number | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => subscribeOutbox((entries) => setUnsent(entries.length)), []);
  useEffect(() => headingRef.current?.focus(), []);
  const day = formDay(declaration.createdAt);
  const charge = <CopayText result={declarationExpectedCopay(declaration, day)} />;
  return (
    <section class="fb-form" aria-labelledby="fb-done-title">
      <h1 id="fb-done-title" ref={headingRef} tabIndex={-1}>
        {t('fb.form.title')}
      </h1>
      <p class="message success" role="status">
        {t('fb.form.queued')}
      </p>
      {unsent !== null && <p class="fb-unsent">{t('fb.form.unsent', { count: String(unsent) })}</p>}
      <div class="card flow-card">
        <h2>{t('fb.res.title')}</h2>
        {outcome ? (
          <FollowUp
            cause={outcome.cause}
            resolution="declarationForm"
            charge={charge}
            outageMissing={outageSearchMissing(outageSearchCriteriaFrom(declaration, day))}
          />
        ) : (
          charge
        )}
      </div>
      <button type="button" class="button primary wide" onClick={onNext}>
        {t('fb.form.next')}
      </button>
    </section>
  );
}
