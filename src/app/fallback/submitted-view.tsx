import { useEffect, useRef, useState } from 'preact/hooks';
import { declarationDateOfBirth, declarationExpectedCopay, type Declaration } from '../../domain/declaration/declaration.ts';
import { declarationSearchMissing, type GuideOutcome } from '../../domain/fallback/fallback-guide.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { subscribeOutbox } from '../storage/outbox.ts';
import { CopayText, FollowUp } from './follow-up.tsx';
import { formDay } from './form-state.ts';

/** After 送信: queued, how many wait on this device, and what follows (E7, E8, F8, F6). */
export function SubmittedView({
  declaration,
  outcome,
  onNext,
}: {
  token: string;
  declaration: Declaration;
  outcome: GuideOutcome | null;
  onNext: () => void;
}) {
  const { t } = useI18n();
  const [unsent, setUnsent] = useState<number | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => subscribeOutbox((entries) => setUnsent(entries.length)), []);
  useEffect(() => headingRef.current?.focus(), []);
  const day = formDay(declaration.createdAt);
  const charge = <CopayText result={declarationExpectedCopay(declaration, day)} />;
  return (
    <section class="fb-form" aria-labelledby="fb-done-title">
      <h1 id="fb-done-title" ref={headingRef} tabIndex={-1}>
        {t('fb.form.title')}
      </h1>
      <p class="message success" role="status">
        {t('fb.form.queued')}
      </p>
      {unsent !== null && <p class="fb-unsent">{t('fb.form.unsent', { count: String(unsent) })}</p>}
      <div class="card flow-card">
        <h2>{t('fb.res.title')}</h2>
        {outcome ? (
          <FollowUp
            cause={outcome.cause}
            resolution="declarationForm"
            charge={charge}
            outageMissing={declarationSearchMissing({ ...declaration, dateOfBirth: declarationDateOfBirth(declaration.dateOfBirth) })}
          />
        ) : (
          charge
        )}
      </div>
      <button type="button" class="button primary wide" onClick={onNext}>
        {t('fb.form.next')}
      </button>
    </section>
  );
}
