import { useEffect, useState } from 'preact/hooks';
import type { ConsentScope } from '../../domain/consent/consent.ts';
import type { ReconfirmationAnswer } from '../../domain/consent/reconfirmation.ts';
import type { ConsentListItemDto, ConsentListsResponse } from '../../domain/consent/staff-lifecycle-api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';
import { lifecycleFailure } from './lifecycle-errors.ts';
import { ConsentLine, dobText } from './record-summary.tsx';
import { RevokeConfirm } from './revoke-section.tsx';
import { consentLists, recordReconfirmation } from './lifecycle-api.ts';

type Lists = { kind: 'loading' } | { kind: 'done'; lists: ConsentListsResponse } | { kind: 'failed'; message: string };

/**
 * The staff lists: house calls still allowing viewing ("revoke now", X2/V2), consents whose window
 * ends within 24 hours (V2, V3), and home visits whose monthly confirmation is due (V5), each
 * recorded with one tap at the visit.
 */
export function ListsSection() {
  const { t } = useI18n();
  const [state, setState] = useState<Lists>({ kind: 'loading' });
  const [notice, setNotice] = useState<string | null>(null);

  async function load() {
    const result = await consentLists();
    setState(result.ok ? { kind: 'done', lists: result.data } : { kind: 'failed', message: lifecycleFailure(t, result.failure) });
  }
  useEffect(() => {
    void load();
  }, []);
  const changed = (message: string) => {
    setNotice(message);
    void load();
  };

  if (state.kind === 'loading') return <p role="status">{t('staff.loading')}</p>;
  if (state.kind === 'failed') {
    return (
      <p class="message error" role="alert">
        {state.message}
      </p>
    );
  }
  const { lists } = state;
  return (
    <>
      {notice && (
        <p class="message success" role="status">
          {notice}
        </p>
      )}
      <ListCard id="list-house-calls" title={t('staffLc.lists.houseCallTitle')} lead={t('staffLc.lists.houseCallLead')} items={lists.houseCallActive}>
        {(item) => <RevokeNow item={item} onDone={changed} />}
      </ListCard>
      <ListCard id="list-expiring" title={t('staffLc.lists.expiringTitle')} lead={t('staffLc.lists.expiringLead')} items={lists.expiringSoon}>
        {() => null}
      </ListCard>
      <ListCard id="list-reconfirmation" title={t('staffLc.lists.reconfirmTitle')} lead={t('staffLc.lists.reconfirmLead')} items={lists.reconfirmationDue}>
        {(item) => <Reconfirm item={item} onDone={changed} />}
      </ListCard>
    </>
  );
}

function ListCard({
  id,
  title,
  lead,
  items,
  children,
}: {
  id: string;
  title: string;
  lead: string;
  items: ConsentListItemDto[];
  children: (item: ConsentListItemDto) => preact.ComponentChildren;
}) {
  const { t, lang } = useI18n();
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {title} <span class="count-badge">{t('staffLc.lists.count', { count: String(items.length) })}</span>
      </h2>
      <p class="hint">{lead}</p>
      {items.length === 0 && <p class="message notice">{t('staffLc.lists.empty')}</p>}
      <ul class="consent-list">
        {items.map((item) => (
          <li key={item.consent.id}>
            <p class="person-line">
              <strong>{item.person.name || t('field.notRegistered')}</strong>
              <span class="hint">
                {' '}
                {t('field.dateOfBirth')}: {dobText(t, lang, item.person.dateOfBirth)}
              </span>
            </p>
            <ConsentLine consent={item.consent} />
            {children(item)}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RevokeNow({ item, onDone }: { item: ConsentListItemDto; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const name = item.person.name;
  if (confirming) {
    return (
      <RevokeConfirm
        name={name}
        consent={item.consent}
        defaultReason="houseCallCompleted"
        onCancel={() => setConfirming(false)}
        onDone={() => onDone(t('staffLc.revoke.done', { name }))}
      />
    );
  }
  return (
    <button type="button" class="button danger" aria-label={t('staffLc.lists.revokeNowFor', { name })} onClick={() => setConfirming(true)}>
      {t('staffLc.lists.revokeNow')}
    </button>
  );
}

/** The scope groups a patient may stop viewing: the 薬剤情報 bundle goes as a whole (S1). */
const SCOPE_GROUPS: ReadonlyArray<{ id: string; label: MessageKey; scopes: readonly ConsentScope[] }> = [
  { id: 'surgery', label: 'consent.surgery', scopes: ['surgery'] },
  { id: 'medication', label: 'consent.medication', scopes: ['clinical', 'medication', 'dispensing'] },
  { id: 'checkup', label: 'consent.checkup', scopes: ['checkup'] },
  { id: 'costLimit', label: 'consent.costLimit', scopes: ['costLimit'] },
  { id: 'specificDisease', label: 'consent.specificDisease', scopes: ['specificDisease'] },
];

type Mode = { kind: 'buttons' } | { kind: 'stop' } | { kind: 'revoke' };

/** V5: the one-tap record at the visit: continue, stop viewing some information, or revoke. */
function Reconfirm({ item, onDone }: { item: ConsentListItemDto; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const name = item.person.name;
  const held = SCOPE_GROUPS.map((g) => {
    const scopes = g.scopes.filter((s) => item.consent.scopes.includes(s));
    // S2: without clinical information the bundle is 「薬剤情報」 alone.
    const label: MessageKey = g.id === 'medication' && !scopes.includes('clinical') ? 'consent.medicationOnly' : g.label;
    return { ...g, label, scopes };
  }).filter((g) => g.scopes.length > 0);
  const [mode, setMode] = useState<Mode>({ kind: 'buttons' });
  const [keep, setKeep] = useState<Set<string>>(() => new Set(held.map((g) => g.id)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const idBase = `reconfirm-${item.consent.id}`;

  async function send(answer: ReconfirmationAnswer, scopes?: ConsentScope[]) {
    setBusy(true);
    setError(null);
    const result = await recordReconfirmation(item.consent.id, answer, scopes);
    setBusy(false);
    if (!result.ok) {
      setError(lifecycleFailure(t, result.failure));
      return;
    }
    const state = result.data.consent.state;
    onDone(state === 'revoked' ? t('staffLc.reconfirm.doneRevoked', { name }) : t('staffLc.reconfirm.done', { name }));
  }

  const remaining = held.filter((g) => keep.has(g.id)).flatMap((g) => g.scopes);
  return (
    <div class="reconfirm">
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      {mode.kind === 'buttons' && (
        <div class="button-row" role="group" aria-label={t('staffLc.reconfirm.groupFor', { name })}>
          <button type="button" class="button primary" disabled={busy} onClick={() => void send('continue')}>
            {t('staffLc.reconfirm.continue')}
          </button>
          <button type="button" class="button" disabled={busy} onClick={() => setMode({ kind: 'stop' })}>
            {t('staffLc.reconfirm.stop')}
          </button>
          <button type="button" class="button danger" disabled={busy} onClick={() => setMode({ kind: 'revoke' })}>
            {t('staffLc.reconfirm.revoke')}
          </button>
        </div>
      )}
      {mode.kind === 'stop' && (
        <fieldset class="confirm-panel scope-choice">
          <legend>{t('staffLc.reconfirm.keepLegend')}</legend>
          {held.map((g) => (
            <label key={g.id} class={keep.has(g.id) ? 'checked' : ''}>
              <input
                type="checkbox"
                checked={keep.has(g.id)}
                onChange={(e) => {
                  const next = new Set(keep);
                  if (e.currentTarget.checked) next.add(g.id);
                  else next.delete(g.id);
                  setKeep(next);
                }}
              />
              {t(g.label)}
            </label>
          ))}
          {remaining.length === 0 && <p class="message warning" id={`${idBase}-none`}>{t('staffLc.reconfirm.noneLeft')}</p>}
          <div class="button-row">
            <button
              type="button"
              class="button primary"
              disabled={busy || remaining.length === item.consent.scopes.length}
              onClick={() => void send('stopViewing', remaining)}
            >
              {t('staffLc.reconfirm.stopConfirm')}
            </button>
            <button type="button" class="button" disabled={busy} onClick={() => setMode({ kind: 'buttons' })}>
              {t('staffLc.cancel')}
            </button>
          </div>
        </fieldset>
      )}
      {mode.kind === 'revoke' && (
        <div class="confirm-panel" role="group" aria-labelledby={`${idBase}-revoke`}>
          <p id={`${idBase}-revoke`}>{t('staffLc.reconfirm.revokeConfirmBody', { name })}</p>
          <div class="button-row">
            <button type="button" class="button danger-solid" disabled={busy} onClick={() => void send('revoke')}>
              {t('staffLc.revoke.confirm')}
            </button>
            <button type="button" class="button" disabled={busy} onClick={() => setMode({ kind: 'buttons' })}>
              {t('staffLc.cancel')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
