import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import type { InstitutionPublicDto } from '../../domain/registration/reception-api.ts';
import { asksConsultationDate, isRemoteConsultation, isVisitType, VISIT_TYPE_FROM_APP } from '../../domain/shared/visit-type.ts';
import { rememberClinicLink, rememberInvalidLink } from '../fallback/last-link.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { chooseLanding, clearFlow, loadFlow, newFlow, REGISTRATION_TOKEN_MS, saveFlow, type FlowState, type FlowStep } from './flow-state.ts';
import { consentScreenAsks, journeySteps, stepCounter } from './journey.ts';
import { manageInProgress } from './manage-state.ts';
import type { DoneStep } from './done-step.tsx';
import { loadInstitution } from './early-institution.ts';
import { embeddedClinicLink } from './embedded-clinic-link.ts';
import { prefersSameDevice } from './handoff-path.ts';
import type { HandoffStep } from './handoff-step.tsx';
import { LinkInvalidPage } from './link-invalid-page.tsx';
import type { ManageFlow } from './manage-flow.tsx';
import { appReturnUrl } from './app-return.ts';
import { hasOnlineConsentInForce, rememberOnlineConsent } from './online-consent-mark.ts';
import { registrationOutcome, startRegistration } from './reception-api.ts';
import { ConsentStep, MenuStep, PreparationStep, VisitTypeStep, type StepProps } from './steps.tsx';

type Load =
  | { kind: 'loading' }
  | { kind: 'invalid' }
  | { kind: 'returnRefused' }
  /** clinicName: the name this page was drawn with, when it came with one (a kept copy offline). */
  | { kind: 'networkError'; clinicName?: string }
  | { kind: 'deviceRevoked' }
  | { kind: 'ready'; institution: InstitutionPublicDto };

function flowFromLink(query: Record<string, string>): FlowState {
  const returnUrl = query.return ?? null;
  return newFlow({
    // An app starts the registration on its preparation screen (002 l.2680–2719); the menu is a tap away.
    showMenu: !returnUrl && !isVisitType(query.visit),
    // R1: an app with a return address starts an online consultation, whatever else it says.
    visitType: returnUrl ? VISIT_TYPE_FROM_APP : isVisitType(query.visit) ? query.visit : null,
    arrival: returnUrl ? 'app' : 'link',
    returnUrl,
    appSupportsElectronicPrescription: query.erx === '1',
    dateFromApp: query.date && /^\d{4}-\d{2}-\d{2}$/.test(query.date) ? query.date : null,
  });
}

/**
 * 同意照会・更新 and the revocation load only when chosen (or landed on), keeping the patient's first
 * load within its budget (tests/e2e/bundle-budget.spec.ts); the service worker precaches the chunk.
 */
function LazyManageFlow(props: Parameters<typeof ManageFlow>[0]) {
  const { t } = useI18n();
  const [Flow, setFlow] = useState<typeof ManageFlow | null>(null);
  useEffect(() => {
    let live = true;
    void import('./manage-flow.tsx').then((m) => live && setFlow(() => m.ManageFlow));
    return () => {
      live = false;
    };
  }, []);
  return Flow ? <Flow {...props} /> : <p role="status">{t('link.loading')}</p>;
}

/** A module loaded when its screen is first shown; null until it has arrived. */
function useLazyModule<T>(load: () => Promise<T>): T | null {
  const [loaded, setLoaded] = useState<T | null>(null);
  useEffect(() => {
    let live = true;
    void load().then((m) => live && setLoaded(() => m));
    return () => {
      live = false;
    };
  }, []);
  return loaded;
}

/**
 * The card step and the result load after the consent screen, keeping the patient's first load
 * within its budget (issue 16 added the expiry ring and the copied link); the service worker
 * precaches them, so a lost connection does not stop them.
 */
function LazyHandoffStep(props: Parameters<typeof HandoffStep>[0]) {
  const { t } = useI18n();
  const loaded = useLazyModule(() => import('./handoff-step.tsx'));
  return loaded ? <loaded.HandoffStep {...props} /> : <p role="status">{t('link.loading')}</p>;
}
function LazyDoneStep(props: Parameters<typeof DoneStep>[0]) {
  const { t } = useI18n();
  const loaded = useLazyModule(() => import('./done-step.tsx'));
  return loaded ? <loaded.DoneStep {...props} /> : <p role="status">{t('link.loading')}</p>;
}

/**
 * U4 (002 l.3456–3474): the first screen. A patient coming back from the telemedicine app with an
 * online consent in force (remembered by this device) lands on the revoke-confirmation screen;
 * otherwise the link's own start (preparation, or the menu for a bare link).
 */
function landingFlow(query: Record<string, string>, token: string): FlowState {
  const flow = flowFromLink(query);
  return flow.arrival === 'app' && hasOnlineConsentInForce(token) ? { ...flow, mode: 'revokeAll', step: 'menu' } : flow;
}

/**
 * Issue 18 #1: when the server rendered this link's first screen, the first render draws the same
 * screen from the same data (embedded in the page) instead of "loading"; the request below still
 * runs and refreshes it (and tells a revoked device or a link reissued since).
 */
function firstLoad(token: string): Load {
  const embedded = embeddedClinicLink(token);
  if (!embedded) return { kind: 'loading' };
  if ('invalid' in embedded) return { kind: 'invalid' };
  return embedded.institution.returnUrl === 'refused' ? { kind: 'returnRefused' } : { kind: 'ready', institution: embedded.institution };
}

/** The institution link `/i/<token>`: the whole patient reception, R1–R7. */
export default function ReceptionPage({ token }: { token: string }) {
  const { t } = useI18n();
  const { query } = useLocation();
  const [load, setLoad] = useState<Load>(() => firstLoad(token));
  const [flow, setFlow] = useState<FlowState>(() => chooseLanding(loadFlow(token), landingFlow(query, token), query, manageInProgress(token)));
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [finished, setFinished] = useState(false);

  useEffect(() => {
    void loadInstitution(token, flow.returnUrl).then((result) => {
      if (result.ok) {
        // A valid clinic link: the installed app's start page offers its outage fallback (issue 5 §1).
        rememberClinicLink(token);
        // issue 12 #7, #13: cache the institution's key for sealing offline, and send what waits
        // for this institution (a reissued link's or a re-authorised device's forms) to this link.
        // The outbox code loads here, not with the first screen (issue 18 #3).
        const key = result.data.declarationKey;
        if (key) void import('../storage/outbox.ts').then((outbox) => outbox.noteInstitutionLink(token, key)).catch(() => undefined);
        setLoad(result.data.returnUrl === 'refused' ? { kind: 'returnRefused' } : { kind: 'ready', institution: result.data });
      }
      else if (result.failure.kind === 'server' && result.failure.code === 'link_invalid') {
        // Issue 15: remembered, so this link's offline fallback says it too.
        rememberInvalidLink(token);
        setLoad({ kind: 'invalid' });
      }
      else if (result.failure.kind === 'server' && result.failure.code === 'device_revoked') setLoad({ kind: 'deviceRevoked' });
      // Offline, a page the service worker kept still names its clinic (issue 18 #1).
      else setLoad((current) => ({ kind: 'networkError', clinicName: current.kind === 'ready' ? current.institution.name : undefined }));
    });
  }, [token]);

  useEffect(() => saveFlow(token, flow), [token, flow]);

  // issue 12 #8: the access token dies 30 minutes after it was issued, even on a page left open
  // (the server refuses it then too); the reception starts afresh for the next patient.
  const issuedAt = flow.registration?.issuedAt;
  useEffect(() => {
    if (issuedAt === undefined) return;
    const expire = () => {
      clearFlow(token);
      setFlow(flowFromLink(query));
    };
    const timer = setTimeout(expire, Math.max(0, issuedAt + REGISTRATION_TOKEN_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [token, issuedAt]);

  const institution = load.kind === 'ready' ? load.institution : null;
  const steps = useMemo(() => journeySteps(flow), [flow.showMenu, flow.visitTypePreset]);
  const asks = institution ? consentScreenAsks(flow, institution.settings) : { date: false, prescription: false };

  if (load.kind === 'loading') return <p role="status">{t('link.loading')}</p>;
  if (load.kind === 'invalid') return <LinkInvalidPage />;
  if (load.kind === 'deviceRevoked') {
    return (
      <section aria-labelledby="revoked-title">
        <h1 id="revoked-title">{t('device.revoked.title')}</h1>
        <p class="message error">{t('device.revoked.body')}</p>
      </section>
    );
  }
  if (load.kind === 'networkError') {
    return (
      <>
        {load.clinicName && <p class="institution-banner">{load.clinicName}</p>}
        <p class="message error" role="alert">{t('error.network')}</p>
        <a class="button" href={`/i/${encodeURIComponent(token)}/fallback`}>{t('fb.link')}</a>
      </>
    );
  }
  if (load.kind === 'returnRefused') {
    return (
      <section aria-labelledby="refused-title">
        <h1 id="refused-title">{t('returnUrl.refused.title')}</h1>
        <p class="message error">{t('returnUrl.refused.body')}</p>
      </section>
    );
  }
  const ready = load.institution;
  if (finished) {
    return (
      <>
        <h1>{ready.name}</h1>
        <p class="message success" role="status">{t('done.closePage')}</p>
      </>
    );
  }

  const update = (patch: Partial<FlowState>) => setFlow((current) => ({ ...current, ...patch }));
  const index = steps.indexOf(flow.step);
  const goTo = (step: FlowStep) => {
    setSubmitError(null);
    update({ step });
    window.scrollTo(0, 0);
  };
  const next = () => {
    setFlow((current) => {
      const list = journeySteps(current);
      const following = list[list.indexOf(current.step) + 1] ?? current.step;
      return { ...current, step: following };
    });
    setSubmitError(null);
    window.scrollTo(0, 0);
  };
  const restart = () => {
    if (!window.confirm(t('flow.restartConfirm'))) return;
    clearFlow(token);
    setFlow(flowFromLink(query));
  };

  async function submit() {
    const visitType = flow.visitType;
    if (!visitType) return;
    setSubmitting(true);
    setSubmitError(null);
    const sameDevice = prefersSameDevice();
    const result = await startRegistration({
      linkToken: token,
      visitType,
      arrival: flow.arrival,
      ...(flow.returnUrl ? { returnUrl: flow.returnUrl } : {}),
      appSupportsElectronicPrescription: flow.appSupportsElectronicPrescription,
      choices: {
        surgery: flow.answers.surgery === true,
        medication: flow.answers.medication === true,
        checkup: flow.answers.checkup === true,
        costLimit: flow.answers.costLimit === true,
        specificDisease: flow.answers.specificDisease === true,
      },
      ...(asksConsultationDate(visitType) ? { consultationDate: flow.consultationDate } : {}),
      ...(flow.prescriptionForm && asks.prescription ? { prescriptionForm: flow.prescriptionForm } : {}),
      handoffPath: sameDevice ? 'sameDevice' : 'crossDevice',
    });
    setSubmitting(false);
    if (result.ok) {
      update({
        step: 'handoff',
        registration: { id: result.data.registrationId, accessToken: result.data.accessToken, cardAppUrl: result.data.cardAppUrl, sameDevice, issuedAt: Date.now() },
      });
      return;
    }
    const failure = result.failure;
    if (failure.kind === 'network') setSubmitError(t('error.network'));
    else if (failure.code === 'link_invalid') setLoad({ kind: 'invalid' });
    else if (failure.code === 'device_revoked') setLoad({ kind: 'deviceRevoked' });
    else if (failure.code === 'return_url_not_allowed') setLoad({ kind: 'returnRefused' });
    else if (failure.fields?.consultationDate) setSubmitError(t('rejection.consultation_date_passed'));
    else setSubmitError(t('error.server'));
  }

  function finish(returnUrl: string | null) {
    clearFlow(token);
    if (returnUrl) {
      // R12: the app learns the outcome and the consultation date.
      window.location.assign(appReturnUrl(returnUrl, 'registered', flow.consultationDate || null));
      return;
    }
    if (flow.visitType && isRemoteConsultation(flow.visitType)) setFinished(true);
    else setFlow(flowFromLink(query));
  }

  /** R12: an app arrival may stop at any step; the app learns whether the card step failed. */
  async function backToApp(returnUrl: string) {
    let result: 'cancelled' | 'failed' | 'registered' = 'cancelled';
    if (flow.step === 'handoff' && flow.registration) {
      const outcome = await registrationOutcome(flow.registration);
      if (outcome.ok && outcome.data.status === 'failed') result = 'failed';
      // Completed meanwhile (the card answered as the patient tapped): the consent is in force.
      if (outcome.ok && outcome.data.status === 'completed') result = 'registered';
    }
    clearFlow(token);
    window.location.assign(appReturnUrl(returnUrl, result, flow.consultationDate || null));
  }

  const props: StepProps = { flow, institution: ready, update, next };
  const counter = flow.mode === 'register' ? stepCounter(steps, flow.step) : null;

  return (
    <>
      <div class="flow-top">
        <p class="institution-banner">{ready.name}</p>
        {flow.mode === 'register' && flow.step !== 'menu' && flow.step !== 'handoff' && flow.step !== 'done' && (
          // U1, U4: the menu (register / 同意照会・更新 / revoke all) is reachable from every step, as in 002.
          <button type="button" class="link-button" onClick={() => goTo('menu')}>
            {t('menu.open')}
          </button>
        )}
      </div>
      <h1 class="visually-hidden">{t('app.name')}</h1>
      {counter && (
        <p class="step-counter" aria-live="polite">
          {t('flow.step', { current: String(counter.current), total: String(counter.total) })}
        </p>
      )}
      {flow.mode !== 'register' ? (
        <LazyManageFlow
          token={token}
          mode={flow.mode}
          institution={ready}
          arrival={flow.arrival}
          returnUrl={flow.returnUrl}
          onExit={() => update({ mode: 'register', step: 'menu' })}
        />
      ) : (
      <div class="card flow-card">
        {flow.step === 'menu' && (
          <MenuStep
            onRegister={(visitType) => {
              setSubmitError(null);
              update({ mode: 'register', visitType, step: 'preparation' });
              window.scrollTo(0, 0);
            }}
            onChoose={(mode) => update({ mode })}
          />
        )}
        {flow.step === 'visitType' && <VisitTypeStep {...props} />}
        {flow.step === 'preparation' && <PreparationStep {...props} />}
        {flow.step === 'consent' && <ConsentStep {...props} asks={asks} onSubmit={() => void submit()} submitting={submitting} error={submitError} />}
        {flow.step === 'handoff' && flow.registration && (
          <LazyHandoffStep
            registration={flow.registration}
            onRenewed={(registration) => update({ registration })}
            onCompleted={() => {
              // U4: this device remembers that an online consent is in force, and through which date.
              if (flow.visitType && isRemoteConsultation(flow.visitType)) rememberOnlineConsent(token, flow.consultationDate);
              goTo('done');
            }}
          />
        )}
        {flow.step === 'done' && flow.registration && <LazyDoneStep token={token} flow={flow} onFinish={finish} />}
      </div>
      )}
      {flow.mode === 'register' && flow.step !== 'menu' && (
      <div class="flow-nav">
        {index > 0 && flow.step !== 'done' && flow.step !== 'handoff' && (
          <button type="button" class="button" onClick={() => goTo(steps[index - 1]!)}>
            {t('flow.back')}
          </button>
        )}
        {flow.step !== 'done' && (
          <button type="button" class="link-button" onClick={restart}>
            {t('flow.restart')}
          </button>
        )}
        {flow.step !== 'done' && flow.arrival === 'app' && flow.returnUrl && (
          <button type="button" class="link-button" onClick={() => void backToApp(flow.returnUrl!)}>
            {t('flow.backToApp')}
          </button>
        )}
      </div>
      )}
      {counter && flow.step !== 'handoff' && <p class="hint">{t('flow.saved')}</p>}
      {flow.mode === 'register' && flow.step === steps[0] && (
        // Issue 12 #15: where staff enrol a visit tablet (the code comes from the staff console).
        <p class="hint device-enrol-link">
          <a href={`/i/${encodeURIComponent(token)}/enrol`}>{t('device.enrolLink')}</a>
        </p>
      )}
    </>
  );
}
