import { unconfirmedStatus } from '../../domain/fallback/unconfirmed-result.ts';
import type { EligibilityRecord, NextStep } from '../../domain/registration/eligibility.ts';
import { WithTerms } from '../components/term.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { displayKana, formatDateOfBirth, formatInsuranceNumbers, formatOptionalDate, formatPeriod, orNotRegistered as orBlank } from './format.ts';

function Row({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

/**
 * R7 / DOMAIN §6: the eligibility record as the national service returns it, with E2 guidance
 * (an empty list when the screen shows the steps itself). E1: for a confirmed qualification, the
 * data shown is what the clinic claims with, even where the paper card says otherwise.
 */
export function EligibilityView({ record, nextSteps }: { record: EligibilityRecord; nextSteps: NextStep[] }) {
  const { t, lang } = useI18n();
  const date = (value: string | null) => formatOptionalDate(t, lang, value);
  const copay = (ratio: number) => t('format.copay', { tenths: String(ratio / 10), percent: String(ratio) });
  const sex = record.sex1 ?? record.sex2;
  return (
    <section class="card eligibility" aria-labelledby="eligibility-title">
      <h2 id="eligibility-title">{t('done.eligibility')}</h2>
      <p class={`status-badge status-${record.status}`}>{t(`status.${record.status}`)}</p>
      {nextSteps.length > 0 && (
        <ul class="next-steps">
          {nextSteps.map((step) => (
            <li key={step}>
              <WithTerms text={t(`step.${step}`)} />
            </li>
          ))}
        </ul>
      )}
      {unconfirmedStatus(record.status) === null && <p class="message notice claim-note">{t('done.claimWithShown')}</p>}
      <dl class="facts record">
        <Row label={t('field.name')} value={orBlank(t, record.name)} />
        <Row label={t('field.nameKana')} value={displayKana(t, record.nameKana)} />
        <Row label={t('field.sex')} value={sex ? t(`sex.${sex}`) : t('field.notRegistered')} />
        <Row label={t('field.dateOfBirth')} value={formatDateOfBirth(t, lang, record.dateOfBirth)} />
        <Row label={t('field.address')} value={orBlank(t, [record.postalCode && `〒${record.postalCode}`, record.address].filter(Boolean).join(' '))} />
        <Row label={t('field.insurer')} value={orBlank(t, record.insurerName)} />
        <Row label={t('field.insurerNumber')} value={orBlank(t, record.insurerNumber)} />
        <Row label={t('field.symbolNumber')} value={formatInsuranceNumbers(t, record)} />
        {record.relationship && <Row label={t('field.relationship')} value={t(`relationship.${record.relationship}`)} />}
        <Row label={t('field.cardValid')} value={formatPeriod(t, lang, record.cardValidFrom, record.cardValidTo)} />
        {record.copayRatio !== null && <Row label={t('field.copayRatio')} value={copay(record.copayRatio)} />}
        {record.preSchool && <Row label={t('field.preSchool')} value={t('yesNo.yes')} />}
        {record.qualificationLostOn && <Row label={t('field.qualificationLostOn')} value={date(record.qualificationLostOn)} />}
        {record.elderlyRecipient && <Row label={t('field.elderly')} value={copay(record.elderlyRecipient.copayRatio)} />}
        {record.costLimit && <Row label={t('field.costLimit')} value={record.costLimit.applicationCategory} />}
        {record.specificDisease && <Row label={t('field.specificDisease')} value={record.specificDisease.diseaseCategory} />}
      </dl>
    </section>
  );
}
