import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { fallbackCauseOf, stepsAfterCardCheck, unconfirmedStatus, type UnconfirmedStatus } from '../../domain/fallback/unconfirmed-result.ts';
import type { EligibilityRecord, NextStep } from '../../domain/registration/eligibility.ts';
import type { RegistrationOutcomeDto } from '../../domain/registration/reception-api.ts';
import { isRemoteConsultation } from '../../domain/shared/visit-type.ts';
import { WithTerms } from '../components/term.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { EligibilityView } from './eligibility-view.tsx';
import { ReceiptSlot } from './receipt-slot.tsx';
import type { FlowState } from './flow-state.ts';
import { consultationDay } from './consultation-day.ts';
import { formatInstant } from './format.ts';
import { registrationOutcome } from './reception-api.ts';

/**
 * E2: a result that confirmed no qualification (lost, lostWithNew, notFound) is a warning, not a
 * completion: what to do next in order, and buttons that open the decision guide at this result's
 * cause and the declaration form already filled in with what the record says of the patient.
 */
function UnconfirmedResult({ token, status, record, steps }: { token: string; status: UnconfirmedStatus; record: EligibilityRecord; steps: NextStep[] }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const [opening, setOpening] = useState(false);
  const base = `/i/${encodeURIComponent(token)}/fallback`;

  // The draft and the guide's walk are written first, so the page opens on them. That code (and
  // the era and kana conversions) loads only now: the patient's first load stays small (issue 7).
  async function open(url: string) {
    setOpening(true);
    try {
      const [{ startFallbackForPatient }, { knownPatientOf }] = await Promise.all([
        import('../fallback/known-patient-draft.ts'),
        import('../../domain/fallback/known-patient.ts'),
      ]);
      await startFallbackForPatient(token, fallbackCauseOf(status), knownPatientOf(record));
    } catch {
      // No storage on this device (private mode): the form still opens, blank.
    }
    route(url);
  }
  // Buttons, not links: the router follows a link's click at once, before the draft is written.
  const action = (url: string, primary: boolean, label: ComponentChildren) => (
    <button type="button" class={`button wide${primary ? ' primary' : ''}`} disabled={opening} onClick={() => void open(url)}>
      {label}
    </button>
  );

  return (
    <>
      <div class="result-warning" role="alert">
        <h2>
          <span class="result-warning-icon" aria-hidden="true">
            ⚠
          </span>
          {t('done.unconfirmed.title')}
        </h2>
        <p>{t(`done.unconfirmed.${status}`)}</p>
        <p>{t('done.unconfirmed.registered')}</p>
      </div>
      <section class="card next-steps-card" aria-labelledby="next-steps-title">
        <h3 id="next-steps-title">{t('done.unconfirmed.steps')}</h3>
        <ol class="next-steps">
          {steps.map((step) => (
            <li key={step}>
              <WithTerms text={t(`step.${step}`)} />
            </li>
          ))}
        </ol>
        {!steps.includes('askMynaportalScreen') && <p class="hint">{t('done.unconfirmed.noMynaportal')}</p>}
        <div class="result-actions">
          {/* The guide first: its steps are the list above, and it ends in the same draft. */}
          {action(base, true, t('done.unconfirmed.openGuide'))}
          {action(`${base}/form`, false, <WithTerms text={t('done.unconfirmed.openForm')} />)}
        </div>
        <p class="hint">{t('done.unconfirmed.prefill')}</p>
      </section>
    </>
  );
}

/** A placeholder for a value the sentence wraps in markup (a date kept on one line). */
const SLOT = '\u0000';
function Sentence({ text, slot }: { text: string; slot: ComponentChildren }) {
  const [before, after] = text.split(SLOT);
  return (
    <>
      {before}
      {slot}
      {after}
    </>
  );
}

/**
 * R7: home visits and house calls show the eligibility record with what to do next; online
 * consultations do not, and 「手続きを終了する」 returns to the app the patient came from.
 */
export function DoneStep({ token, flow, onFinish }: { token: string; flow: FlowState; onFinish: (returnUrl: string | null) => void }) {
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

  // Nothing is said until the result is known: a lost qualification must never flash as success.
  if (!outcome && !failed) return <p role="status">{t('staff.loading')}</p>;
  const eligibility = outcome?.eligibility ?? null;
  const online = flow.visitType !== null && isRemoteConsultation(flow.visitType);
  const day = consultationDay(flow.consultationDate, lang);
  const unconfirmed = eligibility ? unconfirmedStatus(eligibility.record.status) : null;

  return (
    <>
      {eligibility && unconfirmed ? (
        <UnconfirmedResult token={token} status={unconfirmed} record={eligibility.record} steps={stepsAfterCardCheck(eligibility.nextSteps)} />
      ) : (
        <>
          <h2>{t('done.title')}</h2>
          <p class="message success">{t('done.registered')}</p>
        </>
      )}
      {failed && (
        <p class="message error" role="alert">
          {t('error.network')}
        </p>
      )}
      {outcome && (online && day ? (
        // Issue 16 §4: the day booked, kept on one line, not the instant the consent ends (next day 0:00).
        <p class="valid-through">
          <Sentence text={t('done.validThroughDay', { day: SLOT })} slot={<span class="nowrap">{day}</span>} />
        </p>
      ) : (
        <p>{outcome.validUntil ? t('done.validUntil', { until: formatInstant(outcome.validUntil, lang) }) : t('done.validUntilRevoked')}</p>
      ))}
      {outcome && online && <p class="next-step">{t(flow.arrival === 'app' && outcome.returnUrl ? 'done.online.nextApp' : 'done.online.nextLink')}</p>}
      {eligibility && <EligibilityView record={eligibility.record} nextSteps={unconfirmed ? [] : eligibility.nextSteps} />}
      {/* Issue 19 #4: what the patient agreed to, to print or save. */}
      {outcome?.receipt && <ReceiptSlot receipt={outcome.receipt} token={token} />}
      {online ? (
        <button type="button" class="button primary wide" onClick={() => onFinish(outcome?.returnUrl ?? null)}>
          {t('done.finishOnline')}
        </button>
      ) : (
        <button type="button" class={`button wide${unconfirmed ? '' : ' primary'}`} onClick={() => onFinish(null)}>
          {t('done.newReception')}
        </button>
      )}
    </>
  );
}
