import { useEffect, useState } from 'preact/hooks';
import { CONSENT_CHOICES } from '../../domain/consent/consent.ts';
import type { InstitutionPublicDto, PatientConsentDto } from '../../domain/registration/reception-api.ts';
import type { ArrivalRoute } from '../../domain/registration/registration.ts';
import type { CardRequest } from '../../domain/registration/registration-schema.ts';
import { asksConsultationDate, canBeUpdated, isRemoteConsultation } from '../../domain/shared/visit-type.ts';
import { appReturnUrl } from './app-return.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { PendingRegistration } from './flow-state.ts';
import { formatDate, formatInstant } from './format.ts';
import { prefersSameDevice } from './handoff-path.ts';
import { HandoffStep } from './handoff-step.tsx';
import { forgetOnlineConsent, rememberOnlineConsent } from './online-consent-mark.ts';
import { registrationOutcome, startCardRequest } from './reception-api.ts';
import { clearManageState, loadManageState, saveManageState, type ManageMode, type ManageState } from './manage-state.ts';
import { choiceLabel, ConsentForm, type ConsentAnswers } from './steps.tsx';
import type { ConsentReceipt } from '../../domain/consent/consent-receipt.ts';
import { ReceiptSlot } from './receipt-slot.tsx';

/** The change form opened on a consent, filled in with what it holds now. */
function editing(consent: PatientConsentDto): Partial<ManageState> {
  return { target: consent, answers: answersFrom(consent), consultationDate: consent.consultationDate ?? '', prescriptionForm: consent.prescriptionForm };
}

function answersFrom(consent: PatientConsentDto): ConsentAnswers {
  return {
    surgery: consent.scopes.includes('surgery'),
    medication: consent.scopes.includes('medication'),
    checkup: consent.scopes.includes('checkup'),
    costLimit: consent.scopes.includes('costLimit'),
    specificDisease: consent.scopes.includes('specificDisease'),
  };
}

/**
 * U1 「同意照会・更新」 and X3 「すべての同意を取消す」: each confirmed with the card. A change is
 * confirmed with the card a second time before it applies (U1).
 */
export function ManageFlow({
  token,
  mode,
  institution,
  arrival,
  returnUrl,
  onExit,
}: {
  token: string;
  mode: ManageMode;
  institution: InstitutionPublicDto;
  arrival: ArrivalRoute;
  returnUrl: string | null;
  onExit: () => void;
}) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<ManageState>(() => loadManageState(token, mode));
  const [consents, setConsents] = useState<PatientConsentDto[] | null>(null);
  const [revokedCount, setRevokedCount] = useState<number | null>(null);
  // Issue 19 #4: the receipt of the update or revocation, read from this device's request.
  const [receipt, setReceipt] = useState<ConsentReceipt | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // U4: an online update reached by URL/QR ends here; the patient closes the page.
  const [closed, setClosed] = useState(false);

  useEffect(() => saveManageState(token, state), [state]);
  const set = (patch: Partial<ManageState>) => setState((s) => ({ ...s, ...patch }));

  async function outcomeOf(request: PendingRegistration) {
    return registrationOutcome(request);
  }

  // The consent list and the revocation count are read from the server, not kept on the device.
  useEffect(() => {
    if (state.phase === 'list' && state.query) {
      void outcomeOf(state.query).then((r) => {
        if (!r.ok) return setError(t('error.network'));
        const list = r.data.consents ?? [];
        setConsents(list);
        // Issue 16 §2: the current content is the form to change it. With one consent to change
        // (or, from the app, its online consent) the form is open at once.
        const updatable = list.filter((c) => canBeUpdated(c.visitType));
        const fromApp = arrival === 'app' ? updatable.filter((c) => isRemoteConsultation(c.visitType)) : [];
        const only = fromApp.length === 1 ? fromApp[0] : updatable.length === 1 ? updatable[0] : undefined;
        if (only) setState((s) => (s.target ? s : { ...s, ...editing(only) }));
      });
    }
    if (state.phase === 'revoked' && state.query) {
      void outcomeOf(state.query).then((r) => {
        if (!r.ok) return setError(t('error.network'));
        setRevokedCount(r.data.revokedCount ?? 0);
        setReceipt(r.data.receipt);
      });
    }
    if (state.phase === 'updated' && state.update) {
      void outcomeOf(state.update).then((r) => (r.ok ? setReceipt(r.data.receipt) : setError(t('error.network'))));
    }
  }, [state.phase]);

  // 同意照会・更新 starts with the card (issue 16 §2): the menu's choice is the request to see.
  useEffect(() => {
    if (mode === 'query' && state.phase === 'intro') void startQuery();
  }, []);

  async function startQuery() {
    const request = await startCard({ purpose: mode });
    if (request) set({ query: request, phase: mode === 'query' ? 'queryCard' : 'revokeCard' });
  }

  async function startCard(body: Record<string, unknown>): Promise<PendingRegistration | null> {
    setBusy(true);
    setError(null);
    const sameDevice = prefersSameDevice();
    // The purpose's own fields come from the callers below; the server checks the whole against cardRequestSchema.
    const result = await startCardRequest({ linkToken: token, arrival, ...(returnUrl ? { returnUrl } : {}), handoffPath: sameDevice ? 'sameDevice' : 'crossDevice', ...body } as CardRequest);
    setBusy(false);
    if (result.ok) return { id: result.data.registrationId, accessToken: result.data.accessToken, cardAppUrl: result.data.cardAppUrl, sameDevice, issuedAt: Date.now() };
    const failure = result.failure;
    setError(
      failure.kind === 'network'
        ? t('error.network')
        : failure.code === 'consent_not_active'
          ? t('rejection.consent_not_active')
          : failure.code === 'consultation_date_locked'
            ? t('manage.dateLocked')
            : failure.code === 'consent_not_updatable'
              ? t('manage.notUpdatable')
            : failure.code === 'device_revoked'
              ? t('device.revoked.body')
              : t('error.server'),
    );
    return null;
  }

  const target = state.target;
  const asksDate = target ? asksConsultationDate(target.visitType) && arrival === 'link' : false;
  const asksRx = target?.prescriptionForm !== null && target?.prescriptionForm !== undefined;
  const unanswered = CONSENT_CHOICES.some((c) => state.answers[c] === undefined);
  // R10: the last change step before the confirmation says 「更新内容を確認する」.
  const review = t('manage.reviewChanges');
  const online = target !== null && asksConsultationDate(target.visitType);
  // R12: only an app arrival goes back to the app (its address was checked against the allow-list on load).
  const appReturn = arrival === 'app' ? returnUrl : null;

  function leave(url: string) {
    clearManageState(token);
    window.location.assign(url);
  }

  if (closed) {
    return (
      <div class="card flow-card">
        <p class="message success" role="status">
          {t('done.closePage')}
        </p>
      </div>
    );
  }

  return (
    <div class="card flow-card">
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      {state.phase === 'intro' && (
        <>
          <h2>{t(mode === 'query' ? 'menu.query' : 'menu.revokeAll')}</h2>
          <p>{t(mode === 'query' ? 'manage.query.lead' : 'manage.revokeAll.lead')}</p>
          {mode === 'revokeAll' && <p class="message warning">{t('manage.revokeAll.online')}</p>}
          <button
            type="button"
            class="button primary wide"
            disabled={busy}
            onClick={() => void startQuery()}
          >
            {t(mode === 'query' ? 'manage.query.start' : 'manage.revokeAll.start')}
          </button>
          {appReturn && (
            // R12: nothing changed; the app may keep the reservation as it is.
            <button type="button" class="link-button" onClick={() => leave(appReturnUrl(appReturn, 'cancelled', null))}>
              {t('flow.backToApp')}
            </button>
          )}
        </>
      )}
      {(state.phase === 'queryCard' || state.phase === 'revokeCard') && state.query && (
        <HandoffStep
          registration={state.query}
          {...(state.phase === 'queryCard' ? { title: t('menu.query'), lead: t('manage.query.lead') } : {})}
          onRenewed={(query) => set({ query })}
          onCompleted={() => {
            if (state.phase === 'revokeCard') forgetOnlineConsent(token);
            set({ phase: state.phase === 'queryCard' ? 'list' : 'revoked' });
          }}
        />
      )}
      {state.phase === 'list' && (
        <>
          <h2>{t('manage.list.title')}</h2>
          {consents === null && <p role="status">{t('staff.loading')}</p>}
          {consents?.length === 0 && <p class="message">{t('manage.list.none')}</p>}
          {consents?.map((consent) => (
            <section key={consent.id} class="consent-summary" aria-label={t(`visit.${consent.visitType}`)}>
              <h3>{t(`visit.${consent.visitType}`)}</h3>
              <dl class="summary">
                {consent.consultationDate && (
                  <div>
                    <dt>{t('confirm.date')}</dt>
                    <dd>{formatDate(consent.consultationDate, lang)}</dd>
                  </div>
                )}
                <div>
                  <dt>{t('confirm.consents')}</dt>
                  <dd>
                    {consent.scopes.length === 0
                      ? t('confirm.noConsents')
                      : CONSENT_CHOICES.filter((c) => consent.scopes.includes(c)).map((c) => t(choiceLabel(c, institution))).join('、')}
                  </dd>
                </div>
                <div>
                  <dt>{t('confirm.rx')}</dt>
                  <dd>{consent.prescriptionForm ? t(`rx.${consent.prescriptionForm}`) : t('confirm.notAsked')}</dd>
                </div>
                <div>
                  <dt>{t('manage.validUntil')}</dt>
                  <dd>{consent.validUntil ? formatInstant(consent.validUntil, lang) : t('done.validUntilRevoked')}</dd>
                </div>
              </dl>
              {!canBeUpdated(consent.visitType) ? (
                // U3: 同意照会・更新 is for 訪問診療等 and オンライン診療等; a house call's consent is only revoked.
                <p class="hint">{t('manage.notUpdatable')}</p>
              ) : target?.id === consent.id ? (
                <div class="consent-editor">
                  <ConsentForm
                    answers={state.answers}
                    onAnswers={(answers) => set({ answers })}
                    institution={institution}
                    title={t('manage.edit.title')}
                    date={asksDate ? { value: state.consultationDate, onValue: (consultationDate) => set({ consultationDate }) } : null}
                    prescription={asksRx ? { value: state.prescriptionForm, onValue: (prescriptionForm) => set({ prescriptionForm }) } : null}
                    submitLabel={review}
                    onSubmit={() => {
                      set({ phase: 'confirm' });
                      window.scrollTo(0, 0);
                    }}
                  />
                </div>
              ) : (
                <button type="button" class="button primary" onClick={() => set(editing(consent))}>
                  {t('manage.change')}
                </button>
              )}
            </section>
          ))}
        </>
      )}
      {state.phase === 'confirm' && target && !unanswered && (
        <>
          <h2>{t('confirm.title')}</h2>
          <dl class="summary">
            <div>
              <dt>{t('confirm.visitType')}</dt>
              <dd>{t(`visit.${target.visitType}`)}</dd>
            </div>
            {asksConsultationDate(target.visitType) && (
              <div>
                <dt>{t('confirm.date')}</dt>
                <dd>{state.consultationDate ? formatDate(state.consultationDate, lang) : ''}</dd>
              </div>
            )}
            <div>
              <dt>{t('confirm.consents')}</dt>
              <dd>
                {CONSENT_CHOICES.filter((c) => state.answers[c]).map((c) => t(choiceLabel(c, institution))).join('、') || t('confirm.noConsents')}
              </dd>
            </div>
            {asksRx && (
              <div>
                <dt>{t('confirm.rx')}</dt>
                <dd>{state.prescriptionForm ? t(`rx.${state.prescriptionForm}`) : ''}</dd>
              </div>
            )}
          </dl>
          <button type="button" class="link-button" onClick={() => set({ phase: 'list' })}>
            {t('confirm.edit')}
          </button>
          <p class="message notice">{t('manage.confirmByCard')}</p>
          <button
            type="button"
            class="button primary wide"
            disabled={busy}
            onClick={async () => {
              const request = await startCard({
                purpose: 'update',
                consentId: target.id,
                choices: Object.fromEntries(CONSENT_CHOICES.map((c) => [c, state.answers[c] === true])),
                ...(asksRx && state.prescriptionForm ? { prescriptionForm: state.prescriptionForm } : {}),
                ...(asksDate ? { consultationDate: state.consultationDate } : {}),
              });
              if (request) set({ update: request, phase: 'updateCard' });
            }}
          >
            {t('manage.submit')}
          </button>
        </>
      )}
      {state.phase === 'updateCard' && state.update && (
        <HandoffStep
          registration={state.update}
          title={t('manage.confirmTitle')}
          onRenewed={(update) => set({ update })}
          onCompleted={() => {
            // U4: the device remembers the online consent in force, with its (maybe new) date.
            if (online) rememberOnlineConsent(token, state.consultationDate);
            set({ phase: 'updated' });
          }}
        />
      )}
      {state.phase === 'updated' && (
        <>
          <h2>{t('manage.updated.title')}</h2>
          <p class="message success" role="status">
            {t('manage.updated.body')}
          </p>
          {receipt && <ReceiptSlot receipt={receipt} token={token} />}
          {online ? (
            // U4, R7, R12 (002 l.3852–3866): 「手続きを終了する」 returns to the app only for an app arrival.
            <button
              type="button"
              class="button primary wide"
              onClick={() => {
                if (appReturn) leave(appReturnUrl(appReturn, 'registered', state.consultationDate));
                else {
                  clearManageState(token);
                  setClosed(true);
                }
              }}
            >
              {t('manage.finishOnline')}
            </button>
          ) : (
            // 002 l.3840–3848: for a home visit the tab may simply be closed.
            <p class="hint">{t('manage.updated.closeTab')}</p>
          )}
        </>
      )}
      {state.phase === 'revoked' && (
        <>
          <h2>{t('manage.revoked.title')}</h2>
          <p class="message success" role="status">
            {revokedCount === null ? t('staff.loading') : t('manage.revoked.body', { count: String(revokedCount) })}
          </p>
          {receipt && <ReceiptSlot receipt={receipt} token={token} />}
          {appReturn && (
            // R12: the app learns the reservation's consent is gone (cancelling a booking is revoking, X3).
            <button type="button" class="button primary wide" onClick={() => leave(appReturnUrl(appReturn, 'revoked', null))}>
              {t('manage.finishOnline')}
            </button>
          )}
        </>
      )}
      {/* Where 「手続きを終了する」 ends the procedure (R7, R12), it is the only way out. */}
      {!((state.phase === 'updated' && online) || (state.phase === 'revoked' && appReturn)) && (
        <button
          type="button"
          class="button wide"
          onClick={() => {
            clearManageState(token);
            onExit();
          }}
        >
          {t(state.phase === 'updated' || state.phase === 'revoked' ? ('manage.finish') : 'manage.backToMenu')}
        </button>
      )}
    </div>
  );
}
