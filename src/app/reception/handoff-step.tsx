import { useEffect, useState } from 'preact/hooks';
import { CHALLENGE_TTL_MS, type HandoffRejection } from '../../domain/registration/handoff.ts';
import type { RegistrationOutcomeDto } from '../../domain/registration/reception-api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { PendingRegistration } from './flow-state.ts';
import { prefersSameDevice } from './handoff-path.ts';
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
 * Issue 16 §3: the QR code's remaining time as a ring that empties. The sentence beside it is what
 * a screen reader reads (not live: a countdown read out every second would drown the page); the
 * ring only moves when motion is welcome (styles.css turns its transition off otherwise).
 */
function ExpiryRing({ remainingMs }: { remainingMs: number }) {
  const { t } = useI18n();
  const radius = 31.831; // a circumference of 200: the dash offset is twice the share of time gone
  const left = Math.min(1, remainingMs / CHALLENGE_TTL_MS);
  const minutes = Math.floor(remainingMs / 60000);
  const seconds = Math.floor(remainingMs / 1000) % 60;
  return (
    <div class="expiry">
      {/* The view box is the drawn size, so the 16 px digits are 16 px on screen. */}
      <svg class={`expiry-ring${left < 0.2 ? ' low' : ''}`} viewBox="0 0 72 72" width="72" height="72" aria-hidden="true">
        <circle class="expiry-track" cx="36" cy="36" r={radius} fill="none" stroke-width="6" />
        <circle class="expiry-left" cx="36" cy="36" r={radius} fill="none" stroke-width="6" stroke-dasharray="200 200" stroke-dashoffset={String(200 * (1 - left))} transform="rotate(-90 36 36)" />
        <text x="36" y="42" text-anchor="middle" class="expiry-text">{`${minutes}:${String(seconds).padStart(2, '0')}`}</text>
      </svg>
      <p class="expiry-label" data-testid="qr-expiry">
        {t('handoff.expiresIn', { minutes: String(minutes), seconds: String(seconds) })}
      </p>
    </div>
  );
}

/** Issue 16 §3: the card app's address is copied, never printed (it carries the challenge). */
function CopyLink({ url }: { url: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  useEffect(() => setCopied(null), [url]);
  return (
    <div class="copy-link">
      <button
        type="button"
        class="button"
        onClick={() =>
          void navigator.clipboard.writeText(url).then(
            () => setCopied('yes'),
            () => setCopied('failed'),
          )
        }
      >
        {t('handoff.copyLink')}
      </button>
      <p class={copied === 'failed' ? 'field-error' : 'copy-done'} role="status">
        {copied === 'yes' ? `✓ ${t('handoff.copied')}` : copied === 'failed' ? t('handoff.copyFailed') : ''}
      </p>
    </div>
  );
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
  lead,
}: {
  registration: PendingRegistration;
  onRenewed: (next: PendingRegistration) => void;
  onCompleted: () => void;
  title?: string;
  /** What this card step is for, above the instructions (同意照会・更新 starts here). */
  lead?: string;
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

  // Issue 16 §3: a phone reads the card on its back; a tablet or PC with a card reader on the reader.
  const phone = prefersSameDevice();
  return (
    <>
      <h2>{title ?? t('handoff.title')}</h2>
      {lead && <p>{lead}</p>}
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
          <p>{t(phone ? 'handoff.sameDevice.lead' : 'handoff.reader.lead')}</p>
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
          {remainingMs !== null && <ExpiryRing remainingMs={remainingMs} />}
          {/* The same link as the QR code, for a phone that cannot scan: copied to send, never printed. */}
          <p class="hint copy-hint">{t('handoff.copyHint')}</p>
          <CopyLink url={registration.cardAppUrl} />
        </>
      )}
      <button type="button" class="link-button" disabled={renewing} onClick={() => void renew(!registration.sameDevice)}>
        {registration.sameDevice ? t('handoff.useQr') : t('handoff.useSameDevice')}
      </button>
    </>
  );
}
