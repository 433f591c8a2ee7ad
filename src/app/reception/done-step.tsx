import { useEffect, useState } from 'preact/hooks';
import type { RegistrationOutcomeDto } from '../../domain/registration/reception-api.ts';
import { isRemoteConsultation } from '../../domain/shared/visit-type.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { EligibilityView } from './eligibility-view.tsx';
import type { FlowState } from './flow-state.ts';
import { formatInstant } from './format.ts';
import { registrationOutcome } from './reception-api.ts';

/**
 * R7: home visits and house calls show the eligibility record with what to do next; online
 * consultations do not, and 「手続きを終了する」 returns to the app the patient came from.
 */
export function DoneStep({ flow, onFinish }: { flow: FlowState; onFinish: (returnUrl: string | null) => void }) {
  const { t, lang } = useI18n();
  const registration = flow.registration!;
  const [outcome, setOutcome] = useState<RegistrationOutcomeDto | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    void registrationOutcome(registration).then((result) => {
      if (result.ok) setOutcome(result.data);
      else setFailed(true);
    });
  }, [registration.id]);

  return (
    <>
      <h2>{t('done.title')}</h2>
      <p class="message success">{t('done.registered')}</p>
      {failed && (
        <p class="message error" role="alert">
          {t('error.network')}
        </p>
      )}
      {outcome && (
        <p>{outcome.validUntil ? t('done.validUntil', { until: formatInstant(outcome.validUntil, lang) }) : t('done.validUntilRevoked')}</p>
      )}
      {outcome?.eligibility && <EligibilityView record={outcome.eligibility.record} nextSteps={outcome.eligibility.nextSteps} />}
      {flow.visitType && isRemoteConsultation(flow.visitType) ? (
        <button type="button" class="button primary wide" onClick={() => onFinish(outcome?.returnUrl ?? null)}>
          {t('done.finishOnline')}
        </button>
      ) : (
        <button type="button" class="button primary wide" onClick={() => onFinish(null)}>
          {t('done.newReception')}
        </button>
      )}
    </>
  );
}
