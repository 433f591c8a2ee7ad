import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { StaffMeResponse } from '../../domain/shared/api.ts';
import type { MedicalSection } from '../../domain/consent/clinical.ts';
import type { ApiFailure, ApiResult } from '../api-client.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';
import { clinicalPersons, clinicalView } from './clinical-api.ts';
import { formatDate, formatInstant } from '../reception/format.ts';
import { failureMessage } from './section-failure.ts';

type Load<T> = { kind: 'loading' } | { kind: 'done'; data: T } | { kind: 'failed'; failure: ApiFailure };

/** Loads once per `key` (the person shown): a new key loads again. */
function useLoad<T>(load: () => Promise<ApiResult<T>>, key: string): Load<T> {
  const [state, setState] = useState<Load<T>>({ kind: 'loading' });
  useEffect(() => {
    setState({ kind: 'loading' });
    void load().then((r) => setState(r.ok ? { kind: 'done', data: r.data } : { kind: 'failed', failure: r.failure }));
  }, [key]);
  return state;
}

function clinicalFailure(t: Translate, failure: ApiFailure): string {
  if (failure.kind === 'server' && failure.status === 403) return t('clinical.forbidden');
  if (failure.kind === 'server' && failure.status === 404) return t('clinical.notFound');
  return failureMessage(t, failure);
}

/**
 * P3: consented medical information, for doctors only. Other roles see the refusal without a
 * request (the server would refuse them too). Every view of a person is recorded on the server (X5).
 */
export function ClinicalSection({ me, personRef }: { me: StaffMeResponse; personRef: string | undefined }) {
  const { t } = useI18n();
  if (!me.permissions.includes('clinical.view')) {
    return (
      <p class="message error" role="alert">
        {t('clinical.forbidden')}
      </p>
    );
  }
  return personRef === undefined ? <PersonList /> : <PersonView personRef={personRef} />;
}

function PersonList() {
  const { t } = useI18n();
  const state = useLoad(clinicalPersons, 'persons');
  if (state.kind === 'loading') return <p role="status">{t('staff.loading')}</p>;
  if (state.kind === 'failed') {
    return (
      <p class="message error" role="alert">
        {clinicalFailure(t, state.failure)}
      </p>
    );
  }
  const { persons } = state.data;
  return (
    <section class="card" aria-labelledby="clinical-persons-title">
      <h2 id="clinical-persons-title">{t('clinical.list.title')}</h2>
      <p class="hint">{t('clinical.list.lead')}</p>
      {persons.length === 0 ? (
        <p>{t('clinical.list.empty')}</p>
      ) : (
        <ul class="clinical-persons">
          {persons.map((p) => (
            <li key={p.personRef}>
              <a href={`/staff/clinical/${encodeURIComponent(p.personRef)}`}>{p.name || t('clinical.nameUnknown')}</a>{' '}
              <span class={`state-badge state-${p.state}`}>{t(`clinical.state.${p.state}`)}</span>{' '}
              <span class="hint">
                {t(`visit.${p.latestVisitType}`)} · {t('clinical.ref', { ref: p.personRef })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function PersonView({ personRef }: { personRef: string }) {
  const { t, lang } = useI18n();
  const state = useLoad(() => clinicalView(personRef), personRef);
  const back = (
    <p>
      <a class="back-link" href="/staff/clinical">
        {t('clinical.back')}
      </a>
    </p>
  );
  if (state.kind === 'loading') return <p role="status">{t('staff.loading')}</p>;
  if (state.kind === 'failed') {
    return (
      <>
        {back}
        <p class="message error" role="alert">
          {clinicalFailure(t, state.failure)}
        </p>
      </>
    );
  }
  const view = state.data;
  return (
    <>
      {back}
      <section class="card" aria-labelledby="clinical-person-title">
        <h2 id="clinical-person-title">{view.name || t('clinical.nameUnknown')}</h2>
        <dl class="facts record">
          <dt>{t('clinical.refLabel')}</dt>
          <dd>{view.personRef}</dd>
          <dt>{t('clinical.viewedAt')}</dt>
          <dd>{formatInstant(view.viewedAt, lang)}</dd>
          {view.retrievedAt !== null && (
            <>
              <dt>{t('clinical.retrievedAt')}</dt>
              <dd class="retrieved-at">{formatInstant(view.retrievedAt, lang)}</dd>
            </>
          )}
          {view.consents.map((c, i) => (
            <Fragment key={i}>
              <dt>{t('clinical.consent', { visit: t(`visit.${c.visitType}`) })}</dt>
              <dd>{c.validUntil === null ? t('clinical.untilRevoked') : t('clinical.until', { when: formatInstant(c.validUntil, lang) })}</dd>
            </Fragment>
          ))}
        </dl>
        <p class="hint">{t('clinical.audited')}</p>
      </section>
      {view.decision.kind === 'hidden' ? (
        <>
        <div class="message warning clinical-hidden" role="status">
          <p>
            <strong>{t(view.fromSnapshot ? 'clinical.snapshot.hiddenTitle' : 'clinical.hidden.title')}</strong>
          </p>
          <p>{t(`clinical.hidden.${view.decision.reason}`)}</p>
          {view.latestConsent && (
            <p>
              {t('clinical.latestConsent', {
                visit: t(`visit.${view.latestConsent.visitType}`),
                registered: formatInstant(view.latestConsent.registeredAt, lang),
                ended:
                  view.latestConsent.revokedAt !== null
                    ? t('clinical.endedRevoked', { when: formatInstant(view.latestConsent.revokedAt, lang) })
                    : view.latestConsent.validUntil !== null
                      ? t('clinical.endedAt', { when: formatInstant(view.latestConsent.validUntil, lang) })
                      : t('clinical.untilRevoked'),
              })}
            </p>
          )}
        </div>
        {view.fromSnapshot && view.retrievedAt !== null && (
          <>
            <p class="message notice clinical-snapshot">{t('clinical.snapshot.note', { when: formatInstant(view.retrievedAt, lang) })}</p>
            {view.sections.map((s) => (
              <SectionCard key={s.scope} section={s} />
            ))}
          </>
        )}
        </>
      ) : (
        view.sections.map((s) => <SectionCard key={s.scope} section={s} />)
      )}
    </>
  );
}

function SectionCard({ section }: { section: MedicalSection }) {
  const { t, lang } = useI18n();
  const id = `clinical-${section.scope}`;
  const date = (d: string) => formatDate(d, lang);
  const empty = <p>{t('clinical.none')}</p>;
  let body;
  switch (section.scope) {
    case 'medication':
      body = section.entries.length === 0 ? empty : (
        <Table
          id={id}
          headers={[t('clinical.col.dispensedOn'), t('clinical.col.drug'), t('clinical.col.dose'), t('clinical.col.days'), t('clinical.col.dispensedBy')]}
          rows={section.entries.map((e) => [date(e.dispensedOn), e.drugName, e.dose, t('clinical.days', { days: String(e.days) }), e.dispensedBy])}
        />
      );
      break;
    case 'dispensing':
      body = section.entries.length === 0 ? empty : (
        <Table
          id={id}
          headers={[t('clinical.col.prescribedOn'), t('clinical.col.drug'), t('clinical.col.dose'), t('clinical.col.days'), t('clinical.col.prescribedBy'), t('clinical.col.dispensed')]}
          rows={section.entries.map((e) => [
            date(e.prescribedOn),
            e.drugName,
            e.dose,
            t('clinical.days', { days: String(e.days) }),
            e.prescribedBy,
            e.dispensedOn && e.pharmacy ? `${date(e.dispensedOn)} ${e.pharmacy}` : t('clinical.notDispensed'),
          ])}
        />
      );
      break;
    case 'clinical':
      body = section.entries.length === 0 ? empty : (
        <Table
          id={id}
          headers={[t('clinical.col.date'), t('clinical.col.kind'), t('clinical.col.name'), t('clinical.col.institution')]}
          rows={section.entries.map((e) => [date(e.date), t(`clinical.kind.${e.kind}`), e.name, e.institution])}
        />
      );
      break;
    case 'surgery':
      body = section.entries.length === 0 ? empty : (
        <Table id={id} headers={[t('clinical.col.date'), t('clinical.col.name'), t('clinical.col.institution')]} rows={section.entries.map((e) => [date(e.date), e.name, e.institution])} />
      );
      break;
    case 'checkup':
      body = section.entries.length === 0 ? empty : (
        <Table
          id={id}
          headers={[t('clinical.col.date'), t('clinical.col.bodySize'), t('clinical.col.bloodPressure'), t('clinical.col.hba1c'), t('clinical.col.lipids'), t('clinical.col.judgment')]}
          rows={section.entries.map((e) => [
            date(e.date),
            `${e.heightCm} cm / ${e.weightKg} kg (BMI ${e.bmi}) / ${t('clinical.waist')} ${e.waistCm} cm`,
            `${e.systolic}/${e.diastolic} mmHg`,
            e.hba1c === null ? '—' : `${e.hba1c} %`,
            `LDL ${e.ldl} / HDL ${e.hdl} / TG ${e.triglycerides} mg/dL`,
            `${e.judgment}（${e.institution}）`,
          ])}
        />
      );
      break;
  }
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(`clinical.scope.${section.scope}`)}</h2>
      {body}
    </section>
  );
}

/** A table on tablets and desktops; on a phone each row becomes a labelled block (CSS, data-label). */
function Table({ id, headers, rows }: { id: string; headers: string[]; rows: string[][] }) {
  return (
    <table class="data-table clinical-table" aria-labelledby={`${id}-title`}>
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((cells, i) => (
          <tr key={i}>
            {cells.map((cell, j) => (
              <td key={j} data-label={headers[j]}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
