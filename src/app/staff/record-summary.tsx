import type { EligibilityRecord, NextStep } from '../../domain/registration/eligibility.ts';
import type { ConsentSummaryDto } from '../../domain/consent/staff-lifecycle-api.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';
import type { Lang } from '../i18n/i18n.tsx';
import {
  displayKana,
  formatDate,
  formatDateOfBirth,
  formatInstant,
  formatInsuranceNumbers,
  formatOptionalDate,
  formatPeriod,
  orNotRegistered as orBlank,
} from '../reception/format.ts';

/** A date of birth on the staff screens (「昭和61年6月14日（1986年）」, 不明, 「（未登録）」). */
export function dobText(t: Translate, lang: Lang, dateOfBirth: string | null): string {
  return formatDateOfBirth(t, lang, dateOfBirth);
}

/** The eligibility record as staff check it (DOMAIN §6), with what to do next (E2). */
export function RecordSummary({ record, nextSteps }: { record: EligibilityRecord; nextSteps?: NextStep[] | undefined }) {
  const { t, lang } = useI18n();
  const date = (value: string | null) => formatOptionalDate(t, lang, value);
  const sex = record.sex1 ?? record.sex2;
  return (
    <div class="record-summary">
      <p class={`status-badge status-${record.status}`}>{t(`status.${record.status}`)}</p>
      {nextSteps && nextSteps.length > 0 && (
        <ul class="next-steps">
          {nextSteps.map((step) => (
            <li key={step}>{t(`step.${step}`)}</li>
          ))}
        </ul>
      )}
      <dl class="facts record">
        <dt>{t('field.name')}</dt>
        <dd>{orBlank(t, record.name)}</dd>
        <dt>{t('field.nameKana')}</dt>
        <dd>{displayKana(t, record.nameKana)}</dd>
        <dt>{t('field.sex')}</dt>
        <dd>{sex ? t(`sex.${sex}`) : t('field.notRegistered')}</dd>
        <dt>{t('field.dateOfBirth')}</dt>
        <dd>{dobText(t, lang, record.dateOfBirth)}</dd>
        <dt>{t('field.insurer')}</dt>
        <dd>
          {orBlank(t, record.insurerName)} {record.insurerNumber && `（${record.insurerNumber}）`}
        </dd>
        <dt>{t('field.symbolNumber')}</dt>
        <dd>{formatInsuranceNumbers(t, record)}</dd>
        <dt>{t('field.cardValid')}</dt>
        <dd>{formatPeriod(t, lang, record.cardValidFrom, record.cardValidTo)}</dd>
        {record.qualificationLostOn && (
          <>
            <dt>{t('field.qualificationLostOn')}</dt>
            <dd>{date(record.qualificationLostOn)}</dd>
          </>
        )}
        {record.costLimit && (
          <>
            <dt>{t('field.costLimit')}</dt>
            <dd>
              {record.costLimit.applicationCategory}（{record.costLimit.category}）
            </dd>
          </>
        )}
        {record.specificDisease && (
          <>
            <dt>{t('field.specificDisease')}</dt>
            <dd>
              {record.specificDisease.diseaseCategory}
              {record.specificDisease.selfPayLimit !== null && ` / ${t('staffLc.yen', { amount: record.specificDisease.selfPayLimit.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB') })}`}
            </dd>
          </>
        )}
      </dl>
      {record.status !== 'notFound' && <RecordDetails record={record} />}
    </div>
  );
}

/**
 * E10 (002 l.4186–4685): the rest of the record, as the document names it. Name and address are
 * the current ones even for a past-date check; 医療扶助 reads 公費負担者番号 / 受給者番号 / 福祉事務所
 * and has no 記号, 本人・家族, 被保険者氏名 or 交付日; a blank is shown as blank, never guessed.
 */
function RecordDetails({ record }: { record: EligibilityRecord }) {
  const { t, lang } = useI18n();
  const date = (value: string | null) => formatOptionalDate(t, lang, value);
  const span = (from: string | null, to: string | null) => formatPeriod(t, lang, from, to);
  const aid = record.cardType === 'medicalAid';
  return (
    <details class="record-details">
      <summary>{t('staffRec.details')}</summary>
      <p class="hint">{t('staffRec.currentNameAddress')}</p>
      <dl class="facts record">
        {(record.nameOther !== '' || record.nameKanaOther !== '') && (
          <>
            <dt>{t('staffRec.nameOther')}</dt>
            <dd>{`${orBlank(t, record.nameOther)}（${displayKana(t, record.nameKanaOther)}）`}</dd>
          </>
        )}
        <dt>{t('field.address')}</dt>
        <dd>{record.postalCode ? `〒${record.postalCode} ${orBlank(t, record.address)}` : orBlank(t, record.address)}</dd>
        <dt>{t('staffRec.cardType')}</dt>
        <dd>{record.cardType ? t(`staffRec.cardType.${record.cardType}`) : t('field.notRegistered')}</dd>
        <dt>{t(aid ? 'staffLc.field.publicExpenseNumber' : 'field.insurerNumber')}</dt>
        <dd>{orBlank(t, record.insurerNumber)}</dd>
        <dt>{t(aid ? 'staffRec.welfareOffice' : 'staffRec.insurerName')}</dt>
        <dd>{orBlank(t, record.insurerName)}</dd>
        {!aid && (
          <>
            <dt>{t('staffRec.symbol')}</dt>
            <dd>{orBlank(t, record.symbol)}</dd>
          </>
        )}
        <dt>{t(aid ? 'staffLc.field.recipientNumber' : 'staffRec.number')}</dt>
        <dd>{orBlank(t, record.number)}</dd>
        <dt>{t('field.relationship')}</dt>
        <dd>{record.relationship ? t(`relationship.${record.relationship}`) : t('field.notRegistered')}</dd>
        <dt>{t('staffRec.insuredPersonName')}</dt>
        <dd>{orBlank(t, record.insuredPersonName)}</dd>
        <dt>{t('staffRec.cardIssuedOn')}</dt>
        <dd>{date(record.cardIssuedOn)}</dd>
        <dt>{t('staffRec.qualificationAcquiredOn')}</dt>
        <dd>{date(record.qualificationAcquiredOn)}</dd>
        {record.lossReason && (
          <>
            <dt>{t('staffRec.lossReason')}</dt>
            <dd>{t(`staffRec.lossReason.${record.lossReason}`)}</dd>
          </>
        )}
        {record.elderlyRecipient && (
          <>
            <dt>{t('field.elderly')}</dt>
            <dd>
              {t('staffRec.elderly', {
                ratio: String(record.elderlyRecipient.copayRatio / 10),
                valid: span(record.elderlyRecipient.validFrom, record.elderlyRecipient.validTo),
                issued: date(record.elderlyRecipient.issuedOn),
              })}
            </dd>
          </>
        )}
        {record.specificDisease && (
          <>
            <dt>{t('staffRec.specificDiseaseDates')}</dt>
            <dd>{t('staffRec.validIssued', { valid: span(record.specificDisease.validFrom, record.specificDisease.validTo), issued: date(record.specificDisease.issuedOn) })}</dd>
          </>
        )}
      </dl>
    </details>
  );
}

/** A consent's type, state and window in one line, for lists and search results. */
export function ConsentLine({ consent }: { consent: ConsentSummaryDto }) {
  const { t, lang } = useI18n();
  const parts: string[] = [t(`visit.${consent.visitType}`), t('staffLc.registeredAt', { at: formatInstant(consent.registeredAt, lang) })];
  if (consent.state === 'active' && consent.validUntil) parts.push(t('staffLc.validUntil', { at: formatInstant(consent.validUntil, lang) }));
  if (consent.state === 'active' && consent.reconfirmationDueOn) parts.push(t('staffLc.dueOn', { date: formatDate(consent.reconfirmationDueOn, lang) }));
  if (consent.state === 'revoked' && consent.revokedAt) {
    parts.push(t('staffLc.revokedAt', { at: formatInstant(consent.revokedAt, lang) }));
    if (consent.revokeReason) parts.push(t(`staffLc.reason.${consent.revokeReason}`));
  }
  return (
    <span class="consent-line">
      <span class={`state-badge state-${consent.state}`}>{t(`staffLc.state.${consent.state}`)}</span> {parts.join(' ・ ')}
    </span>
  );
}
