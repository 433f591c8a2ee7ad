import { useState } from 'preact/hooks';
import { checkInsuranceQuery, type InsuranceField, type InsuranceQuery } from '../../domain/requery/csv.ts';
import { parseDateText } from '../../domain/shared/date-text.ts';
import { dateProblemMessage, DateUnderstood } from '../components/date-understood.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';
import { Field } from './field.tsx';

const FIELDS: ReadonlyArray<{ key: InsuranceField; optional: boolean; inputMode: 'numeric' | 'text' }> = [
  { key: 'insurerNumber', optional: false, inputMode: 'numeric' },
  { key: 'symbol', optional: true, inputMode: 'text' },
  { key: 'number', optional: false, inputMode: 'text' },
  { key: 'branch', optional: true, inputMode: 'numeric' },
  // Text, not numeric: 和暦 is typed with letters and kanji (S18.10.22, 昭和18年10月22日).
  { key: 'dateOfBirth', optional: false, inputMode: 'text' },
];

const EMPTY: Record<InsuranceField, string> = { insurerNumber: '', symbol: '', number: '', branch: '', dateOfBirth: '' };

/**
 * X6: for 医療扶助 the 公費負担者番号 stands in the insurer number's place and the 受給者番号 in the
 * number's; there is no symbol and no branch (002 l.3946–3950), so those two fields are not asked.
 */
const MEDICAL_AID_FIELDS: Partial<Record<InsuranceField, { label: MessageKey; hint: MessageKey; error: MessageKey }>> = {
  insurerNumber: { label: 'staffLc.field.publicExpenseNumber', hint: 'staffLc.field.publicExpenseNumber.hint', error: 'staffLc.field.publicExpenseNumber.error' },
  number: { label: 'staffLc.field.recipientNumber', hint: 'staffLc.field.recipientNumber.hint', error: 'staffLc.field.recipientNumber.error' },
  dateOfBirth: { label: 'staffLc.field.dateOfBirth', hint: 'staffLc.field.dateOfBirth.medicalAidHint', error: 'staffLc.field.dateOfBirth.error' },
};

/**
 * X1/Q1: the person's insurance numbers. Branch and symbol may be left blank (後期高齢者, 医療扶助,
 * cards without a branch: Q5). Checked here with the same rule as on the server (full-width
 * digits are fine), and each problem is shown beside its field. The date of birth is typed in
 * 和暦 or 西暦 (D4, `parseDateText`) and echoed back in 和暦. With `medicalAidChoice` staff may
 * say the person is on 医療扶助, and the fields take its names (X6).
 */
export function InsuranceForm({
  idPrefix,
  submitLabel,
  busy,
  onSubmit,
  medicalAidChoice = false,
}: {
  idPrefix: string;
  submitLabel: string;
  busy: boolean;
  onSubmit: (query: InsuranceQuery) => void;
  medicalAidChoice?: boolean;
}) {
  const { t } = useI18n();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<InsuranceField, string>>>({});
  const [medicalAid, setMedicalAid] = useState(false);
  const fields = medicalAid ? FIELDS.filter((f) => MEDICAL_AID_FIELDS[f.key]) : FIELDS;
  const labelKey = (key: InsuranceField): MessageKey => (medicalAid ? MEDICAL_AID_FIELDS[key]?.label : undefined) ?? `staffLc.field.${key}`;
  const hintKey = (key: InsuranceField): MessageKey => (medicalAid ? MEDICAL_AID_FIELDS[key]?.hint : undefined) ?? `staffLc.field.${key}.hint`;
  const errorKey = (key: InsuranceField): MessageKey => (medicalAid ? MEDICAL_AID_FIELDS[key]?.error : undefined) ?? `staffLc.field.${key}.error`;

  function submit(event: Event) {
    event.preventDefault();
    const checked = checkInsuranceQuery(medicalAid ? { ...values, symbol: '', branch: '' } : values);
    if (!checked.ok) {
      const dob = parseDateText(values.dateOfBirth);
      const message = (f: InsuranceField) => (f === 'dateOfBirth' && !dob.ok ? dateProblemMessage(t, dob.problem) : t(errorKey(f)));
      setErrors(Object.fromEntries(checked.fields.map((f) => [f, message(f as InsuranceField)])));
      return;
    }
    setErrors({});
    onSubmit(checked.value);
  }

  return (
    <form class="insurance-form" onSubmit={submit} noValidate>
      {medicalAidChoice && (
        <fieldset class="reason-list insurance-kind">
          <legend>{t('staffLc.field.kind')}</legend>
          {([false, true] as const).map((aid) => (
            <label key={String(aid)} class={medicalAid === aid ? 'checked' : ''}>
              <input
                type="radio"
                name={`${idPrefix}-kind`}
                checked={medicalAid === aid}
                onChange={() => {
                  setMedicalAid(aid);
                  setErrors({});
                }}
              />
              {t(aid ? 'staffLc.field.kind.medicalAid' : 'staffLc.field.kind.insurance')}
            </label>
          ))}
        </fieldset>
      )}
      <div class="insurance-fields">
        {fields.map(({ key, optional, inputMode }) => {
          const id = `${idPrefix}-${key}`;
          const error = errors[key];
          return (
            <Field
              key={key}
              id={id}
              label={optional ? t('staffLc.field.optional', { label: t(labelKey(key)) }) : t(labelKey(key))}
              hint={t(hintKey(key))}
              error={error}
            >
              <input
                id={id}
                name={key}
                inputMode={inputMode}
                autocomplete="off"
                spellcheck={false}
                value={values[key]}
                onInput={(e) => setValues({ ...values, [key]: e.currentTarget.value })}
                aria-invalid={error ? 'true' : undefined}
                aria-describedby={[`${id}-hint`, key === 'dateOfBirth' ? `${id}-understood` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ')}
              />
              {key === 'dateOfBirth' && <DateUnderstood id={`${id}-understood`} text={values.dateOfBirth} />}
            </Field>
          );
        })}
      </div>
      <button type="submit" class="button primary" disabled={busy}>
        {busy ? t('staffLc.working') : submitLabel}
      </button>
    </form>
  );
}
