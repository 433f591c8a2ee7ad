import { useEffect, useState } from 'preact/hooks';
import { API_CLIENT_NAME_MAX, type ApiClientDto, type CreatedApiClientResponse } from '../../domain/api-client/api-client-api.ts';
import { API_CLIENT_SCOPES, type ApiClientScope } from '../../domain/api-client/api-client-scopes.ts';
import type { ApiFailure } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { createApiClient, listApiClients, revokeApiClient } from './api-clients-api.ts';
import { Field } from './field.tsx';
import { ListState } from './list-state.tsx';
import { sectionFailure } from './section-failure.ts';
import { DataTable } from './data-table.tsx';
import { SecretOnce } from './secret-once.tsx';

/** A compact Japan-time instant (2026/11/22 14:13). */
function shortInstant(iso: string, lang: 'ja' | 'en'): string {
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(iso));
}

/**
 * Issue 19 #2 (administrators): the credentials of the clinic's own systems (EHR, receipt
 * computer). Creating one shows its secret this once, with a copy button; the list never has
 * it. Revoking asks first and takes effect at the system's next request.
 */
export function ApiClientsSection() {
  const { t, lang } = useI18n();
  const [clients, setClients] = useState<ApiClientDto[] | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [confirming, setConfirming] = useState<ApiClientDto | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void listApiClients().then((r) => (r.ok ? setClients(r.data.clients) : setFailure(r.failure)));
  }, []);

  async function revoke(client: ApiClientDto) {
    setBusy(true);
    setFailure(null);
    const result = await revokeApiClient(client.id);
    setBusy(false);
    setConfirming(null);
    if (!result.ok) return setFailure(result.failure);
    setClients((list) => list?.map((c) => (c.id === client.id ? result.data.client : c)) ?? null);
    setRevoked(client.name);
  }

  return (
    <>
      <section class="card api-clients" aria-labelledby="api-clients-intro">
        <p id="api-clients-intro">{t('apiClients.intro')}</p>
        <p class="hint">{t('apiClients.usage')}</p>
      </section>
      <CreateApiClient
        onCreated={(response, name) => {
          setRevoked(null);
          setCreated({ ...response, name });
          setClients((list) => [{ ...response.client, name }, ...(list ?? [])]);
        }}
      />
      {created && (
        <SecretOnce
          id="api-client-secret"
          secret={created.secret}
          texts={{
            title: t('apiClients.secret.title', { name: created.name }),
            warning: t('apiClients.secret.warning'),
            label: t('apiClients.secret.label'),
            copy: t('apiClients.secret.copy'),
            copied: t('apiClients.secret.copied'),
            copyFallback: t('apiClients.secret.copyFallback'),
            done: t('apiClients.secret.done'),
            hint: t('apiClients.secret.howToUse'),
          }}
          onDone={() => setCreated(null)}
        />
      )}
      <section class="card api-clients" aria-labelledby="api-clients-list-title">
        <h2 id="api-clients-list-title">{t('apiClients.list.title')}</h2>
        <ListState items={clients} failure={failure} done={revoked !== null ? t('apiClients.revoke.done', { name: revoked }) : null} empty={t('apiClients.list.empty')} />
        {clients && clients.length > 0 && (
          <DataTable class="api-clients-table" columns={[t('apiClients.list.name'), t('apiClients.list.scopes'), t('apiClients.list.createdAt'), t('apiClients.list.lastUsed'), t('apiClients.list.status')]}>
            {clients.map((c) => (
              <tr key={c.id} class={c.revokedAt ? 'revoked' : undefined}>
                <th scope="row">{c.name}</th>
                <td>
                  {c.scopes.map((s) => t(`apiClients.scope.${s}`)).join(lang === 'ja' ? '、' : ', ')}
                </td>
                <td>{shortInstant(c.createdAt, lang)}</td>
                <td>{c.lastUsedAt ? shortInstant(c.lastUsedAt, lang) : t('apiClients.list.never')}</td>
                <td>
                  {c.revokedAt ? (
                    t('apiClients.list.revoked', { at: shortInstant(c.revokedAt, lang) })
                  ) : (
                    <>
                      {t('apiClients.list.active')}{' '}
                      <button
                        type="button"
                        class="button danger small"
                        onClick={() => {
                          setRevoked(null);
                          setConfirming(c);
                        }}
                        aria-label={t('apiClients.revoke.label', { name: c.name })}
                      >
                        {t('apiClients.revoke')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {confirming && (
          <div class="message warning" role="alertdialog" aria-labelledby="api-client-confirm">
            <p id="api-client-confirm">{t('apiClients.revoke.confirm', { name: confirming.name })}</p>
            <div class="button-row">
              <button type="button" class="button danger" disabled={busy} onClick={() => void revoke(confirming)}>
                {t('apiClients.revoke.yes')}
              </button>
              <button type="button" class="button" disabled={busy} onClick={() => setConfirming(null)}>
                {t('apiClients.revoke.no')}
              </button>
            </div>
          </div>
        )}
      </section>
    </>
  );
}

/** The form: a name and the kinds of data the system may read (at least one). */
/** A client just created: the server's answer and the name this screen sent. */
type Created = CreatedApiClientResponse & { name: string };

function CreateApiClient({ onCreated }: { onCreated: (response: CreatedApiClientResponse, name: string) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiClientScope[]>([]);
  const [errors, setErrors] = useState<{ name?: string; scopes?: string }>({});
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  function toggle(scope: ApiClientScope, on: boolean) {
    setScopes((list) => (on ? API_CLIENT_SCOPES.filter((s) => s === scope || list.includes(s)) : list.filter((s) => s !== scope)));
  }

  async function submit(event: Event) {
    event.preventDefault();
    const trimmed = name.trim();
    const found: { name?: string; scopes?: string } = {};
    if (trimmed === '' || trimmed.length > API_CLIENT_NAME_MAX) found.name = t('apiClients.error.name');
    if (scopes.length === 0) found.scopes = t('apiClients.error.scopes');
    setErrors(found);
    if (found.name || found.scopes) return;
    setBusy(true);
    setFailure(null);
    const result = await createApiClient({ name: trimmed, scopes });
    setBusy(false);
    if (!result.ok) return setFailure(result.failure);
    setName('');
    setScopes([]);
    onCreated(result.data, trimmed);
  }

  return (
    <section class="card api-clients" aria-labelledby="api-client-create-title">
      <h2 id="api-client-create-title">{t('apiClients.create.title')}</h2>
      <form class="settings-form" onSubmit={(e) => void submit(e)} noValidate>
        <Field id="api-client-name" label={t('apiClients.create.name')} hint={t('apiClients.create.nameHint')} error={errors.name}>
          <input
            id="api-client-name"
            type="text"
            value={name}
            maxLength={API_CLIENT_NAME_MAX}
            autocomplete="off"
            aria-invalid={errors.name ? 'true' : undefined}
            aria-describedby={errors.name ? 'api-client-name-hint api-client-name-error' : 'api-client-name-hint'}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <fieldset aria-describedby={errors.scopes ? 'api-client-scopes-error' : undefined}>
          <legend>{t('apiClients.create.scopes')}</legend>
          {API_CLIENT_SCOPES.map((scope) => (
            <div class="check-field" key={scope}>
              <input
                id={`api-client-scope-${scope}`}
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) => toggle(scope, e.currentTarget.checked)}
                aria-describedby={`api-client-scope-${scope}-hint`}
              />
              <label for={`api-client-scope-${scope}`}>{t(`apiClients.scope.${scope}`)}</label>
              <p class="hint field-hint" id={`api-client-scope-${scope}-hint`}>
                {t(`apiClients.scopeHint.${scope}`)}
              </p>
            </div>
          ))}
          {errors.scopes && (
            <p class="field-error" id="api-client-scopes-error">
              {errors.scopes}
            </p>
          )}
        </fieldset>
        {failure && (
          <p class="message error" role="alert">
            {sectionFailure(t, failure)}
          </p>
        )}
        <div class="button-row">
          <button type="submit" class="button primary" disabled={busy}>
            {t('apiClients.create.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
