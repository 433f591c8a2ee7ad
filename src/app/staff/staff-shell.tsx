import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loginRequestSchema, type StaffMeResponse } from '../../domain/api.ts';
import type { Permission } from '../../domain/roles.ts';
import { api, type ApiFailure } from '../api-client.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';

export type StaffSection = 'home' | 'revoke' | 'requery' | 'batch' | 'lists' | 'inbox' | 'clinical' | 'audit';

type State = { kind: 'loading' } | { kind: 'signedOut' } | { kind: 'signedIn'; me: StaffMeResponse } | { kind: 'failed'; failure: ApiFailure };

export function failureMessage(t: Translate, failure: ApiFailure): string {
  return failure.kind === 'network' ? t('error.network') : t('error.server');
}

/** A section with a `permission` is listed only for roles that have it (domain/roles.ts); the server refuses the rest anyway. */
const SECTIONS: ReadonlyArray<{ section: StaffSection; href: string; permission?: Permission }> = [
  { section: 'home', href: '/staff' },
  { section: 'revoke', href: '/staff/revoke' },
  { section: 'requery', href: '/staff/requery' },
  { section: 'batch', href: '/staff/batch' },
  { section: 'lists', href: '/staff/lists' },
  { section: 'inbox', href: '/staff/inbox' },
  { section: 'clinical', href: '/staff/clinical', permission: 'clinical.view' },
  { section: 'audit', href: '/staff/audit', permission: 'audit.view' },
];

/**
 * Every staff screen: the login when there is no session, otherwise who is signed in, the
 * sections and the screen itself. The server guards every staff route too; this only decides
 * what to show.
 */
export function StaffShell({ section, children }: { section: StaffSection; children: (me: StaffMeResponse) => ComponentChildren }) {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ kind: 'loading' });

  async function loadMe() {
    const result = await api<StaffMeResponse>('/staff/me');
    if (result.ok) setState({ kind: 'signedIn', me: result.data });
    else if (result.failure.kind === 'server' && result.failure.status === 401) setState({ kind: 'signedOut' });
    else setState({ kind: 'failed', failure: result.failure });
  }
  useEffect(() => {
    void loadMe();
  }, []);

  return (
    <>
      <h1>{section === 'home' ? t('staff.title') : t(`staffLc.section.${section}`)}</h1>
      {state.kind === 'loading' && <p role="status">{t('staff.loading')}</p>}
      {state.kind === 'failed' && (
        <p class="message error" role="alert">
          {failureMessage(t, state.failure)}
        </p>
      )}
      {state.kind === 'signedOut' && <LoginForm onSignedIn={() => void loadMe()} />}
      {state.kind === 'signedIn' && (
        <>
          <div class="toolbar">
            <p>{t('staff.signedInAs', { name: state.me.staff.displayName, role: t(`staff.role.${state.me.staff.role}`) })}</p>
            <button
              type="button"
              class="button"
              onClick={async () => {
                await api('/staff/logout', { method: 'POST' });
                setState({ kind: 'signedOut' });
              }}
            >
              {t('staff.logout')}
            </button>
          </div>
          <nav class="staff-nav" aria-label={t('staffLc.nav.label')}>
            <ul>
              {SECTIONS.filter((s) => !s.permission || state.me.permissions.includes(s.permission)).map((s) => (
                <li key={s.section}>
                  <a href={s.href} aria-current={s.section === section ? 'page' : undefined}>
                    {t(`staffLc.nav.${s.section}`)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {children(state.me)}
        </>
      )}
    </>
  );
}

function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
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
    const result = await api('/staff/login', { method: 'POST', body: parsed.data });
    setSubmitting(false);
    if (result.ok) {
      onSignedIn();
      return;
    }
    // What was typed stays in the form; only the password is cleared after a refused login.
    if (result.failure.kind === 'server' && result.failure.code === 'login_failed') {
      setPassword('');
      setFormError(t('staff.login.failed'));
    } else {
      setFormError(failureMessage(t, result.failure));
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
    </form>
  );
}

export function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string | undefined;
  error: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
