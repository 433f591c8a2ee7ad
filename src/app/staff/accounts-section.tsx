import { useEffect, useState } from 'preact/hooks';
import { STAFF_ROLES, type StaffRole } from '../../domain/staff/roles.ts';
import { createAccountSchema, type StaffAccountDto } from '../../domain/staff/staff-auth.ts';
import type { ApiFailure } from '../api-client.ts';
import { formatInstant } from '../reception/format.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';
import { changeAccount, createAccount, listAccounts, type AccountChange } from './accounts-api.ts';
import { Field } from './field.tsx';
import { failureMessage } from './section-failure.ts';
import { DataTable } from './data-table.tsx';

type FormField = 'loginId' | 'displayName' | 'role' | 'password';

function accountFailure(t: Translate, failure: ApiFailure): string {
  if (failure.kind === 'server' && failure.code === 'last_admin') return t('staffAccounts.lastAdmin');
  if (failure.kind === 'server' && failure.code === 'login_id_taken') return t('staffAccounts.loginIdTaken');
  return failureMessage(t, failure);
}

/** Accounts of the own institution (administrators): create, change role, reset factors, disable. */
export function AccountsSection({ selfId }: { selfId: string }) {
  const { t, lang } = useI18n();
  const [accounts, setAccounts] = useState<StaffAccountDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function load() {
    const result = await listAccounts();
    if (result.ok) setAccounts(result.data.accounts);
    else setError(accountFailure(t, result.failure));
  }
  useEffect(() => {
    void load();
  }, []);

  async function act(account: StaffAccountDto, change: AccountChange, body: { role: StaffRole } | undefined, done: string, confirmText?: string) {
    if (confirmText && !window.confirm(confirmText)) return;
    setError(null);
    setNotice(null);
    const result = await changeAccount(account.id, change, body);
    if (result.ok) {
      setNotice(done);
      await load();
    } else setError(accountFailure(t, result.failure));
  }

  return (
    <>
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p class="message success" role="status">
          {notice}
        </p>
      )}
      <section class="card" aria-labelledby="accounts-title">
        <h2 id="accounts-title">{t('staffAccounts.listTitle')}</h2>
        {accounts && (
          <DataTable columns={[t('staff.login.loginId'), t('staffAccounts.displayName'), t('staffAccounts.role'), t('staffAccounts.factors'), t('staffAccounts.actions')]} label={t('staffAccounts.table')}>
            {accounts.map((a) => (
              <tr key={a.id}>
                <td>{a.loginId}</td>
                <td>
                  {a.displayName}
                  {a.disabled && <span class="badge"> {t('staffAccounts.disabled')}</span>}
                  {a.lockedUntil && <span class="badge"> {t('staffAccounts.locked', { until: formatInstant(a.lockedUntil, lang) })}</span>}
                </td>
                <td>
                  <label class="visually-hidden" for={`role-${a.id}`}>
                    {t('staffAccounts.roleOf', { name: a.displayName })}
                  </label>
                  <select
                    id={`role-${a.id}`}
                    value={a.role}
                    disabled={a.disabled}
                    onChange={(e) =>
                      void act(a, 'role', { role: e.currentTarget.value as StaffRole }, t('staffAccounts.roleChanged', { name: a.displayName }))
                    }
                  >
                    {STAFF_ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`staff.role.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {[a.hasTotp ? t('staffAccounts.factorTotp') : null, a.passkeys > 0 ? t('staffAccounts.factorPasskeys', { count: String(a.passkeys) }) : null]
                    .filter(Boolean)
                    .join('・') || t('staffAccounts.factorNone')}
                </td>
                <td>
                  {!a.disabled && (
                    <div class="button-row">
                      {a.lockedUntil && (
                        <button type="button" class="button" onClick={() => void act(a, 'unlock', undefined, t('staffAccounts.unlockDone', { name: a.displayName }))}>
                          {t('staffAccounts.unlock')}
                        </button>
                      )}
                      <button
                        type="button"
                        class="button"
                        onClick={() =>
                          void act(a, 'reset-factors', undefined, t('staffAccounts.resetDone', { name: a.displayName }), t('staffAccounts.resetConfirm', { name: a.displayName }))
                        }
                      >
                        {t('staffAccounts.reset')}
                      </button>
                      {a.id !== selfId && (
                        <button
                          type="button"
                          class="button danger"
                          onClick={() =>
                            void act(a, 'disable', undefined, t('staffAccounts.disableDone', { name: a.displayName }), t('staffAccounts.disableConfirm', { name: a.displayName }))
                          }
                        >
                          {t('staffAccounts.disable')}
                        </button>
                      )}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <CreateAccountForm
        onCreated={(a) => {
          setNotice(t('staffAccounts.created', { name: a.displayName }));
          void load();
        }}
      />
    </>
  );
}

function CreateAccountForm({ onCreated }: { onCreated: (a: StaffAccountDto) => void }) {
  const { t } = useI18n();
  const [values, setValues] = useState<Record<FormField, string>>({ loginId: '', displayName: '', role: 'clerk', password: '' });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FormField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: FormField) => (e: { currentTarget: { value: string } }) => setValues({ ...values, [field]: e.currentTarget.value });

  async function submit(event: Event) {
    event.preventDefault();
    setFormError(null);
    const parsed = createAccountSchema.safeParse(values);
    if (!parsed.success) {
      const errors: Partial<Record<FormField, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as FormField;
        errors[field] ??= t(`staffAccounts.error.${field}`);
      }
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    const result = await createAccount(parsed.data);
    setBusy(false);
    if (result.ok) {
      setValues({ loginId: '', displayName: '', role: 'clerk', password: '' });
      onCreated(result.data);
    } else setFormError(accountFailure(t, result.failure));
  }

  const input = (field: Exclude<FormField, 'role'>, extra: Record<string, string> = {}) => (
    <input
      id={`new-${field}`}
      name={field}
      value={values[field]}
      onInput={set(field)}
      aria-invalid={fieldErrors[field] ? 'true' : undefined}
      aria-describedby={`new-${field}-hint${fieldErrors[field] ? ` new-${field}-error` : ''}`}
      {...extra}
    />
  );

  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="new-account-title">
      <h2 id="new-account-title">{t('staffAccounts.createTitle')}</h2>
      {formError && (
        <p class="message error" role="alert">
          {formError}
        </p>
      )}
      <Field id="new-loginId" label={t('staff.login.loginId')} hint={t('staffAccounts.hint.loginId')} error={fieldErrors.loginId}>
        {input('loginId', { autocapitalize: 'none', autocomplete: 'off', spellcheck: 'false' })}
      </Field>
      <Field id="new-displayName" label={t('staffAccounts.displayName')} hint={t('staffAccounts.hint.displayName')} error={fieldErrors.displayName}>
        {input('displayName', { autocomplete: 'off' })}
      </Field>
      <Field id="new-role" label={t('staffAccounts.role')} error={fieldErrors.role}>
        <select id="new-role" name="role" value={values.role} onChange={set('role')}>
          {STAFF_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`staff.role.${r}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="new-password" label={t('staffAccounts.initialPassword')} hint={t('staffAccounts.hint.password')} error={fieldErrors.password}>
        {input('password', { type: 'password', autocomplete: 'new-password' })}
      </Field>
      <button type="submit" class="button primary" disabled={busy}>
        {t('staffAccounts.create')}
      </button>
    </form>
  );
}
