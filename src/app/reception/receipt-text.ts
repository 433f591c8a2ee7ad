import type { ConsentReceipt, ReceiptConsent, ReceiptValidity } from '../../domain/consent/consent-receipt.ts';
import type { Lang, Translate } from '../i18n/i18n.tsx';
import { formatDate, formatInstant } from './format.ts';

/**
 * The consent receipt (issue 19 #4) as text in the reader's language: one source for the screen
 * (consent-receipt.tsx) and the saved file (receipt-file.ts), so both say the same thing.
 */

export interface ReceiptText {
  title: string;
  lead: string;
  /** The header fields, label and value. */
  fields: Array<[string, string]>;
  purpose: string;
  consents: Array<{
    heading: string;
    choiceHeader: [string, string];
    choices: Array<{ label: string; answer: string; granted: boolean }>;
    /** Prescription form, consultation date, validity. */
    terms: Array<[string, string]>;
  }>;
  /** When a revocation found nothing in force. */
  none: string | null;
  sensitive: string | null;
  withdrawalTitle: string;
  withdrawal: string[];
  keep: string;
}

function validityText(t: Translate, lang: Lang, validity: ReceiptValidity): string {
  switch (validity.kind) {
    case 'untilRevoked':
      return t('receipt.validity.untilRevoked');
    case 'hours24':
      return t('receipt.validity.hours24', { until: formatInstant(validity.until, lang) });
    case 'throughConsultationDate':
      return t('receipt.validity.throughDate', { day: formatDate(validity.date, lang) });
    case 'ended':
      return t('receipt.validity.ended', { at: formatInstant(validity.at, lang) });
  }
}

function consentText(t: Translate, lang: Lang, consent: ReceiptConsent): ReceiptText['consents'][number] {
  const terms: Array<[string, string]> = [];
  if (consent.prescriptionForm) terms.push([t('receipt.prescriptionForm'), t(`rx.${consent.prescriptionForm}`)]);
  if (consent.consultationDate) terms.push([t('receipt.consultationDate'), formatDate(consent.consultationDate, lang)]);
  terms.push([t('receipt.validity'), validityText(t, lang, consent.validity)]);
  return {
    heading: t('receipt.consentFor', { visit: t(`visit.${consent.visitType}`) }),
    choiceHeader: [t('receipt.choice'), t('receipt.answer')],
    choices: consent.choices.map((c) => ({ label: t(`consent.${c.choice}`), answer: t(c.granted ? 'receipt.granted' : 'receipt.refused'), granted: c.granted })),
    terms,
  };
}

/** `link` is the clinic link the patient used (its menu revokes). */
export function receiptText(receipt: ConsentReceipt, t: Translate, lang: Lang, link: string): ReceiptText {
  const fields: Array<[string, string]> = [
    [t('receipt.id'), receipt.receiptId],
    [t('receipt.event'), t(`receipt.event.${receipt.event}`)],
    [t('receipt.issuedAt'), formatInstant(receipt.issuedAt, lang)],
    [t('receipt.controller'), t('receipt.controllerCode', { name: receipt.controller.name, code: receipt.controller.institutionCode })],
  ];
  if (receipt.principal.insuredNumber) fields.push([t('receipt.principal'), receipt.principal.insuredNumber]);
  fields.push([t('receipt.method'), t(`receipt.method.${receipt.collectionMethod}`)]);
  return {
    title: t('receipt.title'),
    lead: t(`receipt.lead.${receipt.event}`),
    fields,
    purpose: t('receipt.purpose'),
    consents: receipt.consents.map((c) => consentText(t, lang, c)),
    none: receipt.consents.length === 0 ? t('receipt.noneInForce') : null,
    sensitive: receipt.sensitive ? t('receipt.sensitive') : null,
    withdrawalTitle: t('receipt.withdrawal'),
    withdrawal: receipt.withdrawal ? [t('receipt.withdrawal.link', { link }), t('receipt.withdrawal.clinic')] : [t('receipt.withdrawal.none')],
    keep: t('receipt.keep'),
  };
}
