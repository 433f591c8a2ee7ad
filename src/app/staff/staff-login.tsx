import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { useState } from 'preact/hooks';
import { loginRequestSchema } from '../../domain/shared/api.ts';
import type { LoginStepResponse, TotpEnrolmentStart } from '../../domain/staff/staff-auth.ts';
import type { ApiFailure } from '../api-client.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';
import { QrCode } from '../reception/qr-code.tsx';
import { login, logout, passkeyEnrolOptions, passkeyEnrolVerify, passkeySignInOptions, passkeySignInVerify, totpEnrolFinish, totpEnrolStart, verifyCode } from './auth-api.ts';
import { Field } from './field.tsx';
import { failureMessage } from './section-failure.ts';

/**
 * Staff login in two steps (P3): the password, then a second factor — a TOTP code from an
 * authenticator app, a passkey, or a recovery code. An account without any factor sets one up
 * right there, and then sees its ten recovery codes once.
 */
type Step =
  | { kind: 'password' }
  | { kind: 'factor'; methods: LoginStepResponse['methods'] }
  | { kind: 'enrol' }
  | { kind: 'recoveryCodes'; codes: string[] };

export function LoginFlow({ onSignedIn, initial }: { onSignedIn: () => void; initial?: LoginStepResponse | undefined }) {
  const [step, setStep] = useState<Step>(
    initial ? (initial.next === 'enrol' ? { kind: 'enrol' } : { kind: 'factor', methods: initial.methods }) : { kind: 'password' },
  );
  const restart = async () => {
    await logout();
    setStep({ kind: 'password' });
  };
  switch (step.kind) {
    case 'password':
      return <PasswordForm onNext={(next) => setStep(next.next === 'enrol' ? { kind: 'enrol' } : { kind: 'factor', methods: next.methods })} />;
    case 'factor':
      return <SecondFactorForm methods={step.methods} onSignedIn={onSignedIn} onRestart={restart} />;
    case 'enrol':
      return (
        <EnrolForm
          onEnrolled={(codes) => (codes.length > 0 ? setStep({ kind: 'recoveryCodes', codes }) : onSignedIn())}
          onRestart={restart}
        />
      );
    case 'recoveryCodes':
      return <RecoveryCodesCard codes={step.codes} onDone={onSignedIn} />;
  }
}

/** Issue 12: a locked account or too many attempts, at either step. */
function limitFailure(t: Translate, failure: ApiFailure): string | null {
  if (failure.kind === 'server' && failure.code === 'account_locked') return t('staff.login.locked');
  if (failure.kind === 'server' && failure.code === 'rate_limited') return t('staff.login.tooMany');
  return null;
}

/** A failed second factor or an expired password-only session: say which. */
function factorFailure(t: Translate, failure: ApiFailure): string {
  if (failure.kind === 'server' && failure.code === 'second_factor_failed') return t('staffAuth.factor.failed');
  const limited = limitFailure(t, failure);
  if (limited) return limited;
  if (failure.kind === 'server' && failure.status === 401) return t('staffAuth.factor.expired');
  return failureMessage(t, failure);
}

function PasswordForm({ onNext }: { onNext: (next: LoginStepResponse) => void }) {
  const { t } = useI18n();
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<'loginId' | 'password', string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setFormError(null);
    const parsed = loginRequestSchema.safeParse({ loginId, password });
    if (!parsed.success) {
      const errors: Partial<Record<'loginId' | 'password', string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (field === 'loginId' || field === 'password') errors[field] = t('staff.login.required');
      }
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    setSubmitting(true);
    const result = await login(parsed.data);
    setSubmitting(false);
    if (result.ok) {
      onNext(result.data);
      return;
    }
    // What was typed stays in the form; only the password is cleared after a refused login.
    if (result.failure.kind === 'server' && result.failure.code === 'login_failed') {
      setPassword('');
      setFormError(t('staff.login.failed'));
    } else if (result.failure.kind === 'server' && result.failure.code === 'institution_inactive') {
      setFormError(t('staff.login.inactive'));
    } else {
      setFormError(limitFailure(t, result.failure) ?? failureMessage(t, result.failure));
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="login-title">
      <h2 id="login-title">{t('staff.login.title')}</h2>
      {formError && (
        <p class="message error" role="alert">
          {formError}
        </p>
      )}
      <Field id="loginId" label={t('staff.login.loginId')} error={fieldErrors.loginId}>
        <input
          id="loginId"
          name="loginId"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          value={loginId}
          onInput={(e) => setLoginId(e.currentTarget.value)}
          aria-invalid={fieldErrors.loginId ? 'true' : undefined}
          aria-describedby={fieldErrors.loginId ? 'loginId-error' : undefined}
        />
      </Field>
      <Field id="password" label={t('staff.login.password')} error={fieldErrors.password}>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          aria-invalid={fieldErrors.password ? 'true' : undefined}
          aria-describedby={fieldErrors.password ? 'password-error' : undefined}
        />
      </Field>
      <button type="submit" class="button primary" disabled={submitting}>
        {submitting ? t('staff.login.submitting') : t('staff.login.submit')}
      </button>
      <p class="register-link">
        <a href="/staff/register">{t('inst.register.fromLogin')}</a>
      </p>
    </form>
  );
}

/** Runs the browser's passkey sign-in against the server's options; null on success, else the failure text. */
export async function passkeySignIn(t: Translate): Promise<string | null> {
  const options = await passkeySignInOptions();
  if (!options.ok) return factorFailure(t, options.failure);
  let response;
  try {
    response = await startAuthentication({ optionsJSON: options.data });
  } catch {
    return t('staffAuth.passkey.cancelled');
  }
  const verified = await passkeySignInVerify(response);
  return verified.ok ? null : factorFailure(t, verified.failure);
}

/** Registers a passkey on this device; returns the recovery codes issued (first factor only) or an error text. */
export async function passkeyRegister(t: Translate): Promise<{ ok: true; codes: string[] } | { ok: false; message: string }> {
  const options = await passkeyEnrolOptions();
  if (!options.ok) return { ok: false, message: factorFailure(t, options.failure) };
  let response;
  try {
    response = await startRegistration({ optionsJSON: options.data });
  } catch {
    return { ok: false, message: t('staffAuth.passkey.cancelled') };
  }
  const verified = await passkeyEnrolVerify(response);
  return verified.ok ? { ok: true, codes: verified.data.recoveryCodes } : { ok: false, message: factorFailure(t, verified.failure) };
}

function SecondFactorForm({ methods, onSignedIn, onRestart }: { methods: LoginStepResponse['methods']; onSignedIn: () => void; onRestart: () => void }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<'totp' | 'recovery'>(methods.includes('totp') ? 'totp' : 'recovery');
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setFormError(null);
    const value = code.trim();
    if (mode === 'totp' ? !/^\d{6}$/.test(value) : value.length < 8) {
      setFieldError(mode === 'totp' ? t('staffAuth.totp.format') : t('staffAuth.recovery.format'));
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    const result = await verifyCode(mode, value);
    setBusy(false);
    if (result.ok) {
      onSignedIn();
      return;
    }
    setCode('');
    setFormError(factorFailure(t, result.failure));
  }

  async function usePasskey() {
    setFormError(null);
    setBusy(true);
    const failure = await passkeySignIn(t);
    setBusy(false);
    if (failure === null) onSignedIn();
    else setFormError(failure);
  }

  const fieldId = mode === 'totp' ? 'totpCode' : 'recoveryCode';
  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="factor-title">
      <h2 id="factor-title">{t('staffAuth.factor.title')}</h2>
      {formError && (
        <p class="message error" role="alert">
          {formError}
        </p>
      )}
      {methods.includes('passkey') && (
        <p>
          <button type="button" class="button primary" onClick={() => void usePasskey()} disabled={busy}>
            {t('staffAuth.passkey.signIn')}
          </button>
        </p>
      )}
      <Field
        id={fieldId}
        label={mode === 'totp' ? t('staffAuth.totp.code') : t('staffAuth.recovery.code')}
        hint={mode === 'totp' ? t('staffAuth.totp.hint') : t('staffAuth.recovery.hint')}
        error={fieldError}
      >
        <input
          id={fieldId}
          name={fieldId}
          inputMode={mode === 'totp' ? 'numeric' : 'text'}
          autocomplete="one-time-code"
          autocapitalize="none"
          spellcheck={false}
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
          aria-invalid={fieldError ? 'true' : undefined}
          aria-describedby={`${fieldId}-hint${fieldError ? ` ${fieldId}-error` : ''}`}
        />
      </Field>
      <div class="button-row">
        <button type="submit" class="button primary" disabled={busy}>
          {t('staffAuth.factor.submit')}
        </button>
        {methods.includes('totp') && methods.includes('recovery') && (
          <button
            type="button"
            class="button"
            onClick={() => {
              setMode(mode === 'totp' ? 'recovery' : 'totp');
              setCode('');
              setFieldError(undefined);
            }}
          >
            {mode === 'totp' ? t('staffAuth.recovery.use') : t('staffAuth.totp.use')}
          </button>
        )}
        <button type="button" class="button" onClick={onRestart}>
          {t('staffAuth.factor.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Forced enrolment after the first password: an authenticator app (QR) or a passkey. */
function EnrolForm({ onEnrolled, onRestart }: { onEnrolled: (codes: string[]) => void; onRestart: () => void }) {
  const { t } = useI18n();
  return (
    <section class="card form" aria-labelledby="enrol-title">
      <h2 id="enrol-title">{t('staffAuth.enrol.title')}</h2>
      <p>{t('staffAuth.enrol.intro')}</p>
      <TotpEnrolment onEnrolled={onEnrolled} />
      <PasskeyEnrolment onEnrolled={onEnrolled} />
      <p>
        <button type="button" class="button" onClick={onRestart}>
          {t('staffAuth.factor.cancel')}
        </button>
      </p>
    </section>
  );
}

export function TotpEnrolment({ onEnrolled }: { onEnrolled: (codes: string[]) => void }) {
  const { t } = useI18n();
  const [started, setStarted] = useState<TotpEnrolmentStart | null>(null);
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function start() {
    setError(null);
    const result = await totpEnrolStart();
    if (result.ok) setStarted(result.data);
    else setError(factorFailure(t, result.failure));
  }

  async function finish(event: Event) {
    event.preventDefault();
    setError(null);
    if (!/^\d{6}$/.test(code.trim())) {
      setFieldError(t('staffAuth.totp.format'));
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    const result = await totpEnrolFinish(code.trim());
    setBusy(false);
    if (result.ok) onEnrolled(result.data.recoveryCodes);
    else {
      setCode('');
      setError(factorFailure(t, result.failure));
    }
  }

  return (
    <div class="enrol-option">
      <h3>{t('staffAuth.enrol.totpTitle')}</h3>
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      {!started ? (
        <button type="button" class="button" onClick={() => void start()}>
          {t('staffAuth.enrol.totpStart')}
        </button>
      ) : (
        <form onSubmit={finish} noValidate>
          <p>{t('staffAuth.enrol.totpScan')}</p>
          <QrCode value={started.uri} label={t('staffAuth.enrol.qrLabel')} size={200} />
          <p>
            {t('staffAuth.enrol.totpSecret')} <code class="totp-secret">{started.secret}</code>
          </p>
          <Field id="enrolTotpCode" label={t('staffAuth.totp.code')} error={fieldError}>
            <input
              id="enrolTotpCode"
              name="enrolTotpCode"
              inputMode="numeric"
              autocomplete="one-time-code"
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
              aria-invalid={fieldError ? 'true' : undefined}
              aria-describedby={fieldError ? 'enrolTotpCode-error' : undefined}
            />
          </Field>
          <button type="submit" class="button primary" disabled={busy}>
            {t('staffAuth.enrol.totpFinish')}
          </button>
        </form>
      )}
    </div>
  );
}

export function PasskeyEnrolment({ onEnrolled }: { onEnrolled: (codes: string[]) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div class="enrol-option">
      <h3>{t('staffAuth.enrol.passkeyTitle')}</h3>
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        class="button"
        disabled={busy}
        onClick={async () => {
          setError(null);
          setBusy(true);
          const result = await passkeyRegister(t);
          setBusy(false);
          if (result.ok) onEnrolled(result.codes);
          else setError(result.message);
        }}
      >
        {t('staffAuth.passkey.add')}
      </button>
    </div>
  );
}

/** Shown once: the server keeps only hashes. */
export function RecoveryCodesCard({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <section class="card" aria-labelledby="recovery-title">
      <h2 id="recovery-title">{t('staffAuth.recovery.title')}</h2>
      <p>{t('staffAuth.recovery.intro')}</p>
      <ol class="recovery-codes" aria-label={t('staffAuth.recovery.title')}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <button type="button" class="button primary" onClick={onDone}>
        {t('staffAuth.recovery.done')}
      </button>
    </section>
  );
}
