import { useEffect, useRef, useState } from 'preact/hooks';
import { declarationDateOfBirth, declarationExpectedCopay, type Declaration } from '../../domain/declaration/declaration.ts';
import { declarationSearchMissing, type GuideOutcome } from '../../domain/fallback/fallback-guide.ts';
import { WithTerms } from '../components/term.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { subscribeOutbox, type OutboxEntrySummary } from '../storage/outbox.ts';
import { CopayText, FollowUp } from './follow-up.tsx';
import { formDay } from './form-state.ts';

/**
 * Where this declaration is, read from the outbox (issue 16 §7: the words tell the truth). The
 * outbox deletes an entry only on the server's receipt, so an entry that is gone was sent. Before
 * the first try and while a send runs it is "sending"; after a try that found no connection it is
 * "waiting" (未送信); a refusal is "notSent" (the outbox badge gives the reason).
 */
type DeliveryState = 'sending' | 'sent' | 'waiting' | 'notSent';

function deliveryStateOf(entry: OutboxEntrySummary | undefined, online: boolean): DeliveryState {
  if (!entry) return 'sent';
  if (entry.state === 'rejected' || entry.state === 'attention') return 'notSent';
  if (entry.state === 'sending' || (entry.attempts === 0 && online)) return 'sending';
  return 'waiting';
}

/** After 送信: sent or waiting (and how many wait on this device), and what follows (E7, E8, F8, F6). */
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
  const [delivery, setDelivery] = useState<DeliveryState>('sending');
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(
    () =>
      subscribeOutbox((entries) => {
        setUnsent(entries.length);
        const id = declaration.id.toLowerCase();
        setDelivery(deliveryStateOf(entries.find((e) => e.id.toLowerCase() === id), navigator.onLine));
      }),
    [declaration.id],
  );
  useEffect(() => headingRef.current?.focus(), []);
  const day = formDay(declaration.createdAt);
  const charge = <CopayText result={declarationExpectedCopay(declaration, day)} />;
  return (
    <section class="fb-form" aria-labelledby="fb-done-title">
      <h1 id="fb-done-title" ref={headingRef} tabIndex={-1}>
        <WithTerms text={t('fb.form.title')} />
      </h1>
      <p class={`message ${delivery === 'sent' ? 'success' : delivery === 'notSent' ? 'warning' : 'notice'}`} role="status" data-delivery={delivery}>
        {t(`fb.form.delivery.${delivery}`)}
      </p>
      {/* 「未送信」 only when something is: never 「未送信：0件」 beside 「送信しました」. */}
      {unsent !== null && unsent > 0 && <p class="fb-unsent">{t('fb.form.unsent', { count: String(unsent) })}</p>}
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
