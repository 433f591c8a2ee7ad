import { useEffect, useState } from 'preact/hooks';
import type { StaffMeResponse } from '../../domain/shared/api.ts';
import { HOME_COUNTS, type HomeCount, type StaffHomeResponse } from '../../domain/staff/staff-home.ts';
import type { ApiFailure } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { loadHome } from '../staff/home-api.ts';
import { failureMessage } from '../staff/section-failure.ts';
import { StaffShell } from '../staff/staff-shell.tsx';
import { clearDevice } from '../storage/index.ts';

/** The staff home: today's to-do counts, the institution and its link. The other sections live in `../staff/`. */
export default function StaffPage() {
  return (
    <StaffShell section="home">
      {(me) => (
        <>
          <TodoCard />
          <InstitutionCard me={me} />
          <ClearDeviceCard />
        </>
      )}
    </StaffShell>
  );
}

/**
 * P4: after a visit, or before handing a shared tablet on, staff remove every draft and unsent
 * declaration from this device. Asks first: unsent forms are lost with it.
 */
function ClearDeviceCard() {
  const { t } = useI18n();
  const [phase, setPhase] = useState<'idle' | 'confirm' | 'done' | 'failed'>('idle');
  return (
    <section class="card" aria-labelledby="clear-device-title">
      <h2 id="clear-device-title">{t('device.clear.title')}</h2>
      <p>{t('device.clear.body')}</p>
      {phase === 'confirm' ? (
        <div class="message warning" role="alertdialog" aria-labelledby="clear-device-confirm">
          <p id="clear-device-confirm">{t('device.clear.confirm')}</p>
          <div class="button-row">
            <button
              type="button"
              class="button primary"
              onClick={() => {
                clearDevice().then(
                  () => setPhase('done'),
                  () => setPhase('failed'),
                );
              }}
            >
              {t('device.clear.yes')}
            </button>
            <button type="button" class="button" onClick={() => setPhase('idle')}>
              {t('device.clear.no')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" class="button" onClick={() => setPhase('confirm')}>
          {t('device.clear.button')}
        </button>
      )}
      {phase === 'done' && (
        <p class="message success" role="status">
          {t('device.clear.done')}
        </p>
      )}
      {phase === 'failed' && (
        <p class="message error" role="alert">
          {t('device.clear.failed')}
        </p>
      )}
    </section>
  );
}

function InstitutionCard({ me }: { me: StaffMeResponse }) {
  const { t } = useI18n();
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(me.institution.link);
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
  }
  return (
    <section class="card" aria-labelledby="institution-title">
      <h2 id="institution-title">{t('staff.institution.title')}</h2>
      <p class="institution-name">{me.institution.name}</p>
      <dl class="facts">
        <dt>{t('staff.institution.code')}</dt>
        <dd>{me.institution.code}</dd>
        <dt>{t('staff.institution.link')}</dt>
        <dd>
          <a class="link-text" href={me.institution.link}>
            {me.institution.link}
          </a>
        </dd>
      </dl>
      <button type="button" class="button" onClick={() => void copy()}>
        {t('staff.institution.copy')}
      </button>
      {copyState !== 'idle' && (
        <p role="status" class={copyState === 'failed' ? 'message error' : 'message'}>
          {copyState === 'copied' ? t('staff.institution.copied') : t('staff.institution.copyFailed')}
        </p>
      )}
    </section>
  );
}

/** Where each count is dealt with: the list its number equals (the server counts with the same conditions). */
const COUNT_HREF: Record<HomeCount, string> = {
  reconfirmationDue: '/staff/consents?due=1',
  expiringSoon: '/staff/consents?status=expiring',
  houseCallActive: '/staff/lists',
  declarationsReceived: '/staff/inbox?status=received',
  declarationsVerified: '/staff/inbox?status=verified',
  lockedAccounts: '/staff/accounts',
};

/** Today's work at the desk (V5, V2/V3, X2, F6): one link per count the role may act on. */
function TodoCard() {
  const { t } = useI18n();
  const [load, setLoad] = useState<{ kind: 'loading' } | { kind: 'done'; counts: StaffHomeResponse['counts'] } | { kind: 'failed'; failure: ApiFailure }>({ kind: 'loading' });
  useEffect(() => {
    void loadHome().then((r) => setLoad(r.ok ? { kind: 'done', counts: r.data.counts } : { kind: 'failed', failure: r.failure }));
  }, []);
  return (
    <section class="card home-todo" aria-labelledby="home-todo-title">
      <h2 id="home-todo-title">{t('staffHome.title')}</h2>
      {load.kind === 'loading' && <p role="status">{t('staff.loading')}</p>}
      {load.kind === 'failed' && (
        <p class="message error" role="alert">
          {failureMessage(t, load.failure)}
        </p>
      )}
      {load.kind === 'done' && (
        <ul class="home-counts">
          {HOME_COUNTS.filter((c) => load.counts[c] !== undefined).map((c) => {
            const count = load.counts[c]!;
            return (
              <li key={c} class={count > 0 ? 'has-work' : undefined}>
                <a href={COUNT_HREF[c]} data-count={c}>
                  <span class="home-count-number">{t('staffHome.count', { count: String(count) })}</span>
                  <span class="home-count-label">{t(`staffHome.count.${c}`)}</span>
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
