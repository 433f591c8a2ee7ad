import { useState } from 'preact/hooks';
import type { StaffMeResponse } from '../../domain/api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { StaffShell } from '../staff/staff-shell.tsx';

/** The staff home: the institution and its link. The other sections live in `../staff/`. */
export default function StaffPage() {
  return <StaffShell section="home">{(me) => <InstitutionCard me={me} />}</StaffShell>;
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
