import { useEffect, useState } from 'preact/hooks';
import type { HandoffRejection } from '../../domain/registration/handoff.ts';
import type { RegistrationOutcomeDto } from '../../domain/registration/reception-api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { PendingRegistration } from './flow-state.ts';
import type { QrCode } from './qr-code.tsx';
import { newChallenge, registrationOutcome } from './reception-api.ts';
import { rejectionMessage } from './rejection-message.ts';

/** The tablet learns of the card app's answer by asking every second (well within R6's 2 s). */
const POLL_MS = 1000;

/** The QR encoder loads only when a tablet shows a code, not with the patient's first screen (issue 7). */
function LazyQrCode(props: { value: string; label: string }) {
  const [Qr, setQr] = useState<typeof QrCode | null>(null);
  useEffect(() => {
    let live = true;
    void import('./qr-code.tsx').then((m) => live && setQr(() => m.QrCode));
    return () => {
      live = false;
    };
  }, []);
  return Qr ? <Qr {...props} /> : null;
}

/**
 * R6: hands the patient to the card app — same device (a phone opens the app and comes back)
 * or across devices (the tablet shows a QR code for the patient's own phone) — and moves on by
 * itself once the server has verified the card's answer.
 */
export function HandoffStep({
  registration,
  onRenewed,
  onCompleted,
  title,
}: {
  registration: PendingRegistration;
  onRenewed: (next: PendingRegistration) => void;
  onCompleted: () => void;
  title?: string;
}) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<RegistrationOutcomeDto | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [offline, setOffline] = useState(false);
  const [renewing, setRenewing] = useState(false);
  // P4: the clinic revoked this device; nothing more can be shown here.
  const [revoked, setRevoked] = useState(false);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const result = await registrationOutcome(registration);
      if (stopped) return;
      if (result.ok) {
        setOffline(false);
        setOutcome(result.data);
        if (result.data.status === 'completed') {
          onCompleted();
          return;
        }
      } else if (result.failure.kind === 'server' && result.failure.code === 'device_revoked') {
        setRevoked(true);
        return;
      } else {
        // Keep trying through a lost connection; the choices are safe on the device.
        setOffline(result.failure.kind === 'network');
      }
      setNow(Date.now());
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [registration.id, registration.cardAppUrl]);

  async function renew(sameDevice: boolean) {
    setRenewing(true);
    const result = await newChallenge(registration, sameDevice);
    setRenewing(false);
    if (result.ok) {
      setOutcome(null);
      onRenewed({ ...registration, cardAppUrl: result.data.cardAppUrl, sameDevice });
    } else {
      setOffline(result.failure.kind === 'network');
    }
  }

  const expiresAt = outcome?.challengeExpiresAt ? Date.parse(outcome.challengeExpiresAt) : null;
  const remainingMs = expiresAt === null ? null : Math.max(0, expiresAt - now);
  const expired = remainingMs === 0;
  const failure: HandoffRejection | null = outcome?.status === 'failed' ? outcome.failure : null;

  if (revoked) {
    return (
      <div class="message error" role="alert">
        <p>{t('device.revoked.title')}</p>
        <p>{t('device.revoked.body')}</p>
      </div>
    );
  }

  return (
    <>
      <h2>{title ?? t('handoff.title')}</h2>
      {/* R6 (002 l.3195–3197, FAQ #7): family may help at home; only a legal representative types the PIN for the patient. */}
      <div class="message notice">
        <p>{t('handoff.pinPrivacy')}</p>
        <p>{t('handoff.helpers')}</p>
      </div>
      {offline && (
        <p class="message warning" role="status">
          {t('error.network')}
        </p>
      )}
      {failure || expired ? (
        <div class="message error" role="alert">
          <p>{failure ? rejectionMessage(t, failure) : t('handoff.expired')}</p>
          {failure === 'revocation_unavailable' && (
            // Issue 12 §3: cards cannot be checked until the revocation list is fresh; staff take the outage route.
            <p>
              <a class="link-button" href={`${location.pathname.replace(/\/+$/, '')}/fallback`}>
                {t('fb.menuLink')}
              </a>
            </p>
          )}
          <button type="button" class="button primary" disabled={renewing} onClick={() => void renew(registration.sameDevice)}>
            {t('handoff.renew')}
          </button>
        </div>
      ) : registration.sameDevice ? (
        <>
          <p>{t('handoff.sameDevice.lead')}</p>
          <a class="button primary wide" href={registration.cardAppUrl}>
            {t('handoff.sameDevice.button')}
          </a>
        </>
      ) : (
        <>
          <p>{t('handoff.crossDevice.lead')}</p>
          <div class="qr-frame">
            <LazyQrCode value={registration.cardAppUrl} label={t('handoff.qrAlt')} />
          </div>
          <p class="waiting" role="status">
            <span class="spinner" aria-hidden="true" /> {t('handoff.waiting')}
          </p>
          {remainingMs !== null && (
            <p class="hint">
              {t('handoff.expiresIn', { minutes: String(Math.floor(remainingMs / 60000)), seconds: String(Math.floor(remainingMs / 1000) % 60) })}
            </p>
          )}
          {/* The same link as the QR code, for a phone that cannot scan or for assistive tech. */}
          <p class="hint">
            <a href={registration.cardAppUrl} target="_blank" rel="noopener" data-testid="card-app-link">
              {registration.cardAppUrl}
            </a>
          </p>
        </>
      )}
      <button type="button" class="link-button" disabled={renewing} onClick={() => void renew(!registration.sameDevice)}>
        {registration.sameDevice ? t('handoff.useQr') : t('handoff.useSameDevice')}
      </button>
    </>
  );
}
