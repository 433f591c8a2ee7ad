import { useState } from 'preact/hooks';
import { normaliseReceiptId, type ReceiptLookupResponse } from '../../domain/consent/consent-receipt.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatInstant } from '../reception/format.ts';
import { Field } from './field.tsx';
import { lifecycleFailure } from './lifecycle-errors.ts';
import { ConsentLine } from './record-summary.tsx';
import { lookUpReceipt } from './receipt-api.ts';

type Checked = ReceiptLookupResponse['receipt'];

/**
 * Issue 19 #4 on the person page: staff type the receipt id a patient shows them (paper, phone or
 * saved file) and see which procedure it records, which consents (and their state now), and
 * whether it is this person's. Only this institution's receipts are found.
 */
export function ReceiptCheck({ personRef }: { personRef: string }) {
  const { t, lang } = useI18n();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [found, setFound] = useState<Checked | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setFound(null);
    const id = normaliseReceiptId(value);
    if (!id) {
      setError(t('staffReceipt.invalid'));
      return;
    }
    setBusy(true);
    const result = await lookUpReceipt(id);
    setBusy(false);
    if (result.ok) {
      setError(undefined);
      setFound(result.data.receipt);
    } else if (result.failure.kind === 'server' && result.failure.code === 'consent_receipt_not_found') {
      setError(t('staffReceipt.notFound'));
    } else {
      setError(lifecycleFailure(t, result.failure));
    }
  }

  return (
    <section class="card receipt-check" aria-labelledby="receipt-check-title">
      <h2 id="receipt-check-title">{t('staffReceipt.title')}</h2>
      <p class="hint">{t('staffReceipt.lead')}</p>
      <form class="form inline-form" onSubmit={submit} noValidate>
        <Field id="receipt-id" label={t('staffReceipt.label')} hint={t('staffReceipt.hint')} error={error}>
          <input
            id="receipt-id"
            value={value}
            maxLength={64}
            autocomplete="off"
            spellcheck={false}
            autocapitalize="characters"
            onInput={(e) => setValue(e.currentTarget.value)}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={`receipt-id-hint${error ? ' receipt-id-error' : ''}`}
          />
        </Field>
        <button type="submit" class="button" disabled={busy}>
          {t('staffReceipt.check')}
        </button>
      </form>
      {found && (
        <div class="receipt-check-result" role="status">
          <p class={`message ${found.personRef === personRef ? 'success' : 'notice'}`}>
            {found.personRef === personRef ? t('staffReceipt.thisPerson') : t('staffReceipt.otherPerson')}
          </p>
          <dl class="facts">
            <dt>{t('staffReceipt.id')}</dt>
            <dd class="receipt-id">{found.receiptId}</dd>
            <dt>{t('staffReceipt.event')}</dt>
            <dd>{t(`staffReceipt.event.${found.event}`)}</dd>
            <dt>{t('staffReceipt.issuedAt')}</dt>
            <dd>{formatInstant(found.issuedAt, lang)}</dd>
          </dl>
          <h3>{t('staffReceipt.consents')}</h3>
          {found.consents.length === 0 ? (
            <p>{t('staffReceipt.none')}</p>
          ) : (
            <ul class="consent-list">
              {found.consents.map((c) => (
                <li key={c.id}>
                  <ConsentLine consent={c} />
                </li>
              ))}
            </ul>
          )}
          {found.personRef !== personRef && (
            <p>
              <a class="link-block" href={`/staff/persons/${encodeURIComponent(found.personRef)}`}>
                {t('staffReceipt.openPerson')}
              </a>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
