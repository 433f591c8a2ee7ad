import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { checkInstitutionCode } from '../../domain/institution/institution-code.ts';
import { MIN_PASSWORD_LENGTH } from '../../domain/institution/institution-api.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';
import { registerInstitution } from './institution-api.ts';
import { Field } from './field.tsx';
import { failureMessage } from './section-failure.ts';

type FieldName = 'code' | 'activationCode' | 'name' | 'loginId' | 'displayName' | 'password' | 'passwordConfirm';
type Values = Record<FieldName, string>;
type Errors = Partial<Record<FieldName, string>>;

const LOGIN_ID = /^[A-Za-z0-9._-]{3,64}$/;

/** The same checks the server makes, so each field says what is wrong before anything is sent. */
function validate(t: Translate, v: Values): Errors {
  const errors: Errors = {};
  const problem = checkInstitutionCode(v.code);
  if (problem) errors.code = t(`inst.code.${problem}`);
  if (v.activationCode.trim() === '') errors.activationCode = t('inst.register.activation.required');
  if (v.name.trim() === '') errors.name = t('inst.register.required');
  if (v.loginId.trim() === '') errors.loginId = t('inst.register.required');
  else if (!LOGIN_ID.test(v.loginId.trim())) errors.loginId = t('inst.register.loginId.invalid');
  if (v.displayName.trim() === '') errors.displayName = t('inst.register.required');
  if (v.password.length < MIN_PASSWORD_LENGTH) errors.password = t('inst.register.password.short');
  if (v.passwordConfirm !== v.password) errors.passwordConfirm = t('inst.register.password.mismatch');
  return errors;
}

/**
 * A new clinic registers itself (issue 6 §1): the 医療機関コード, the one-time activation code the
 * operator sent for it (issue 12 #9: proof that this is that clinic), its name and the first
 * administrator. Public: there is no account yet. Nothing typed is lost on an error; the
 * server signs the new administrator in.
 */
export function RegisterPage() {
  const { t } = useI18n();
  const { route } = useLocation();
  const [values, setValues] = useState<Values>({ code: '', activationCode: '', name: '', loginId: '', displayName: '', password: '', passwordConfirm: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const set = (field: FieldName) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement).value;
    setValues((current) => ({ ...current, [field]: value }));
  };

  async function submit(event: Event) {
    event.preventDefault();
    setFormError(null);
    const found = validate(t, values);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setFormError(t('inst.register.fixErrors'));
      focusFirstError(found);
      return;
    }
    setSubmitting(true);
    const result = await registerInstitution({
      code: values.code.trim(),
      activationCode: values.activationCode.trim(),
      name: values.name.trim(),
      loginId: values.loginId.trim(),
      displayName: values.displayName.trim(),
      password: values.password,
    });
    setSubmitting(false);
    if (result.ok) {
      route('/staff/link');
      return;
    }
    const failure = result.failure;
    if (failure.kind === 'server' && failure.code === 'institution_code_taken') {
      setErrors({ code: t('inst.code.taken') });
      focusFirstError({ code: 'x' });
    } else if (
      failure.kind === 'server' &&
      (failure.code === 'activation_code_invalid' || failure.code === 'activation_code_expired' || failure.code === 'activation_code_used')
    ) {
      const key = failure.code === 'activation_code_invalid' ? 'invalid' : failure.code === 'activation_code_expired' ? 'expired' : 'used';
      setErrors({ activationCode: t(`inst.register.activation.${key}`) });
      setFormError(t('inst.register.fixErrors'));
      focusFirstError({ activationCode: 'x' });
    } else if (failure.kind === 'server' && failure.code === 'rate_limited') {
      setFormError(t('inst.register.rateLimited'));
    } else if (failure.kind === 'server' && failure.code === 'login_id_taken') {
      setErrors({ loginId: t('inst.register.loginId.taken') });
      focusFirstError({ loginId: 'x' });
    } else if (failure.kind === 'server' && failure.code === 'validation_failed') {
      // The client checks the same rules; name the fields the server still refused.
      const server: Errors = {};
      for (const field of Object.keys(failure.fields ?? {})) {
        if (field === 'activationCode') server.activationCode = t('inst.register.activation.required');
        else if (field === 'code' || field === 'name' || field === 'loginId' || field === 'displayName' || field === 'password') {
          server[field] =
            field === 'code'
              ? t(`inst.code.${checkInstitutionCode(values.code) ?? 'wrongCheckDigit'}`)
              : field === 'loginId'
                ? t('inst.register.loginId.invalid')
                : field === 'password'
                  ? t('inst.register.password.short')
                  : t('inst.register.required');
        }
      }
      setErrors(server);
      setFormError(t('inst.register.fixErrors'));
    } else {
      setFormError(failureMessage(t, failure));
    }
  }

  const input = (field: FieldName, extra: Record<string, string | number | boolean> = {}, hint = false) => (
    <input
      id={`reg-${field}`}
      name={field}
      value={values[field]}
      onInput={set(field)}
      aria-invalid={errors[field] ? 'true' : undefined}
      aria-describedby={[hint ? `reg-${field}-hint` : '', errors[field] ? `reg-${field}-error` : ''].filter(Boolean).join(' ') || undefined}
      {...extra}
    />
  );

  return (
    <>
      <h1 id="register-title">{t('inst.register.title')}</h1>
      <form class="card form register-form" onSubmit={submit} noValidate aria-labelledby="register-title">
        <p>{t('inst.register.intro')}</p>
        {formError && (
          <p class="message error" role="alert">
            {formError}
          </p>
        )}
        <fieldset>
          <legend>{t('inst.register.institution')}</legend>
          <Field id="reg-code" label={t('inst.register.code')} hint={t('inst.register.code.hint')} error={errors.code}>
            {input('code', { inputmode: 'numeric', autocomplete: 'off', maxLength: 20, class: 'input-code' }, true)}
          </Field>
          <Field id="reg-activationCode" label={t('inst.register.activation')} hint={t('inst.register.activation.hint')} error={errors.activationCode}>
            {input('activationCode', { autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: false, maxLength: 64, class: 'input-code' }, true)}
          </Field>
          <Field id="reg-name" label={t('inst.register.name')} error={errors.name}>
            {input('name', { autocomplete: 'organization', maxLength: 100 })}
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t('inst.register.admin')}</legend>
          <Field id="reg-loginId" label={t('inst.register.loginId')} hint={t('inst.register.loginId.hint')} error={errors.loginId}>
            {input('loginId', { autocomplete: 'username', autocapitalize: 'none', spellcheck: false, maxLength: 64 }, true)}
          </Field>
          <Field id="reg-displayName" label={t('inst.register.displayName')} error={errors.displayName}>
            {input('displayName', { autocomplete: 'name', maxLength: 64 })}
          </Field>
          <Field id="reg-password" label={t('inst.register.password')} hint={t('inst.register.password.hint')} error={errors.password}>
            {input('password', { type: 'password', autocomplete: 'new-password', maxLength: 256 }, true)}
          </Field>
          <Field id="reg-passwordConfirm" label={t('inst.register.passwordConfirm')} error={errors.passwordConfirm}>
            {input('passwordConfirm', { type: 'password', autocomplete: 'new-password', maxLength: 256 })}
          </Field>
        </fieldset>
        <button type="submit" class="button primary" disabled={submitting}>
          {submitting ? t('inst.register.submitting') : t('inst.register.submit')}
        </button>
        <p class="register-link">
          <a href="/staff">{t('inst.register.toLogin')}</a>
        </p>
      </form>
    </>
  );
}

function focusFirstError(errors: Errors) {
  const order: FieldName[] = ['code', 'activationCode', 'name', 'loginId', 'displayName', 'password', 'passwordConfirm'];
  const first = order.find((f) => errors[f]);
  if (first) queueMicrotask(() => document.getElementById(`reg-${first}`)?.focus());
}
