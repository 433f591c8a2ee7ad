import { useEffect, useState } from 'preact/hooks';
import type { ChangeEventType } from '../../domain/change-feed/change-feed.ts';
import type { WebhookConfigResponse, WebhookDeadLetterDto } from '../../domain/change-feed/webhook-api.ts';
import type { ApiFailure } from '../api-client.ts';
import type { Translate } from '../i18n/i18n.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Field } from './field.tsx';
import { ListState } from './list-state.tsx';
import { sectionFailure } from './section-failure.ts';
import { listDeadLetters, loadWebhookConfig, retryDeadLetter, rotateWebhookSecret, saveWebhookEndpoint } from './webhooks-api.ts';
import { DataTable } from './data-table.tsx';
import { SecretOnce } from './secret-once.tsx';

/** A compact Japan-time instant (2026/11/22 14:13). */
function shortInstant(iso: string, lang: 'ja' | 'en'): string {
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(iso));
}

const EVENT_NAMES: Record<ChangeEventType, 'webhooks.type.registered' | 'webhooks.type.updated' | 'webhooks.type.revoked' | 'webhooks.type.expired' | 'webhooks.type.declaration'> = {
  'consent.registered': 'webhooks.type.registered',
  'consent.updated': 'webhooks.type.updated',
  'consent.revoked': 'webhooks.type.revoked',
  'consent.expired': 'webhooks.type.expired',
  'declaration.received': 'webhooks.type.declaration',
};

/** Why delivery stopped, in words: `http_503` → "the endpoint answered 503". */
function lastErrorText(t: Translate, code: string | null): string {
  if (code === null) return '–';
  const http = /^http_(\d{3})$/.exec(code);
  if (http) return t('webhooks.lastError.http', { status: http[1]! });
  switch (code) {
    case 'network':
      return t('webhooks.lastError.network');
    case 'timeout':
      return t('webhooks.lastError.timeout');
    case 'address_refused':
      return t('webhooks.lastError.addressRefused');
    case 'no_endpoint':
      return t('webhooks.lastError.noEndpoint');
    default:
      return code;
  }
}

/**
 * Issue 19 #3 (administrators): the HTTPS endpoint that receives the change feed's events, its
 * signing secret (shown once, when made or renewed), and the deliveries that gave up (dead
 * letters), each with a "send again" button.
 */
export function WebhooksSection() {
  const { t, lang } = useI18n();
  const [config, setConfig] = useState<WebhookConfigResponse | null>(null);
  const [dead, setDead] = useState<WebhookDeadLetterDto[] | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [retried, setRetried] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function reload() {
    const [c, d] = await Promise.all([loadWebhookConfig(), listDeadLetters()]);
    if (!c.ok) return setFailure(c.failure);
    if (!d.ok) return setFailure(d.failure);
    setConfig(c.data);
    setDead(d.data.deadLetters);
  }
  useEffect(() => {
    void reload();
  }, []);

  async function retry(letter: WebhookDeadLetterDto) {
    setBusy(true);
    setFailure(null);
    setRetried(null);
    const result = await retryDeadLetter(letter.id);
    setBusy(false);
    if (!result.ok) return setFailure(result.failure);
    setRetried(letter.cursor);
    setDead((list) => list?.filter((d) => d.id !== letter.id) ?? null);
    setConfig((c) => (c ? { ...c, pending: c.pending + 1, dead: Math.max(0, c.dead - 1) } : c));
  }

  return (
    <>
      <section class="card webhooks" aria-labelledby="webhooks-intro">
        <p id="webhooks-intro">{t('webhooks.intro')}</p>
        <p class="hint">{t('webhooks.signatureHint')}</p>
      </section>
      {config && (
        <EndpointForm
          config={config}
          onSaved={(saved, newSecret) => {
            setConfig({ ...config, endpoint: saved });
            if (newSecret) setSecret(newSecret);
          }}
        />
      )}
      {secret && (
        <SecretOnce
          id="webhook-secret"
          secret={secret}
          texts={{
            title: t('webhooks.secret.title'),
            warning: t('webhooks.secret.warning'),
            label: t('webhooks.secret.label'),
            copy: t('webhooks.secret.copy'),
            copied: t('webhooks.secret.copied'),
            copyFallback: t('webhooks.secret.copyFallback'),
            done: t('webhooks.secret.done'),
          }}
          onDone={() => setSecret(null)}
        />
      )}
      {config?.endpoint && (
        <RotateSecret
          onRotated={(newSecret) => {
            setSecret(newSecret);
          }}
        />
      )}
      <section class="card webhooks" aria-labelledby="webhooks-dead-title">
        <h2 id="webhooks-dead-title">{t('webhooks.dead.title')}</h2>
        {config && <p>{t('webhooks.queue', { pending: String(config.pending), dead: String(config.dead) })}</p>}
        <p class="hint">{t('webhooks.dead.hint')}</p>
        <ListState items={dead} failure={failure} done={retried !== null ? t('webhooks.dead.retried', { cursor: retried }) : null} empty={t('webhooks.dead.empty')} />
        {dead && dead.length > 0 && (
          <DataTable class="webhooks-table" columns={[t('webhooks.dead.cursor'), t('webhooks.dead.type'), t('webhooks.dead.attempts'), t('webhooks.dead.lastError'), t('webhooks.dead.lastAttempt'), t('webhooks.dead.action')]}>
            {dead.map((d) => (
              <tr key={d.id}>
                <th scope="row">{d.cursor}</th>
                <td>{t(EVENT_NAMES[d.type])}</td>
                <td>{d.attempts}</td>
                <td>{lastErrorText(t, d.lastError)}</td>
                <td>{shortInstant(d.updatedAt, lang)}</td>
                <td>
                  <button type="button" class="button small" disabled={busy} onClick={() => void retry(d)} aria-label={t('webhooks.dead.retryLabel', { cursor: d.cursor })}>
                    {t('webhooks.dead.retry')}
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}

/** The endpoint's address: https only (the server checks it again, and where it points). */
function EndpointForm({ config, onSaved }: { config: WebhookConfigResponse; onSaved: (endpoint: NonNullable<WebhookConfigResponse['endpoint']>, secret: string | null) => void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState(config.endpoint?.url ?? '');
  const [error, setError] = useState<string | undefined>();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setSaved(false);
    setFailure(null);
    const trimmed = url.trim();
    if (!/^https:\/\//i.test(trimmed) && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/i.test(trimmed)) {
      setError(t('webhooks.error.url'));
      return;
    }
    setError(undefined);
    setBusy(true);
    const result = await saveWebhookEndpoint({ url: trimmed });
    setBusy(false);
    if (!result.ok) {
      if (result.failure.kind === 'server' && (result.failure.code === 'webhook_url_not_allowed' || result.failure.code === 'validation_failed')) setError(t('webhooks.error.url'));
      else setFailure(result.failure);
      return;
    }
    setSaved(true);
    onSaved(result.data.endpoint, result.data.secret);
  }

  return (
    <section class="card webhooks" aria-labelledby="webhooks-endpoint-title">
      <h2 id="webhooks-endpoint-title">{t('webhooks.endpoint.title')}</h2>
      <form class="settings-form" onSubmit={(e) => void submit(e)} noValidate>
        <Field id="webhook-url" label={t('webhooks.endpoint.url')} hint={t('webhooks.endpoint.urlHint')} error={error}>
          <input
            id="webhook-url"
            type="url"
            inputMode="url"
            value={url}
            autocomplete="off"
            spellcheck={false}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'webhook-url-hint webhook-url-error' : 'webhook-url-hint'}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </Field>
        {failure && (
          <p class="message error" role="alert">
            {sectionFailure(t, failure)}
          </p>
        )}
        {saved && (
          <p class="message success" role="status">
            {t('webhooks.endpoint.saved')}
          </p>
        )}
        <div class="button-row">
          <button type="submit" class="button primary" disabled={busy}>
            {t('webhooks.endpoint.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A new secret: asks first (the receiver must be given it at once). */
function RotateSecret({ onRotated }: { onRotated: (secret: string) => void }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  async function rotate() {
    setBusy(true);
    setFailure(null);
    const result = await rotateWebhookSecret();
    setBusy(false);
    setConfirming(false);
    if (!result.ok) return setFailure(result.failure);
    if (result.data.secret) onRotated(result.data.secret);
  }

  return (
    <section class="card webhooks" aria-labelledby="webhooks-rotate-title">
      <h2 id="webhooks-rotate-title">{t('webhooks.rotate.title')}</h2>
      <p class="hint">{t('webhooks.rotate.hint')}</p>
      {failure && (
        <p class="message error" role="alert">
          {sectionFailure(t, failure)}
        </p>
      )}
      {confirming ? (
        <div class="message warning" role="alertdialog" aria-labelledby="webhooks-rotate-confirm">
          <p id="webhooks-rotate-confirm">{t('webhooks.rotate.confirm')}</p>
          <div class="button-row">
            <button type="button" class="button danger" disabled={busy} onClick={() => void rotate()}>
              {t('webhooks.rotate.yes')}
            </button>
            <button type="button" class="button" disabled={busy} onClick={() => setConfirming(false)}>
              {t('webhooks.rotate.no')}
            </button>
          </div>
        </div>
      ) : (
        <div class="button-row">
          <button type="button" class="button" onClick={() => setConfirming(true)}>
            {t('webhooks.rotate.button')}
          </button>
        </div>
      )}
    </section>
  );
}
