import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../i18n/ja.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';
import { discardRejected, flushOutbox, subscribeOutbox, type OutboxEntrySummary } from './outbox.ts';
import { persistentStorageResult } from './persistence.ts';
import './outbox-badge.css';

/** Reasons the server gives for a refusal (4xx) that staff can act on; anything else is shown by code. */
const REASON_KEYS: Partial<Record<string, MessageKey>> = {
  declaration_conflict: 'outbox.reason.conflict',
  guide_record_conflict: 'outbox.reason.conflict',
  link_invalid: 'outbox.reason.linkInvalid',
  validation_failed: 'outbox.reason.validation',
  payload_too_large: 'outbox.reason.tooLarge',
  device_revoked: 'outbox.reason.deviceRevoked',
};

function reasonOf(entry: OutboxEntrySummary, t: Translate): string {
  const error = entry.lastError;
  if (!error) return t('outbox.reason.other', { code: '?' });
  const key = REASON_KEYS[error.code];
  if (!key) return t('outbox.reason.other', { code: error.code });
  return t(key, { count: String(Object.keys(error.fields ?? {}).length) });
}

/**
 * 「未送信 2件」 on every page while declarations wait on this device (P4), with 「今すぐ送信」 and
 * the reason for each one the server refused. It never decrypts: no patient data on screen.
 */
export function OutboxBadge() {
  const { t, lang } = useI18n();
  const [entries, setEntries] = useState<OutboxEntrySummary[]>([]);
  const [unreadable, setUnreadable] = useState(0);
  const [busy, setBusy] = useState(false);
  const [notSent, setNotSent] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);

  useEffect(
    () =>
      subscribeOutbox((next, lost) => {
        setEntries(next);
        setUnreadable(lost);
      }),
    [],
  );

  if (entries.length === 0 && unreadable === 0) return null;

  const sendNow = async () => {
    setBusy(true);
    setNotSent(false);
    try {
      const result = await flushOutbox();
      setNotSent(result.waiting > 0);
    } catch {
      setNotSent(true);
    } finally {
      setBusy(false);
    }
  };

  const time = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Asia/Tokyo',
  });
  const rejected = entries.filter((e) => e.state === 'rejected');
  // issue 12 #13: held, not refused: sent once a valid link of the clinic is opened here.
  const attention = entries.filter((e) => e.state === 'attention');
  const waiting = entries.filter((e) => e.state === 'queued' || e.state === 'sending');
  const sending = entries.some((e) => e.state === 'sending');

  return (
    <section class="outbox-badge" aria-label={t('outbox.region')}>
      <div class="outbox-badge-row">
        <p class="outbox-count" role="status">
          <strong>{t('outbox.unsent', { count: String(entries.length) })}</strong>
          {sending && <span> {t('outbox.sending')}</span>}
        </p>
        {waiting.length > 0 && (
          <button type="button" class="button" disabled={busy} onClick={() => void sendNow()}>
            {t('outbox.sendNow')}
          </button>
        )}
      </div>
      {notSent && <p role="alert">{t('outbox.notSent')}</p>}
      {rejected.length > 0 && (
        <ul class="outbox-rejected">
          {rejected.map((entry) => (
            <li key={entry.id}>
              <p>
                <strong>{t('outbox.rejectedTitle', { time: time.format(entry.queuedAt) })}</strong> {reasonOf(entry, t)}
              </p>
              {confirming === entry.id ? (
                <div class="button-row" role="group" aria-label={t('outbox.discardConfirm')}>
                  <span>{t('outbox.discardConfirm')}</span>
                  <button type="button" class="button danger-solid" onClick={() => void discardRejected(entry.id).finally(() => setConfirming(null)).catch(() => undefined)}>
                    {t('outbox.discardYes')}
                  </button>
                  <button type="button" class="button" onClick={() => setConfirming(null)}>
                    {t('outbox.discardNo')}
                  </button>
                </div>
              ) : (
                <button type="button" class="button danger" onClick={() => setConfirming(entry.id)}>
                  {t('outbox.discard')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {attention.length > 0 && (
        <ul class="outbox-rejected" data-testid="outbox-attention">
          {attention.map((entry) => (
            <li key={entry.id}>
              <p>
                <strong>{t('outbox.attentionTitle', { time: time.format(entry.queuedAt) })}</strong> {reasonOf(entry, t)}
              </p>
              <p>{t('outbox.attentionHint')}</p>
            </li>
          ))}
        </ul>
      )}
      {unreadable > 0 && <p>{t('outbox.unreadable', { count: String(unreadable) })}</p>}
      {entries.length > 0 && persistentStorageResult() === 'denied' && <p>{t('outbox.persistDenied')}</p>}
    </section>
  );
}
