import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { StaffMeResponse } from '../../domain/shared/api.ts';
import type { LoginStepResponse } from '../../domain/staff/staff-auth.ts';
import type { ApiFailure } from '../api-client.ts';
import type { Permission } from '../../domain/staff/roles.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { loadMe as fetchMe, logout, pendingLogin } from './auth-api.ts';
import { IdleLock, LockScreen } from './idle-lock.tsx';
import { LoginFlow } from './staff-login.tsx';
import { failureMessage } from './section-failure.ts';

export type StaffSection =
  | 'home' | 'revoke' | 'requery' | 'batch' | 'lists' | 'inbox'
  | 'link' | 'settings' | 'devices' | 'poster' | 'security' | 'accounts'
  | 'consents' | 'persons' | 'clinical' | 'audit' | 'apiClients' | 'webhooks';

type State =
  | { kind: 'loading' }
  | { kind: 'signedOut'; pending?: LoginStepResponse }
  | { kind: 'signedIn'; me: StaffMeResponse }
  /** The server has locked the session (issue 12 #10): the password, or logout. */
  | { kind: 'locked' }
  | { kind: 'failed'; failure: ApiFailure };

type NavSection = Exclude<StaffSection, 'home' | 'poster' | 'persons'>;
type NavGroup = 'reception' | 'query' | 'declarations' | 'admin';

/**
 * The sections in the four groups the desk thinks in (受付・同意 / 照会 / 申立書 / 管理). Each names
 * the permission it needs (domain/staff/roles.ts); the nav hides what the role lacks, and a group
 * left empty.
 */
const NAV_GROUPS: ReadonlyArray<{ group: NavGroup; sections: ReadonlyArray<{ section: NavSection; href: string; permission: Permission | null }> }> = [
  {
    group: 'reception',
    sections: [
      { section: 'consents', href: '/staff/consents', permission: 'consent.view' },
      { section: 'lists', href: '/staff/lists', permission: 'consent.view' },
      { section: 'revoke', href: '/staff/revoke', permission: 'consent.revoke' },
      { section: 'link', href: '/staff/link', permission: 'link.view' },
    ],
  },
  {
    group: 'query',
    sections: [
      { section: 'requery', href: '/staff/requery', permission: 'requery.run' },
      { section: 'batch', href: '/staff/batch', permission: 'requery.run' },
      { section: 'clinical', href: '/staff/clinical', permission: 'clinical.view' },
    ],
  },
  { group: 'declarations', sections: [{ section: 'inbox', href: '/staff/inbox', permission: 'declaration.manage' }] },
  {
    group: 'admin',
    sections: [
      { section: 'settings', href: '/staff/settings', permission: 'institution.manage' },
      { section: 'devices', href: '/staff/devices', permission: 'device.manage' },
      { section: 'accounts', href: '/staff/accounts', permission: 'staff.manage' },
      { section: 'audit', href: '/staff/audit', permission: 'audit.view' },
      { section: 'apiClients', href: '/staff/api-clients', permission: 'apiClient.manage' },
      { section: 'webhooks', href: '/staff/webhooks', permission: 'institution.manage' },
      { section: 'security', href: '/staff/security', permission: null },
    ],
  },
];

/** The section a page belongs to in the nav: the person page is reached from the consent list. */
function navCurrent(section: StaffSection): StaffSection {
  if (section === 'persons') return 'consents';
  if (section === 'poster') return 'link';
  return section;
}

/** A nav landmark with one headed list per group; the current section carries aria-current. */
function StaffNav({ section, me }: { section: StaffSection; me: StaffMeResponse }) {
  const { t } = useI18n();
  const current = navCurrent(section);
  const groups = NAV_GROUPS.map((g) => ({ ...g, sections: g.sections.filter((s) => s.permission === null || me.permissions.includes(s.permission)) })).filter(
    (g) => g.sections.length > 0,
  );
  return (
    <nav class="staff-nav" aria-label={t('staffLc.nav.label')}>
      <a class="staff-nav-home" href="/staff" aria-current={current === 'home' ? 'page' : undefined}>
        {t('staffLc.nav.home')}
      </a>
      {groups.map((g) => (
        <div class="staff-nav-group" key={g.group}>
          <h2 id={`staff-nav-${g.group}`} class="staff-nav-heading">
            {t(`staffNav.group.${g.group}`)}
          </h2>
          <ul aria-labelledby={`staff-nav-${g.group}`}>
            {g.sections.map((s) => (
              <li key={s.section}>
                <a href={s.href} aria-current={s.section === current ? 'page' : undefined}>
                  {t(`staffLc.nav.${s.section}`)}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

/**
 * Every staff screen: the login when there is no session, otherwise who is signed in, the
 * sections and the screen itself. The server guards every staff route too; this only decides
 * what to show.
 */
export function StaffShell({ section, children }: { section: StaffSection; children: (me: StaffMeResponse) => ComponentChildren }) {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ kind: 'loading' });

  async function loadMe() {
    const result = await fetchMe();
    if (result.ok) setState({ kind: 'signedIn', me: result.data });
    else if (result.failure.kind === 'server' && result.failure.code === 'second_factor_required') {
      // Password given, second factor not yet (a reload mid-login): continue there.
      const pending = await pendingLogin();
      const step = pending.ok ? pending.data : undefined;
      setState(step && step.next !== 'done' ? { kind: 'signedOut', pending: step } : { kind: 'signedOut' });
    } else if (result.failure.kind === 'server' && result.failure.code === 'session_locked') setState({ kind: 'locked' });
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
      {state.kind === 'locked' && <LockScreen onUnlocked={() => void loadMe()} onSessionEnded={() => setState({ kind: 'signedOut' })} />}
      {state.kind === 'signedOut' && <LoginFlow initial={state.pending} onSignedIn={() => void loadMe()} />}
      {state.kind === 'signedIn' && (
        <IdleLock onSessionEnded={() => setState({ kind: 'signedOut' })}>
          <div class="toolbar">
            {state.me.appMode === 'demo' && (
              <p class="status-badge demo-badge" title={t('staff.demoBadgeHint')}>
                {t('staff.demoBadge')}
              </p>
            )}
            <p>{t('staff.signedInAs', { name: state.me.staff.displayName, role: t(`staff.role.${state.me.staff.role}`) })}</p>
            <button
              type="button"
              class="button"
              onClick={async () => {
                await logout();
                setState({ kind: 'signedOut' });
              }}
            >
              {t('staff.logout')}
            </button>
          </div>
          <div class="staff-layout">
            <StaffNav section={section} me={state.me} />
            <div class="staff-content">{children(state.me)}</div>
          </div>
        </IdleLock>
      )}
    </>
  );
}
