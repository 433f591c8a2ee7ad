import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import type { CopayPercent } from '../../domain/declaration/copay.ts';
import { COMMON_FALLBACK_CAUSES, FALLBACK_CAUSES, type FallbackCause, type GuideOutcome, type GuideResolution, type GuideStep } from '../../domain/fallback/fallback-guide.ts';
import {
  guideOutcome,
  isOnlineResolution,
  isProofResolution,
  paperPrescriptionApplies,
  resolutionOfStep,
  stepOfResolution,
  walkedSteps,
  walkQuestions,
} from '../../domain/fallback/fallback-walk.ts';
import { WithTerms } from '../components/term.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { deleteDraft, loadDraft } from '../storage/drafts.ts';
import { FollowUp, RatioPicker } from './follow-up.tsx';
import { GuideRecordPanel } from './guide-record-panel.tsx';
import { optionText, stepText } from './step-text.ts';
import { formStateFrom, hasContent } from './form-state.ts';
import { recordOutcomeInDraft } from './use-draft.ts';
import { clearWalk, loadWalk, newWalk, saveWalk, type WalkState } from './walk-state.ts';


/** F5: 10割 in principle, 3割等 for a known patient; the others pay the ratio on their proof or as before. */
const UNINSURED_CHOICES: readonly CopayPercent[] = [100, 30, 20, 10];
const RATIO_CHOICES: readonly CopayPercent[] = [30, 20, 10];

/**
 * Discards this link's draft, unless it is being filled in and the nurse keeps it. A draft holding
 * only what the result screen filled in (E2) is not the nurse's work: it goes too (P4).
 */
async function discardDraft(linkToken: string, keepFilled: boolean): Promise<void> {
  try {
    const draft = await loadDraft(linkToken);
    if (!draft) return;
    if (keepFilled && !draft.prefilledOnly && hasContent(formStateFrom(draft.form, linkToken))) return;
    await deleteDraft(draft.id);
  } catch {
    // Storage unavailable: nothing was kept either.
  }
}

/**
 * The decision guide (F1–F8, E2, E7, E8): the cause first, then the guide's steps one at a time
 * with a yes/no answer where the step asks something, then what follows. Works offline: nothing
 * here calls the server.
 */
export function GuideScreen({ token }: { token: string }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const [walk, setWalk] = useState<WalkState>(() => loadWalk(token));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const formUrl = `/i/${encodeURIComponent(token)}/fallback/form`;

  useEffect(() => saveWalk(token, walk), [token, walk]);

  const questions = walk.cause ? walkQuestions(walk.cause) : [];
  const current = walk.trail.length > 0 ? questions[walk.trail[walk.trail.length - 1]!] : undefined;
  const screen = walk.cause === null ? 'cause' : walk.resolution ? 'result' : 'step';

  // Each step is a new screen: move the focus to its heading, so a screen reader reads it.
  const position = `${screen}:${walk.trail.length}`;
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
    window.scrollTo(0, 0);
  }, [position]);

  const chooseCause = (cause: FallbackCause) => {
    setSaved(false);
    setWalk({ ...newWalk(), cause, trail: [0] });
  };

  const back = () =>
    setWalk((w) => {
      if (w.resolution) return { ...w, resolution: null, outcome: null };
      if (w.trail.length <= 1) return newWalk();
      return { ...w, trail: w.trail.slice(0, -1) };
    });

  const restart = async () => {
    if (!window.confirm(t('fb.restartConfirm'))) return;
    await discardDraft(token, false);
    clearWalk(token);
    setWalk(newWalk());
  };

  // The guide record is in the outbox: the walk starts afresh and says so.
  const finish = async () => {
    await discardDraft(token, true);
    clearWalk(token);
    setWalk(newWalk());
    setSaved(true);
  };

  async function record(outcome: GuideOutcome | ((formId: string) => GuideOutcome)) {
    try {
      await recordOutcomeInDraft(token, typeof outcome === 'function' ? outcome : () => outcome);
    } catch {
      // Storage unavailable: the walk itself still holds the outcome for this screen.
    }
  }

  async function settle(cause: FallbackCause, resolution: GuideResolution) {
    const recordedAt = new Date().toISOString();
    if (resolution === 'declarationForm') {
      setBusy(true);
      await record((formId) => guideOutcome({ cause, resolution, declarationId: formId, recordedAt }));
      setBusy(false);
      // Saved before leaving: this screen unmounts before its effect would run.
      const next: WalkState = { ...walk, cause, resolution, outcome: null };
      saveWalk(token, next);
      setWalk(next);
      route(formUrl);
      return;
    }
    const outcome = guideOutcome({
      cause,
      resolution,
      copayPercent: resolution === 'noInsurance' ? 100 : null,
      copayBasis: resolution === 'noInsurance' ? 'uninsured' : null,
      recordedAt,
    });
    setWalk((w) => ({ ...w, resolution, outcome }));
    await record(outcome);
  }

  const updateOutcome = (patch: Partial<GuideOutcome>) => {
    if (!walk.outcome) return;
    const outcome = { ...walk.outcome, ...patch, recordedAt: new Date().toISOString() };
    setWalk((w) => ({ ...w, outcome }));
    void record(outcome);
  };

  /** One answer: an option that settles the visit, or null for "no" / "none of these" (the next question). */
  const answer = (chosen: GuideStep | null) => {
    if (!walk.cause || !current) return;
    const resolution = chosen ? resolutionOfStep(chosen.id) : null;
    if (resolution) {
      void settle(walk.cause, resolution);
      return;
    }
    const nextIndex = walk.trail[walk.trail.length - 1]! + 1;
    if (nextIndex >= questions.length) return;
    setWalk((w) => ({ ...w, trail: [...w.trail, nextIndex] }));
  };

  const causeButton = (cause: FallbackCause) => (
    <button key={cause} type="button" class="choice-button" onClick={() => chooseCause(cause)}>
      <span class="choice-title">{t(`fb.cause.${cause}`)}</span>
      <span class="choice-hint">
        <WithTerms text={t(`fb.cause.${cause}.hint`)} />
      </span>
    </button>
  );
  const common: readonly FallbackCause[] = COMMON_FALLBACK_CAUSES;
  const passed = walk.cause ? walkedSteps(walk.cause, [...walk.trail.slice(0, -1), -1], null) : [];

  return (
    <section class="fb-guide" aria-labelledby="fb-title">
      <h1 id="fb-title">{t('fb.title')}</h1>
      {screen === 'cause' && (
        <>
          {saved && (
            <p class="message success" role="status">
              {t('gr.saved')}
            </p>
          )}
          <p class="lead">{t('fb.lead')}</p>
          <div class="card flow-card">
            <h2 ref={headingRef} tabIndex={-1}>
              {t('fb.cause.title')}
            </h2>
            <p>{t('fb.cause.lead')}</p>
            <div class="fb-causes">{common.map(causeButton)}</div>
            {/* The rarer causes one tap away (issue 16 §2). */}
            <details class="fb-more-causes">
              <summary>{t('fb.cause.more')}</summary>
              <div class="fb-causes">{FALLBACK_CAUSES.filter((cause) => !common.includes(cause)).map(causeButton)}</div>
            </details>
          </div>
          <p>
            <a class="button" href={`/i/${encodeURIComponent(token)}`}>
              {t('fb.toReception')}
            </a>
          </p>
        </>
      )}

      {screen === 'step' && walk.cause && current && (
        <>
          <p class="fb-cause-line">{t(`fb.cause.${walk.cause}`)}</p>
          <p class="step-counter" aria-live="polite">
            {t('fb.step.counter', { current: String(walk.trail[walk.trail.length - 1]! + 1), total: String(questions.length) })}
          </p>
          <div class="card flow-card fb-step">
            {current.explain.map((s) => (
              <div key={s.id} class="message info fb-explain" role="note">
                <p class="fb-explain-title">{stepText(t, s.id, 'title')}</p>
                <p>
                  <WithTerms text={stepText(t, s.id, 'body')} />
                </p>
              </div>
            ))}
            {current.kind === 'check' ? (
              <>
                <h2 ref={headingRef} tabIndex={-1}>
                  {stepText(t, current.options[0]!.id, 'title')}
                </h2>
                <p>
                  <WithTerms text={stepText(t, current.options[0]!.id, 'body')} />
                </p>
                <p class="fb-question">{stepText(t, current.options[0]!.id, 'question')}</p>
                <div class="fb-answers">
                  <button type="button" class="button primary" disabled={busy} onClick={() => answer(current.options[0]!)}>
                    {stepText(t, current.options[0]!.id, 'yes')}
                  </button>
                  <button type="button" class="button" disabled={busy} onClick={() => answer(null)}>
                    {stepText(t, current.options[0]!.id, 'no')}
                  </button>
                </div>
              </>
            ) : (
              <>
                <h2 ref={headingRef} tabIndex={-1}>
                  {t(current.kind === 'proof' ? 'fb.q.proof.title' : 'fb.q.fallback.title')}
                </h2>
                <p>{t(current.kind === 'proof' ? 'fb.q.proof.lead' : 'fb.q.fallback.lead')}</p>
                <div class="fb-options">
                  {current.options.map((s) => (
                    <button key={s.id} type="button" class="choice-button" disabled={busy} onClick={() => answer(s)}>
                      <span class="choice-title">{optionText(t, s.id)}</span>
                      <span class="choice-hint">
                        <WithTerms text={stepText(t, s.id, 'body')} />
                      </span>
                    </button>
                  ))}
                  {current.kind === 'proof' && (
                    <button type="button" class="choice-button" disabled={busy} onClick={() => answer(null)}>
                      <span class="choice-title">{t('fb.q.proof.none')}</span>
                      <span class="choice-hint">{t('fb.q.proof.noneHint')}</span>
                    </button>
                  )}
                </div>
              </>
            )}
          </div>
          {walk.trail.length > 1 && (
            <details class="fb-tried">
              <summary>{t('fb.step.tried')}</summary>
              <ul>
                {passed.map((id, n) => (
                  <li key={`${n}-${id}`}>{stepText(t, id, 'title')}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}

      {screen === 'result' && walk.cause && walk.resolution && (
        <ResultView
          token={token}
          cause={walk.cause}
          resolution={walk.resolution}
          outcome={walk.outcome}
          trail={walk.trail}
          headingRef={headingRef}
          onOpenForm={() => route(formUrl)}
          onOutcome={updateOutcome}
          onFinish={() => void finish()}
        />
      )}

      {screen !== 'cause' && (
        <div class="flow-nav">
          <button type="button" class="button" onClick={back}>
            {t('fb.back')}
          </button>
          <button type="button" class="link-button" onClick={() => void restart()}>
            {t('fb.restart')}
          </button>
        </div>
      )}
    </section>
  );
}

function ResultView({
  token,
  cause,
  resolution,
  outcome,
  trail,
  headingRef,
  onOpenForm,
  onOutcome,
  onFinish,
}: {
  token: string;
  cause: FallbackCause;
  resolution: GuideResolution;
  outcome: GuideOutcome | null;
  trail: readonly number[];
  headingRef: RefObject<HTMLHeadingElement | null>;
  onOpenForm: () => void;
  onOutcome: (patch: Partial<GuideOutcome>) => void;
  onFinish: () => void;
}) {
  const { t } = useI18n();
  const online = isOnlineResolution(resolution);
  const pick = (choices: readonly CopayPercent[]) => (
    <RatioPicker
      name="fb-charged"
      choices={choices}
      value={outcome?.copayPercent ?? null}
      onChange={(percent) => onOutcome({ copayPercent: percent, copayBasis: percent === 100 ? 'uninsured' : null })}
    />
  );
  let charge;
  if (online) charge = <p>{t('fb.fu.charge.online')}</p>;
  else if (isProofResolution(resolution)) charge = <><p>{t('fb.fu.charge.proof')}</p>{pick(RATIO_CHOICES)}</>;
  else if (resolution === 'knownRepeatPatient') charge = <><p>{t('fb.fu.charge.known')}</p>{pick(RATIO_CHOICES)}</>;
  else if (resolution === 'noInsurance') charge = <><p>{t('fb.fu.charge.uninsured')}</p>{pick(UNINSURED_CHOICES)}</>;
  else charge = null;

  return (
    <>
      <p class="fb-cause-line">{t(`fb.cause.${cause}`)}</p>
      <div class="card flow-card">
        <h2 ref={headingRef} tabIndex={-1}>
          {t('fb.res.title')}
        </h2>
        <p class="message success">
          <WithTerms text={t('fb.res.settledBy', { how: t(`fb.res.${resolution}`) })} />
        </p>
        {online && (
          <>
            <p>{t('fb.res.onlineDone')}</p>
            <a class="button primary" href={`/i/${encodeURIComponent(token)}`}>
              {t('fb.toReception')}
            </a>
          </>
        )}
        {resolution === 'declarationForm' ? (
          <button type="button" class="button primary wide" onClick={onOpenForm}>
            {t('fb.res.openForm')}
          </button>
        ) : (
          !online && (
            <FollowUp
              cause={cause}
              resolution={resolution}
              charge={charge}
              paperPrescription={
                paperPrescriptionApplies(cause, resolution)
                  ? { value: outcome?.paperPrescription ?? false, onChange: (value) => onOutcome({ paperPrescription: value }) }
                  : undefined
              }
            />
          )
        )}
        {resolution !== 'declarationForm' && <GuideRecordPanel token={token} steps={walkedSteps(cause, trail, stepOfResolution(cause, resolution))} outcome={outcome} onSaved={onFinish} />}
      </div>
    </>
  );
}
