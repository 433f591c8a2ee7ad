import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { DEMO_PIN, type SimCardDto } from '../../domain/registration/card-simulator.ts';
import type { ApiFailure } from '../api-client.ts';
import { WithTerms } from '../components/term.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { prefersSameDevice } from '../reception/handoff-path.ts';
import { rejectionMessage } from '../reception/rejection-message.ts';
import { deliverCardAnswer, listCards, readCard, signWithCard } from './card-app-api.ts';

type Phase =
  | { kind: 'loading' }
  | { kind: 'disabled' }
  | { kind: 'badLink' }
  | { kind: 'chooseCard'; cards: SimCardDto[] }
  | { kind: 'pin'; card: SimCardDto }
  /** R2: the card was refused when read, before any PIN; the reason and the other ways to check. */
  | { kind: 'refused'; card: SimCardDto; message: string; faceOnly: boolean }
  | { kind: 'done'; returning: boolean };

/** Only same-origin addresses: the simulator never posts a card's answer anywhere else. */
function sameOriginPath(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value, window.location.href);
    return url.origin === window.location.origin ? url.pathname + url.search : null;
  } catch {
    return null;
  }
}

/**
 * The embedded stand-in for the national card app (R6): choose a demo card in place of holding
 * one to the phone, type the PIN, and the simulated card signs the challenge. The PIN goes to the
 * simulated card only (P2); the reception receives the signed answer and the certificate.
 */
export default function CardAppPage() {
  const { t } = useI18n();
  const { query } = useLocation();
  const challengeId = query.challenge;
  const nonce = query.nonce;
  const callback = sameOriginPath(query.callback);
  const returnTo = sameOriginPath(query.return);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<'reading' | 'sending' | null>(null);

  useEffect(() => {
    if (!challengeId || !nonce || !callback) {
      setPhase({ kind: 'badLink' });
      return;
    }
    void listCards().then((result) => {
      if (result.ok) setPhase({ kind: 'chooseCard', cards: result.data.cards });
      else setPhase({ kind: 'disabled' });
    });
  }, []);

  function cardMessage(failure: ApiFailure): string {
    if (failure.kind === 'network') return t('error.network');
    switch (failure.code) {
      case 'pin_incorrect':
        // The third wrong PIN has just locked the card (F7).
        if (failure.attemptsRemaining === 0) return t('card.lockedMessage');
        return failure.attemptsRemaining === 1 ? t('card.pinIncorrectLast') : t('card.pinIncorrect', { remaining: String(failure.attemptsRemaining ?? 0) });
      case 'card_locked':
        return t('card.lockedMessage');
      case 'face_auth_only':
        return t('card.faceOnlyMessage');
      default:
        return rejectionMessage(t, failure.code);
    }
  }

  /** Holding the card: it is read first, and only a card with a PIN leads to the PIN pad (R2). */
  async function holdCard(card: SimCardDto) {
    setMessage(null);
    setPin('');
    const read = await readCard(card.id);
    if (read.ok) setPhase({ kind: 'pin', card: read.data });
    else {
      const faceOnly = read.failure.kind === 'server' && read.failure.code === 'face_auth_only';
      setPhase({ kind: 'refused', card, message: cardMessage(read.failure), faceOnly });
    }
  }

  async function signAndSend(card: SimCardDto) {
    if (!challengeId || !nonce || !callback) return;
    setMessage(null);
    setBusy('reading');
    const signed = await signWithCard(card.id, { pin, challengeId, nonce });
    setPin('');
    if (!signed.ok) {
      setBusy(null);
      setMessage(cardMessage(signed.failure));
      return;
    }
    // The card's answer goes to the reception's callback: signature and certificate, no PIN.
    setBusy('sending');
    const delivered = await deliverCardAnswer(callback, signed.data);
    setBusy(null);
    if (!delivered.ok) {
      const failure = delivered.failure;
      setMessage(failure.kind === 'network' ? t('error.network') : rejectionMessage(t, failure.code));
      return;
    }
    setPhase({ kind: 'done', returning: returnTo !== null });
    if (returnTo) window.location.assign(returnTo);
  }

  return (
    <>
      <h1>{t('card.title')}</h1>
      <p class="message notice">{t('card.banner')}</p>
      {phase.kind === 'loading' && <p role="status">{t('staff.loading')}</p>}
      {phase.kind === 'disabled' && <p class="message error">{t('card.disabled')}</p>}
      {phase.kind === 'badLink' && <p class="message error">{t('card.badLink')}</p>}
      {phase.kind === 'chooseCard' && (
        <section class="card" aria-labelledby="choose-card">
          <h2 id="choose-card">{t(prefersSameDevice() ? 'card.chooseCard' : 'card.chooseCard.reader')}</h2>
          <ul class="card-list">
            {phase.cards.map((card) => (
              <li key={card.id}>
                <button
                  type="button"
                  class="choice-button"
                  onClick={() => void holdCard(card)}
                >
                  <span class="choice-title">{card.label.ja}</span>
                  {card.locked && <span class="choice-hint">{t('card.locked')}</span>}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {phase.kind === 'pin' && (
        <section class="card pin-card" aria-labelledby="pin-title">
          <p class="chosen-card">{phase.card.label.ja}</p>
          <h2 id="pin-title">{t('card.pinTitle')}</h2>
          <p class="hint">{t('card.pinHint', { pin: DEMO_PIN })}</p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void signAndSend(phase.card);
            }}
          >
            <label class="visually-hidden" for="pin">
              {t('card.pinTitle')}
            </label>
            <input
              id="pin"
              class="pin-input"
              type="password"
              inputMode="numeric"
              autocomplete="off"
              maxLength={4}
              pattern="[0-9]*"
              value={pin}
              onInput={(e) => setPin(e.currentTarget.value.replace(/\D/g, '').slice(0, 4))}
            />
            <p class="hint" aria-live="polite">
              {t('card.pinDigits', { count: String(pin.length) })}
            </p>
            <div class="pin-pad">
              {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => (
                <button key={d} type="button" class="pin-key" onClick={() => setPin((p) => (p.length < 4 ? p + d : p))}>
                  {d}
                </button>
              ))}
              <button type="button" class="pin-key" aria-label={t('card.clear')} onClick={() => setPin('')}>
                C
              </button>
              <button type="button" class="pin-key" onClick={() => setPin((p) => (p.length < 4 ? `${p}0` : p))}>
                0
              </button>
              <button type="button" class="pin-key" aria-label={t('card.delete')} onClick={() => setPin((p) => p.slice(0, -1))}>
                ⌫
              </button>
            </div>
            {message && (
              <p class="message error" role="alert">
                {message}
              </p>
            )}
            <button type="submit" class="button primary wide" disabled={busy !== null || pin.length !== 4}>
              {busy === 'reading' ? t('card.submitting') : busy === 'sending' ? t('card.sending') : t('card.submit')}
            </button>
          </form>
          <button type="button" class="link-button" onClick={() => void reloadCards()}>
            {t('card.otherCard')}
          </button>
        </section>
      )}
      {phase.kind === 'refused' && (
        <section class="card pin-card" aria-labelledby="refused-title">
          <p class="chosen-card">{phase.card.label.ja}</p>
          <div class="message error" role="alert">
            <p id="refused-title">{phase.message}</p>
            {phase.faceOnly && (
              <>
                <p>{t('card.faceOnly.alternatives')}</p>
                <ul>
                  <li>{t('card.faceOnly.certificate')}</li>
                  <li>{t('card.faceOnly.cardWithNotice')}</li>
                  <li>{t('card.faceOnly.healthInsuranceCard')}</li>
                  <li>
                    <WithTerms text={t('card.faceOnly.declaration')} />
                  </li>
                </ul>
              </>
            )}
          </div>
          <button type="button" class="link-button" onClick={() => void reloadCards()}>
            {t('card.otherCard')}
          </button>
        </section>
      )}
      {phase.kind === 'done' && (
        <p class="message success" role="status">
          {phase.returning ? t('card.doneReturn') : t('card.doneOther')}
        </p>
      )}
    </>
  );

  async function reloadCards() {
    const result = await listCards();
    setPhase(result.ok ? { kind: 'chooseCard', cards: result.data.cards } : { kind: 'disabled' });
  }
}
