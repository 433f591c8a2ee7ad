import { useEffect, useState } from 'preact/hooks';
import { badReturnUrlLines, MAX_RETURN_URLS, RETENTION_DAYS, returnUrlLines, type InstitutionSettings } from '../../domain/institution/institution-api.ts';
import type { ApiFailure } from '../api-client.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';
import { persistentStorageResult } from '../storage/persistence.ts';
import { Field } from './field.tsx';
import { loadSettings, saveSettings } from './institution-api.ts';
import { sectionFailure } from './section-failure.ts';

/** The form keeps the retention as typed, so a half-typed number is never lost. */
type Form = Omit<InstitutionSettings, 'declarationRetentionDays'> & { declarationRetentionDays: string };
type Errors = Partial<Record<'allowedReturnUrls' | 'declarationRetentionDays', string>>;

function validate(t: Translate, form: Form): Errors {
  const errors: Errors = {};
  if (returnUrlLines(form.allowedReturnUrls).length > MAX_RETURN_URLS) errors.allowedReturnUrls = t('inst.settings.returnUrls.tooMany');
  else {
    const bad = badReturnUrlLines(form.allowedReturnUrls);
    if (bad.length > 0) errors.allowedReturnUrls = t('inst.settings.returnUrls.bad', { lines: bad.join(', ') });
  }
  const days = form.declarationRetentionDays.trim();
  if (!/^\d+$/.test(days) || Number(days) < RETENTION_DAYS.min || Number(days) > RETENTION_DAYS.max) errors.declarationRetentionDays = t('inst.settings.retention.bad');
  return errors;
}

/** Administrators' settings (S2, S3, S5, return addresses, D5 retention); every save is audited. */
export function SettingsSection() {
  const { t } = useI18n();
  const [form, setForm] = useState<Form | null>(null);
  const [loadFailure, setLoadFailure] = useState<ApiFailure | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved' | 'invalid' | { failure: ApiFailure }>('idle');

  useEffect(() => {
    void loadSettings().then((r) => {
      if (r.ok) setForm({ ...r.data.settings, declarationRetentionDays: String(r.data.settings.declarationRetentionDays) });
      else setLoadFailure(r.failure);
    });
  }, []);

  if (loadFailure) return <p class="message error" role="alert">{sectionFailure(t, loadFailure)}</p>;
  if (!form) return <p role="status">{t('staff.loading')}</p>;
  const current = form;
  const update = (patch: Partial<Form>) => {
    setForm({ ...current, ...patch });
    if (status === 'saved') setStatus('idle');
  };

  async function save(event: Event) {
    event.preventDefault();
    const found = validate(t, current);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setStatus('invalid');
      return;
    }
    setStatus('saving');
    const result = await saveSettings({ ...current, declarationRetentionDays: Number(current.declarationRetentionDays.trim()) });
    if (result.ok) {
      setForm({ ...result.data.settings, declarationRetentionDays: String(result.data.settings.declarationRetentionDays) });
      setStatus('saved');
    } else if (result.failure.kind === 'server' && result.failure.code === 'validation_failed') {
      const fields = result.failure.fields ?? {};
      setErrors({
        ...(fields.allowedReturnUrls ? { allowedReturnUrls: t('inst.settings.returnUrls.bad', { lines: '?' }) } : {}),
        ...(fields.declarationRetentionDays ? { declarationRetentionDays: t('inst.settings.retention.bad') } : {}),
      });
      setStatus('invalid');
    } else setStatus({ failure: result.failure });
  }

  const toggle = (key: 'usesClinicalInfo' | 'usesElectronicPrescription' | 'showsPrescriptionForm', label: string, hint: string) => (
    <div class="check-field">
      <input id={`set-${key}`} type="checkbox" checked={current[key]} onChange={(e) => update({ [key]: e.currentTarget.checked })} aria-describedby={`set-${key}-hint`} />
      <label for={`set-${key}`}>{label}</label>
      <p class="hint field-hint" id={`set-${key}-hint`}>
        {hint}
      </p>
    </div>
  );

  return (
    <>
      <StorageNotice />
      <form class="card form settings-form" onSubmit={save} noValidate>
        <p>{t('inst.settings.intro')}</p>
        {status === 'invalid' && (
          <p class="message error" role="alert">
            {t('inst.settings.fixErrors')}
          </p>
        )}
        <fieldset>
          <legend>{t('inst.settings.consents')}</legend>
          {toggle('usesClinicalInfo', t('inst.settings.clinical'), t('inst.settings.clinical.hint'))}
          {toggle('usesElectronicPrescription', t('inst.settings.eprescription'), t('inst.settings.eprescription.hint'))}
          {toggle('showsPrescriptionForm', t('inst.settings.prescriptionForm'), t('inst.settings.prescriptionForm.hint'))}
        </fieldset>
        <Field id="set-returnUrls" label={t('inst.settings.returnUrls')} hint={t('inst.settings.returnUrls.hint')} error={errors.allowedReturnUrls}>
          <textarea
            id="set-returnUrls"
            rows={4}
            spellcheck={false}
            autocapitalize="none"
            value={current.allowedReturnUrls}
            onInput={(e) => update({ allowedReturnUrls: e.currentTarget.value })}
            aria-invalid={errors.allowedReturnUrls ? 'true' : undefined}
            aria-describedby={`set-returnUrls-hint${errors.allowedReturnUrls ? ' set-returnUrls-error' : ''}`}
          />
        </Field>
        <Field id="set-retention" label={t('inst.settings.retention')} hint={t('inst.settings.retention.hint')} error={errors.declarationRetentionDays}>
          <input
            id="set-retention"
            class="input-short"
            inputmode="numeric"
            value={current.declarationRetentionDays}
            onInput={(e) => update({ declarationRetentionDays: e.currentTarget.value })}
            aria-invalid={errors.declarationRetentionDays ? 'true' : undefined}
            aria-describedby={`set-retention-hint${errors.declarationRetentionDays ? ' set-retention-error' : ''}`}
          />
        </Field>
        <button type="submit" class="button primary" disabled={status === 'saving'}>
          {status === 'saving' ? t('inst.settings.saving') : t('inst.settings.save')}
        </button>
        {status === 'saved' && (
          <p class="message success" role="status">
            {t('inst.settings.saved')}
          </p>
        )}
        {typeof status === 'object' && (
          <p class="message error" role="alert">
            {sectionFailure(t, status.failure)}
          </p>
        )}
      </form>
    </>
  );
}

/**
 * Issue 16 §6: whether this browser protects its stored data (drafts, the outbox). The answer is
 * asked for at start-up (app.tsx); patients no longer see it, staff read it here.
 */
function StorageNotice() {
  const { t } = useI18n();
  const result = persistentStorageResult();
  return (
    <section class="card" aria-labelledby="storage-notice-title">
      <h2 id="storage-notice-title">{t('inst.settings.storage.title')}</h2>
      {result === 'denied' ? (
        <p class="message warning" role="note">
          {t('inst.settings.storage.denied')}
        </p>
      ) : (
        <p class={result === 'granted' ? 'message success' : 'message notice'}>{t(`inst.settings.storage.${result ?? 'unknown'}`)}</p>
      )}
    </section>
  );
}
