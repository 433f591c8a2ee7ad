import { useState } from 'preact/hooks';
import { checkInsuranceQuery, type InsuranceField, type InsuranceQuery } from '../../domain/requery/csv.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Field } from './field.tsx';

const FIELDS: ReadonlyArray<{ key: InsuranceField; optional: boolean; inputMode: 'numeric' | 'text' }> = [
  { key: 'insurerNumber', optional: false, inputMode: 'numeric' },
  { key: 'symbol', optional: true, inputMode: 'text' },
  { key: 'number', optional: false, inputMode: 'text' },
  { key: 'branch', optional: true, inputMode: 'numeric' },
  { key: 'dateOfBirth', optional: false, inputMode: 'numeric' },
];

const EMPTY: Record<InsuranceField, string> = { insurerNumber: '', symbol: '', number: '', branch: '', dateOfBirth: '' };

/**
 * X1/Q1: the person's insurance numbers. Branch and symbol may be left blank (後期高齢者, 医療扶助,
 * cards without a branch: Q5). Checked here with the same rule as on the server (full-width
 * digits are fine), and each problem is shown beside its field.
 */
export function InsuranceForm({ idPrefix, submitLabel, busy, onSubmit }: { idPrefix: string; submitLabel: string; busy: boolean; onSubmit: (query: InsuranceQuery) => void }) {
  const { t } = useI18n();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<InsuranceField, string>>>({});

  function submit(event: Event) {
    event.preventDefault();
    const checked = checkInsuranceQuery(values);
    if (!checked.ok) {
      setErrors(Object.fromEntries(checked.fields.map((f) => [f, t(`staffLc.field.${f as InsuranceField}.error`)])));
      return;
    }
    setErrors({});
    onSubmit(checked.value);
  }

  return (
    <form class="insurance-form" onSubmit={submit} noValidate>
      <div class="insurance-fields">
        {FIELDS.map(({ key, optional, inputMode }) => {
          const id = `${idPrefix}-${key}`;
          const error = errors[key];
          return (
            <Field
              key={key}
              id={id}
              label={optional ? t('staffLc.field.optional', { label: t(`staffLc.field.${key}`) }) : t(`staffLc.field.${key}`)}
              hint={t(`staffLc.field.${key}.hint`)}
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
                aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
              />
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
