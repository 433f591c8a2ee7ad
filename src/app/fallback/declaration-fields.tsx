import type { DeclarationField, DeclarationFieldKind, FieldQuestion } from '../../domain/declaration/declaration.ts';
import type { DeclarationMessageKey } from '../../domain/declaration/declaration-schema.ts';
import type { OutageSearchMissing } from '../../domain/fallback/fallback-guide.ts';
import { formatDateJa, formatEraDate } from '../../domain/shared/era.ts';
import { useTypedDate } from '../components/typed-date.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';
import { formatDate } from '../reception/format.ts';
import { eraDateOf, type ErrorTarget } from './form-state.ts';
import { SignatureField } from './signature-field.tsx';
import type { DeclarationFormModel } from './use-declaration-form.ts';

/**
 * One input component per field kind of DECLARATION_FIELDS. A field's label, note and boxes come
 * from the list; its hint is the catalogue's fb.form.hint.<id> ('' for none); its value, message
 * and whether it is asked come from the form hook. Nothing here knows a field by its id.
 */

type FieldOf<K extends DeclarationFieldKind> = Extract<DeclarationField, { kind: K }>;
interface InputProps<K extends DeclarationFieldKind> {
  field: FieldOf<K>;
  model: DeclarationFormModel;
}

/** A hint other than the field's own, for how the question is asked (D1's 国保組合 condition). */
const QUESTION_HINTS: Partial<Record<FieldQuestion, MessageKey>> = { askedIfNhiSociety: 'fb.form.employerHintNhi' };

/** A schema message as its catalogue key. */
export const messageKey = (key: DeclarationMessageKey): MessageKey => `fb.msg.${key}`;
const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;

/** The label as on the form, with its note marker (※1…). */
function useLabel(field: DeclarationField): string {
  const { lang } = useI18n();
  return `${lang === 'ja' ? field.labelJa : field.labelEn}${field.note ? ` ${field.note}` : ''}`;
}

/** The hint text under a field ('' when it has none). */
function useHint(field: DeclarationField, model: DeclarationFormModel): string {
  const { t } = useI18n();
  return t(QUESTION_HINTS[model.question(field)] ?? `fb.form.hint.${field.id}`);
}

/** What every field shows around its input: its label, its hint, its error, and the F8 flag's id when it is flagged. */
function useFieldText<F extends DeclarationField>(
  field: F,
  model: DeclarationFormModel,
): { id: F['id']; label: string; hint: string; error: ReturnType<DeclarationFormModel['errorOf']>; search: SearchFlag | undefined } {
  const key = model.searchNeeds(field);
  return {
    id: field.id,
    label: useLabel(field),
    hint: useHint(field, model),
    error: model.errorOf(field.id),
    search: key ? { id: `fb-${field.id}-search`, key } : undefined,
  };
}

interface SearchFlag {
  id: string;
  key: OutageSearchMissing;
}

/** The flag's words: an either-or key says that one of its two fields is enough. */
const SEARCH_NEED_TEXT: Record<OutageSearchMissing, MessageKey> = {
  dateOfBirth: 'fb.form.searchNeed',
  sex: 'fb.form.searchNeed',
  checkDate: 'fb.form.searchNeed',
  nameOrKana: 'fb.form.searchNeed.nameOrKana',
  addressOrInsurer: 'fb.form.searchNeed.addressOrInsurer',
};

/** F8: this blank field is one the outage search after recovery needs. A flag, not an error: the form still saves and sends. */
function SearchNeed({ flag }: { flag: SearchFlag | undefined }) {
  const { t } = useI18n();
  return flag ? (
    <p class="fb-search-need" id={flag.id} data-testid="search-need">
      {t(SEARCH_NEED_TEXT[flag.key])}
    </p>
  ) : null;
}

export function FieldHint({ target, text }: { target: ErrorTarget; text: string }) {
  return text ? (
    <p class="field-hint hint" id={`fb-${target}-hint`}>
      {text}
    </p>
  ) : null;
}

export function FieldError({ target, error }: { target: ErrorTarget; error: DeclarationMessageKey | undefined }) {
  const { t } = useI18n();
  return error ? (
    <p class="field-error" id={`fb-${target}-error`}>
      {t(messageKey(error))}
    </p>
  ) : null;
}

/** One field of the list, by its kind; nothing when the form does not ask it (D1, D2). */
export function DeclarationFieldInput({ field, model }: { field: DeclarationField; model: DeclarationFormModel }) {
  if (model.question(field) === 'notAsked') return null;
  switch (field.kind) {
    case 'checkbox':
      return <CheckboxInput field={field} model={model} />;
    case 'choice':
      return <ChoiceInput field={field} model={model} />;
    case 'text':
    case 'address':
    case 'kana':
    case 'phone':
      return <TextInput field={field} model={model} />;
    case 'eraDate':
      return <EraDateInput field={field} model={model} />;
    case 'date':
      return <DateInput field={field} model={model} />;
    case 'signature':
      return <SignatureInput field={field} model={model} />;
    default: {
      const unexpected: never = field;
      throw new RangeError(`unknown field kind ${String(unexpected)}`);
    }
  }
}

/** One box (□有効な保険証の交付を受けている). */
function CheckboxInput({ field, model }: InputProps<'checkbox'>) {
  const { lang } = useI18n();
  const label = useLabel(field);
  const hint = useHint(field, model);
  const option = field.options?.[0];
  const checked = model.form[field.id];
  return (
    <fieldset class="fb-pills" aria-describedby={describedBy(hint && `fb-${field.id}-hint`)}>
      <legend>{label}</legend>
      <FieldHint target={field.id} text={hint} />
      <label class={`fb-check${checked ? ' checked' : ''}`}>
        <input type="checkbox" checked={checked} onChange={(e) => model.setValue(field.id, e.currentTarget.checked)} />
        {option ? (lang === 'ja' ? option.ja : option.en) : ''}
      </label>
    </fieldset>
  );
}

/** The expected copay from the date of birth (E7), shown with the copay question. */
function ExpectedCopay({ model }: { model: DeclarationFormModel }) {
  const { t } = useI18n();
  const expected = model.expectedCopay;
  if (!expected) return null;
  return (
    <p class="message notice fb-expect" data-testid="copay-expectation">
      {t('fb.form.copayExpect', {
        text: expected.kind === 'percent' ? `${t(`fb.fu.ratio.${expected.percent}`)} — ${t(`fb.fu.basis.${expected.basis}`)}` : t('fb.fu.charge.undecided'),
      })}
    </p>
  );
}

/** Boxes of which one may be ticked, and a link to clear them (D3: any may stay blank). */
function ChoiceInput({ field, model }: InputProps<'choice'>) {
  const { t, lang } = useI18n();
  const { id, label, hint, error, search } = useFieldText(field, model);
  const value = model.form[id];
  return (
    <fieldset class="fb-pills" aria-describedby={describedBy(hint && `fb-${id}-hint`, search?.id, error && `fb-${id}-error`)}>
      <legend>{label}</legend>
      <FieldHint target={id} text={hint} />
      <SearchNeed flag={search} />
      <div class="fb-pill-row">
        {(field.options ?? []).map((option) => (
          <label key={String(option.value)} class={`fb-pill${value === option.value ? ' checked' : ''}`}>
            <input
              type="radio"
              name={`fb-${id}`}
              checked={value === option.value}
              aria-invalid={error ? 'true' : undefined}
              onChange={() => {
                model.choose(id, option.value);
                model.touch(id);
              }}
            />
            {lang === 'ja' ? option.ja : option.en}
          </label>
        ))}
        {value !== null && (
          <button type="button" class="link-button" onClick={() => model.choose(id, null)}>
            {t('fb.form.clearChoice')}
          </button>
        )}
      </div>
      {field.showsExpectedCopay && <ExpectedCopay model={model} />}
      <FieldError target={id} error={error} />
    </fieldset>
  );
}

/** Written text: one line, several lines (address), kana (フリガナ) or a phone number. */
function TextInput({ field, model }: InputProps<'text' | 'address' | 'kana' | 'phone'>) {
  const { id, label, hint, error, search } = useFieldText(field, model);
  const common = {
    id: `fb-${id}`,
    value: model.form[id],
    autocomplete: 'off',
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(hint && `fb-${id}-hint`, search?.id, error && `fb-${id}-error`),
    onBlur: () => model.touch(id),
    onInput: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => model.setValue(id, e.currentTarget.value),
  };
  return (
    <div class="field">
      <label for={`fb-${id}`}>{label}</label>
      {field.kind === 'address' ? (
        <textarea {...common} rows={2} />
      ) : field.kind === 'phone' ? (
        <input {...common} type="tel" inputMode="tel" />
      ) : (
        <input {...common} type="text" lang={field.kind === 'kana' ? 'ja' : undefined} />
      )}
      {/* Below the input, so fields side by side line up whatever their hints. */}
      <FieldHint target={id} text={hint} />
      <SearchNeed flag={search} />
      <FieldError target={id} error={error} />
    </div>
  );
}

/** An era box and 年 月 日 as typed (D4), with the western date echoed once it is a real day. */
function EraDateInput({ field, model }: InputProps<'eraDate'>) {
  const { t, lang } = useI18n();
  const { id, label, hint, error, search } = useFieldText(field, model);
  const value = model.form[id];
  const errorPart = model.eraDateErrorPart(id);
  const partInvalid = (part: 'year' | 'month' | 'day') => (error && (errorPart === part || errorPart === 'all') ? 'true' : undefined);
  const date = eraDateOf(value);
  return (
    <fieldset class="fb-pills fb-era" aria-describedby={describedBy(hint && `fb-${id}-hint`, search?.id, error && `fb-${id}-error`)}>
      <legend>{label}</legend>
      <FieldHint target={id} text={hint} />
      <SearchNeed flag={search} />
      <div class="fb-pill-row" role="radiogroup" aria-label={t('fb.form.era')}>
        {(field.options ?? []).map((option) => (
          <label key={String(option.value)} class={`fb-pill${value.era === option.value ? ' checked' : ''}`}>
            <input type="radio" name={`fb-${id}-era`} checked={value.era === option.value} onChange={() => model.setEraDatePart(id, 'era', String(option.value))} />
            {lang === 'ja' ? option.ja : option.en}
          </label>
        ))}
      </div>
      <div class="fb-ymd">
        {(['year', 'month', 'day'] as const).map((part) => (
          <span class="fb-ymd-part" key={part}>
            <input
              id={`fb-${id}-${part}`}
              type="text"
              inputMode="numeric"
              autocomplete="off"
              class={`fb-ymd-input${part === 'year' ? ' year' : ''}`}
              value={value[part]}
              aria-invalid={partInvalid(part)}
              aria-describedby={describedBy(error && `fb-${id}-error`)}
              onInput={(e) => model.setEraDatePart(id, part, e.currentTarget.value)}
              onBlur={() => model.touch(id)}
            />
            <label for={`fb-${id}-${part}`}>{t(`fb.form.${part}`)}</label>
          </span>
        ))}
      </div>
      {date && !error && (
        // The test id predates other era dates; it names the echo of the date of birth.
        <p class="fb-echo" data-testid="dob-echo">
          {lang === 'ja' ? formatDate(date, lang) : t('fb.form.dateEcho', { era: formatEraDate(date) ?? '', date: formatDate(date, lang) })}
        </p>
      )}
      <FieldError target={id} error={error} />
    </fieldset>
  );
}

/** A day typed in 和暦 or 西暦 (issue 16 #1), echoed as read once it reads as a day. */
function DateInput({ field, model }: InputProps<'date'>) {
  const { id, label, hint, error, search } = useFieldText(field, model);
  const date = useTypedDate(model.form[id], (value) => model.setValue(id, value || null));
  const read = date.understood ? formatDateJa(date.understood) : undefined;
  return (
    <div class="field">
      <label for={`fb-${id}`}>{label}</label>
      <input
        id={`fb-${id}`}
        type="text"
        autocomplete="off"
        value={date.text}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(hint && `fb-${id}-hint`, search?.id, read && !error && `fb-${id}-read`, error && `fb-${id}-error`)}
        onInput={(e) => date.onInput(e.currentTarget.value)}
        onBlur={() => model.touch(id)}
      />
      <FieldHint target={id} text={hint} />
      <SearchNeed flag={search} />
      {read && !error && (
        <p class="fb-echo" id={`fb-${id}-read`}>
          {read}
        </p>
      )}
      <FieldError target={id} error={error} />
    </div>
  );
}

/** A signature drawn on the screen (or on the printed paper instead). */
function SignatureInput({ field, model }: InputProps<'signature'>) {
  const { t } = useI18n();
  const { id, label, hint, error } = useFieldText(field, model);
  return (
    <div class="field">
      <p class="fb-label" id={`fb-${id}-label`}>
        {label}
      </p>
      <FieldHint target={id} text={hint} />
      <SignatureField
        value={model.form[id]}
        onChange={(value) => {
          model.setValue(id, value);
          model.touch(id);
        }}
        labelId={`fb-${id}-label`}
        describedBy={describedBy(hint && `fb-${id}-hint`, error && `fb-${id}-error`) ?? ''}
        invalid={Boolean(error)}
      />
      <p class="hint">{t('fb.sig.paper')}</p>
      <FieldError target={id} error={error} />
    </div>
  );
}

/** A plain text input outside the list (the clinic's patient number): hint above the input. */
export function PlainTextInput({ target, label, hint, value, error, onInput, onBlur }: {
  target: ErrorTarget;
  label: string;
  hint: string;
  value: string;
  error: DeclarationMessageKey | undefined;
  onInput: (value: string) => void;
  onBlur: () => void;
}) {
  return (
    <div class="field">
      <label for={`fb-${target}`}>{label}</label>
      <FieldHint target={target} text={hint} />
      <input
        id={`fb-${target}`}
        type="text"
        autocomplete="off"
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(hint && `fb-${target}-hint`, error && `fb-${target}-error`)}
        onInput={(e) => onInput(e.currentTarget.value)}
        onBlur={onBlur}
      />
      <FieldError target={target} error={error} />
    </div>
  );
}
