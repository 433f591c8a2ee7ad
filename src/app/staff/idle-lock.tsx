import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { SESSION_LOCKED_EVENT } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { lockSession, logout, signalActivity, unlockSession } from './auth-api.ts';
import { Field } from './field.tsx';
import { failureMessage } from './section-failure.ts';

/** P4: minutes without a touch, click or key before the console locks itself. */
export const IDLE_LOCK_DEFAULT_SECONDS = 5 * 60;
/** Overrides the idle time in seconds on this device (tests use a few seconds). */
export const IDLE_LOCK_STORAGE_KEY = 'zaitaku.staff.idleLockSeconds';

function idleLockMs(): number {
  try {
    const stored = Number(localStorage.getItem(IDLE_LOCK_STORAGE_KEY));
    if (Number.isFinite(stored) && stored > 0) return stored * 1000;
  } catch {
    // Storage refused: the default applies.
  }
  return IDLE_LOCK_DEFAULT_SECONDS * 1000;
}

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'scroll'] as const;
/**
 * The server locks the session after its own five idle minutes (issue 12 #10) and counts only
 * requests: while someone reads or types without sending anything, the console tells it so,
 * at most this often. There is no timer: a tablet nobody touches sends nothing.
 */
const ACTIVITY_SIGNAL_MS = 30 * 1000;

/**
 * P4 idle lock for shared tablets: after a few idle minutes everything on screen is hidden
 * (made `inert` and `hidden`, so nothing is visible, focusable or read aloud, while what was
 * typed survives) until the signed-in person enters their password again. The server keeps the
 * same lock in the session (issue 12 #10); an expired session ends at the lock screen.
 */
export function IdleLock({ children, onSessionEnded }: { children: ComponentChildren; onSessionEnded: () => void }) {
  const [locked, setLocked] = useState(false);
  const lastActivity = useRef(Date.now());
  const lastSignal = useRef(Date.now());

  useEffect(() => {
    // Any call answered `session_locked` (the server's idle lock, or another tab's) locks this screen too.
    const lock = () => setLocked(true);
    window.addEventListener(SESSION_LOCKED_EVENT, lock);
    return () => window.removeEventListener(SESSION_LOCKED_EVENT, lock);
  }, []);

  useEffect(() => {
    if (locked) return;
    const limit = idleLockMs();
    lastActivity.current = Date.now();
    lastSignal.current = Date.now();
    const mark = () => {
      const now = Date.now();
      lastActivity.current = now;
      if (now - lastSignal.current >= ACTIVITY_SIGNAL_MS) {
        lastSignal.current = now;
        void signalActivity();
      }
    };
    for (const name of ACTIVITY_EVENTS) document.addEventListener(name, mark, { capture: true, passive: true });
    // Checked every second rather than one long timer, so a sleeping tablet locks on waking.
    const timer = setInterval(() => {
      if (Date.now() - lastActivity.current >= limit) setLocked(true);
    }, Math.min(1000, limit / 2));
    return () => {
      for (const name of ACTIVITY_EVENTS) document.removeEventListener(name, mark, { capture: true });
      clearInterval(timer);
    };
  }, [locked]);

  useEffect(() => {
    if (!locked) return;
    // Nothing of the console stays focused behind the lock.
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    // The session itself is locked on the server at once, so another tab or a copied cookie
    // does not carry on behind the lock screen (issue 12 #10).
    void lockSession();
  }, [locked]);

  return (
    <>
      <div class="idle-lock-content" inert={locked} hidden={locked} aria-hidden={locked ? 'true' : undefined}>
        {children}
      </div>
      {locked && <LockScreen onUnlocked={() => setLocked(false)} onSessionEnded={onSessionEnded} />}
    </>
  );
}

/** The lock screen alone: also shown when the console opens on a session the server has locked. */
export function LockScreen({ onUnlocked, onSessionEnded }: { onUnlocked: () => void; onSessionEnded: () => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setFormError(null);
    if (password.length === 0) {
      setFieldError(t('staff.login.required'));
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    const result = await unlockSession(password);
    setBusy(false);
    setPassword('');
    if (result.ok) {
      onUnlocked();
      return;
    }
    if (result.failure.kind === 'server' && result.failure.code === 'login_failed') setFormError(t('staffAuth.lock.failed'));
    else if (result.failure.kind === 'server' && result.failure.status === 401) onSessionEnded();
    else setFormError(failureMessage(t, result.failure));
  }

  return (
    <div class="idle-lock" role="dialog" aria-modal="true" aria-labelledby="idle-lock-title">
      <form class="card form" onSubmit={submit} noValidate>
        <h2 id="idle-lock-title">{t('staffAuth.lock.title')}</h2>
        <p>{t('staffAuth.lock.body')}</p>
        {formError && (
          <p class="message error" role="alert">
            {formError}
          </p>
        )}
        <Field id="unlockPassword" label={t('staff.login.password')} error={fieldError}>
          <input
            id="unlockPassword"
            name="unlockPassword"
            type="password"
            autocomplete="current-password"
            autofocus
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            aria-invalid={fieldError ? 'true' : undefined}
            aria-describedby={fieldError ? 'unlockPassword-error' : undefined}
          />
        </Field>
        <div class="button-row">
          <button type="submit" class="button primary" disabled={busy}>
            {t('staffAuth.lock.unlock')}
          </button>
          <button
            type="button"
            class="button"
            onClick={async () => {
              await logout();
              onSessionEnded();
            }}
          >
            {t('staff.logout')}
          </button>
        </div>
      </form>
    </div>
  );
}
