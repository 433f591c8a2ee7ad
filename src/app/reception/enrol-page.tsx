import { useEffect, useState } from 'preact/hooks';
import { ENROLMENT_CODE_LENGTH, normaliseEnrolmentCode } from '../../domain/staff/device-signature.ts';
import { currentEnrolment } from '../device-key.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { EnrolmentRecord } from '../storage/db.ts';
import { enrolThisDevice } from './enrol-api.ts';
import { formatInstant } from './format.ts';

type State = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; institution: string } | { kind: 'error'; message: string };

/** The code from the enrolment link's fragment (`#code=…`), which browsers never send to a server. */
function codeFromFragment(): string {
  const match = /(?:^#|&)code=([^&]*)/.exec(window.location.hash);
  return match ? decodeURIComponent(match[1]!) : '';
}

/**
 * `/i/<token>/enrol` (issue 12 #15): a clinic tablet enrols with a one-time code from the staff
 * console. The key pair is made here, its private half never leaves the browser.
 */
export default function EnrolPage({ token }: { token: string }) {
  const { t, lang } = useI18n();
  const [code, setCode] = useState(codeFromFragment);
  const [label, setLabel] = useState('');
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [enrolment, setEnrolment] = useState<EnrolmentRecord | null>(null);

  useEffect(() => {
    // The code has been read: keep it out of the history and of anything that copies the address.
    if (window.location.hash) history.replaceState(null, '', window.location.pathname);
    void currentEnrolment().then(setEnrolment);
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    if (!globalThis.crypto?.subtle) {
      setState({ kind: 'error', message: t('enrol.unsupported') });
      return;
    }
    setState({ kind: 'busy' });
    const result = await enrolThisDevice(token, normaliseEnrolmentCode(code), label.trim());
    if (result.ok) {
      setState({ kind: 'done', institution: result.data.institutionName });
      setCode('');
      setEnrolment(await currentEnrolment());
      return;
    }
    const failure = result.failure;
    const message =
      failure.kind === 'network'
        ? t('error.network')
        : failure.code === 'enrolment_code_invalid'
          ? t('enrol.codeInvalid')
          : failure.code === 'link_invalid'
            ? t('enrol.linkInvalid')
            : t('enrol.failed');
    setState({ kind: 'error', message });
  }

  const normalised = normaliseEnrolmentCode(code);
  return (
    <section class="card enrol-page" aria-labelledby="enrol-title">
      <h1 id="enrol-title">{t('enrol.title')}</h1>
      {enrolment && (
        <p class="message success" role="status">
          {state.kind === 'done'
            ? t('enrol.done', { institution: state.institution })
            : t('enrol.already', {
                institution: enrolment.institutionName,
                label: enrolment.label || t('inst.devices.enrolled.noLabel'),
                at: formatInstant(enrolment.enrolledAt, lang),
              })}
        </p>
      )}
      <p>{t('enrol.intro')}</p>
      {state.kind === 'error' && (
        <p class="message error" role="alert">
          {state.message}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for="enrol-code">{t('enrol.code')}</label>
          <input
            id="enrol-code"
            name="code"
            value={code}
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            aria-describedby="enrol-code-hint"
            onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            required
          />
          <p class="hint" id="enrol-code-hint">
            {t('enrol.codeHint')}
          </p>
        </div>
        <div class="field">
          <label for="enrol-label">{t('enrol.label')}</label>
          <input id="enrol-label" name="label" value={label} maxLength={40} onInput={(e) => setLabel((e.target as HTMLInputElement).value)} />
        </div>
        <div class="button-row">
          <button type="submit" class="button primary" disabled={state.kind === 'busy' || normalised.length !== ENROLMENT_CODE_LENGTH}>
            {state.kind === 'busy' ? t('enrol.submitting') : t('enrol.submit')}
          </button>
          <a class="button" href={`/i/${encodeURIComponent(token)}`}>
            {t('enrol.back')}
          </a>
        </div>
      </form>
    </section>
  );
}
