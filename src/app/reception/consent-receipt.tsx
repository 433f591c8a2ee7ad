import { useState } from 'preact/hooks';
import type { ConsentReceipt } from '../../domain/consent/consent-receipt.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { saveReceiptFile } from './receipt-file.ts';
import { receiptText } from './receipt-text.ts';

/** The clinic link the patient used: its menu is how they revoke (X3). */
export function clinicLinkOf(token: string): string {
  return `${location.origin}/i/${encodeURIComponent(token)}`;
}

/**
 * Issue 19 #4: the consent receipt at the end of a registration, update or revocation. Printing
 * shows this section alone on one A4 page (styles.css); saving gives a self-contained HTML file
 * (receipt-file.ts says why that format).
 */
export function ConsentReceiptView({ receipt, token }: { receipt: ConsentReceipt; token: string }) {
  const { t, lang } = useI18n();
  const [saved, setSaved] = useState(false);
  const text = receiptText(receipt, t, lang, clinicLinkOf(token));
  const onClinicDevice = receipt.collectionMethod === 'cardAuthenticationWithStaff';
  return (
    <section class="card receipt" aria-labelledby="receipt-title" data-receipt-id={receipt.receiptId}>
      <h2 id="receipt-title">{text.title}</h2>
      <p class="receipt-lead">{text.lead}</p>
      <dl class="receipt-fields">
        {text.fields.map(([label, value], i) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd class={i === 0 ? 'receipt-id' : undefined}>{value}</dd>
          </div>
        ))}
      </dl>
      <p class="receipt-purpose">{text.purpose}</p>
      <div class="receipt-consents">
        {text.consents.map((c, i) => (
          <div class="receipt-consent" key={i}>
            <h3>{c.heading}</h3>
            <table class="receipt-choices">
              <thead>
                <tr>
                  <th scope="col">{c.choiceHeader[0]}</th>
                  <th scope="col">{c.choiceHeader[1]}</th>
                </tr>
              </thead>
              <tbody>
                {c.choices.map((ch) => (
                  <tr key={ch.label}>
                    <th scope="row">{ch.label}</th>
                    <td class={ch.granted ? 'granted' : 'refused'}>{ch.answer}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <dl class="receipt-fields">
              {c.terms.map(([label, value]) => (
                <div key={label}>
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </div>
        ))}
      </div>
      {text.none && <p>{text.none}</p>}
      {text.sensitive && <p class="hint">{text.sensitive}</p>}
      <h3>{text.withdrawalTitle}</h3>
      {text.withdrawal.map((line) => (
        <p key={line} class="receipt-withdrawal">
          {line}
        </p>
      ))}
      <p class="hint">{text.keep}</p>
      <div class="receipt-actions no-print">
        <button type="button" class="button" onClick={() => window.print()}>
          {t('receipt.print')}
        </button>
        {/* P4: on the clinic's tablet (staff signed in) a saved file would stay on the clinic's device. */}
        {!onClinicDevice && (
          <button
            type="button"
            class="button"
            onClick={() => {
              saveReceiptFile(receipt, text, lang);
              setSaved(true);
            }}
          >
            {t('receipt.download')}
          </button>
        )}
      </div>
      {onClinicDevice && <p class="hint no-print">{t('receipt.clinicDevice')}</p>}
      {saved && (
        <p class="hint no-print" role="status">
          {t('receipt.downloaded')}
        </p>
      )}
    </section>
  );
}
