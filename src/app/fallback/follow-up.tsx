import type { ComponentChildren } from 'preact';
import type { CopayPercent, CopayResult } from '../../domain/declaration/copay.ts';
import type { FallbackCause, GuideResolution, OutageSearchMissing } from '../../domain/fallback/fallback-guide.ts';
import { followUpSteps } from '../../domain/fallback/fallback-walk.ts';
import { claimNoteText } from './step-text.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';

const ratioKey = (percent: CopayPercent): MessageKey => `fb.fu.ratio.${percent}`;

/** E7 / F5 for a declaration: the percentage the schema's data gives, and why. */
export function CopayText({ result }: { result: CopayResult }) {
  const { t } = useI18n();
  if (result.kind === 'mustDeclare') return <p class="fb-charge">{t('fb.fu.charge.undecided')}</p>;
  return (
    <>
      <p class="fb-charge">
        <strong>{t('fb.fu.charge.percent', { ratio: t(ratioKey(result.percent)) })}</strong>
      </p>
      <p class="hint">{t(`fb.fu.basis.${result.basis}`)}</p>
    </>
  );
}

/** The percentage actually collected, when the guide cannot work it out (a proof, F4, F5). */
export function RatioPicker({
  name,
  choices,
  value,
  onChange,
}: {
  name: string;
  choices: readonly CopayPercent[];
  value: CopayPercent | null;
  onChange: (value: CopayPercent) => void;
}) {
  const { t } = useI18n();
  return (
    <fieldset class="fb-pills">
      <legend>{t('fb.fu.charge.pick')}</legend>
      <div class="fb-pill-row">
        {choices.map((percent) => (
          <label key={percent} class={`fb-pill${value === percent ? ' checked' : ''}`}>
            <input type="radio" name={name} checked={value === percent} onChange={() => onChange(percent)} />
            {t(ratioKey(percent))}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * What follows once eligibility is settled (or not): E7 what to charge, E8 the paper prescription,
 * F8 the outage search after recovery, F6 how the clinic claims — the guide's steps for this cause
 * and resolution, in its order. The charge card's body comes from the caller.
 */
export function FollowUp({
  cause,
  resolution,
  charge,
  paperPrescription,
  outageMissing,
}: {
  cause: FallbackCause;
  resolution: GuideResolution;
  charge: ComponentChildren;
  paperPrescription?: { value: boolean; onChange: (value: boolean) => void } | undefined;
  /** F8 with a declaration: what the form still lacks for the outage search. */
  outageMissing?: OutageSearchMissing[] | undefined;
}) {
  const { t } = useI18n();
  const steps = followUpSteps(cause, resolution);
  const claims = steps.filter((s) => s.phase === 'claim');
  return (
    <div class="fb-followup">
      {steps.some((s) => s.id === 'chargeCopay') && (
        <section class="fb-fu-card" aria-labelledby="fu-charge">
          <h3 id="fu-charge">{t('fb.fu.chargeCopay.title')}</h3>
          {charge}
          <p class="hint">{t('fb.fu.charge.rule')}</p>
        </section>
      )}
      {steps.some((s) => s.id === 'paperPrescription') && (
        <section class="fb-fu-card" aria-labelledby="fu-rx">
          <h3 id="fu-rx">{t('fb.fu.paperPrescription.title')}</h3>
          <p>{t('fb.fu.paperPrescription.body')}</p>
          {paperPrescription && (
            <label class={`fb-check${paperPrescription.value ? ' checked' : ''}`}>
              <input type="checkbox" checked={paperPrescription.value} onChange={(e) => paperPrescription.onChange(e.currentTarget.checked)} />
              {t('fb.fu.paperPrescription.check')}
            </label>
          )}
        </section>
      )}
      {steps.some((s) => s.id === 'outageSearchAfterRecovery') && (
        <section class="fb-fu-card" aria-labelledby="fu-f8">
          <h3 id="fu-f8">{t('fb.fu.outageSearchAfterRecovery.title')}</h3>
          <p>{t('fb.fu.outageSearchAfterRecovery.body')}</p>
          {outageMissing && (
            <p class={outageMissing.length > 0 ? 'message warning' : 'message'}>
              {outageMissing.length > 0
                ? t('fb.fu.outageSearch.missing', { items: outageMissing.map((m) => t(`fb.fu.missing.${m}`)).join(t('fb.listSeparator')) })
                : t('fb.fu.outageSearch.ready')}
            </p>
          )}
        </section>
      )}
      {claims.length > 0 && (
        <section class="fb-fu-card" aria-labelledby="fu-claim">
          <h3 id="fu-claim">{t('fb.fu.claim.title')}</h3>
          <ol class="fb-claims">
            {claims.map((s) => (
              <li key={s.id}>
                {s.id === 'claimCurrentQualification'
                  ? t(s.state === 'holds' ? 'fb.fu.claimCurrentQualification.holds' : 'fb.fu.claimCurrentQualification.ifLater')
                  : claimNoteText(t, s.id)}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
