import { useEffect, useState } from 'preact/hooks';
import {
  DASHBOARD_STATUSES,
  SEARCH_FIELDS,
  parseDashboardQuery,
  type ConsentDashboardResponse,
  type DashboardQuery,
  type DashboardStatus,
  type SearchField,
} from '../../domain/consent/consent-dashboard.ts';
import { VISIT_TYPES, type VisitType } from '../../domain/shared/visit-type.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { displayKana, formatDate, formatInstant, orNotRegistered } from '../reception/format.ts';
import { lifecycleFailure } from './lifecycle-errors.ts';
import { dashboardParams, loadDashboard } from './person-api.ts';
import { dobText } from './record-summary.tsx';

type Load = { kind: 'loading' } | { kind: 'done'; data: ConsentDashboardResponse } | { kind: 'failed'; message: string };

/** The query as the address bar holds it, so that a reload or a shared link shows the same list. */
function queryFromLocation(): DashboardQuery {
  return parseDashboardQuery(Object.fromEntries(new URLSearchParams(window.location.search)));
}

/**
 * The consent dashboard (issue 6 §3): every consent of the clinic, filtered by visit type, status
 * (V1–V4) and due reconfirmation (V5), searched by name kana, insurer number or reference number
 * (R9). The server filters and pages; this screen shows status only (P3).
 */
export function ConsentDashboardSection() {
  const { t, lang } = useI18n();
  const [query, setQuery] = useState<DashboardQuery>(queryFromLocation);
  // The form edits a draft; the list follows the submitted query.
  const [draft, setDraft] = useState<DashboardQuery>(query);
  const [state, setState] = useState<Load>({ kind: 'loading' });

  useEffect(() => {
    let current = true;
    setState({ kind: 'loading' });
    const params = dashboardParams(query).toString();
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${params ? `?${params}` : ''}`);
    void loadDashboard(query).then((result) => {
      if (!current) return;
      setState(result.ok ? { kind: 'done', data: result.data } : { kind: 'failed', message: lifecycleFailure(t, result.failure) });
    });
    return () => {
      current = false;
    };
  }, [query]);

  const submit = (event: Event) => {
    event.preventDefault();
    setQuery({ ...draft, page: 1 });
  };
  const goTo = (page: number) => {
    setQuery({ ...query, page });
    setDraft({ ...draft, page });
  };

  return (
    <>
      <form class="card form dashboard-filters" onSubmit={submit} role="search" aria-labelledby="dashboard-filters-title">
        <h2 id="dashboard-filters-title">{t('staffDash.filters')}</h2>
        <div class="filter-grid">
          <div class="field">
            <label for="dash-visit-type">{t('staffDash.visitType')}</label>
            <select id="dash-visit-type" value={draft.visitType ?? ''} onChange={(e) => setDraft({ ...draft, visitType: (e.currentTarget.value || null) as VisitType | null })}>
              <option value="">{t('staffDash.all')}</option>
              {VISIT_TYPES.map((v) => (
                <option key={v} value={v}>
                  {t(`visit.${v}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="dash-status">{t('staffDash.status')}</label>
            <select id="dash-status" value={draft.status ?? ''} onChange={(e) => setDraft({ ...draft, status: (e.currentTarget.value || null) as DashboardStatus | null })}>
              <option value="">{t('staffDash.all')}</option>
              {DASHBOARD_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`staffDash.status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="dash-search-by">{t('staffDash.searchBy')}</label>
            <select id="dash-search-by" value={draft.searchBy} onChange={(e) => setDraft({ ...draft, searchBy: e.currentTarget.value as SearchField })}>
              {SEARCH_FIELDS.map((f) => (
                <option key={f} value={f}>
                  {t(`staffDash.searchBy.${f}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="dash-q">{t('staffDash.q')}</label>
            <input
              id="dash-q"
              type="search"
              value={draft.q}
              maxLength={100}
              autocomplete="off"
              aria-describedby="dash-q-hint"
              onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })}
            />
            <p class="hint field-hint" id="dash-q-hint">
              {t(`staffDash.q.hint.${draft.searchBy}`)}
            </p>
          </div>
        </div>
        <div class="field dash-checkbox">
          <input id="dash-due" type="checkbox" checked={draft.reconfirmationDue} onChange={(e) => setDraft({ ...draft, reconfirmationDue: e.currentTarget.checked })} />
          <label for="dash-due">{t('staffDash.due')}</label>
        </div>
        <div class="actions">
          <button type="submit" class="button primary">
            {t('staffDash.apply')}
          </button>
          <button
            type="button"
            class="button"
            onClick={() => {
              const cleared = parseDashboardQuery({});
              setDraft(cleared);
              setQuery(cleared);
            }}
          >
            {t('staffDash.clear')}
          </button>
        </div>
      </form>

      <section class="card" aria-labelledby="dashboard-results-title" aria-busy={state.kind === 'loading' ? 'true' : undefined}>
        <h2 id="dashboard-results-title">{t('staffDash.results')}</h2>
        {state.kind === 'loading' && <p role="status">{t('staff.loading')}</p>}
        {state.kind === 'failed' && (
          <p class="message error" role="alert">
            {state.message}
          </p>
        )}
        {state.kind === 'done' && (
          <>
            {state.data.invalidSearch && (
              <p class="message error" role="alert">
                {t(`staffDash.invalidSearch.${query.searchBy}`)}
              </p>
            )}
            {!state.data.invalidSearch && state.data.rows.length === 0 && <p class="message notice">{t('staffDash.empty')}</p>}
            {state.data.rows.length > 0 && (
              <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="dashboard-table-caption">
                <table class="data-table dashboard-table">
                  <caption id="dashboard-table-caption">{t('staffDash.caption', { page: String(state.data.page) })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('field.name')}</th>
                      <th scope="col">{t('staffDash.referenceNumber')}</th>
                      <th scope="col">{t('staffDash.visitType')}</th>
                      <th scope="col">{t('staffDash.status')}</th>
                      <th scope="col">{t('staffDash.window')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {state.data.rows.map((row) => (
                      <tr key={row.consent.id} class={`dash-row dash-${row.status}`}>
                        <td>
                          <a href={`/staff/persons/${encodeURIComponent(row.person.personRef)}`}>{row.person.name || t('staffDash.noName')}</a>
                          <span class="hint dash-sub">
                            {t('format.kanaAndBirth', { kana: displayKana(t, row.person.nameKana), dob: dobText(t, lang, row.person.dateOfBirth) })}
                          </span>
                        </td>
                        <td>{orNotRegistered(t, row.person.referenceNumber)}</td>
                        <td>{t(`visit.${row.consent.visitType}`)}</td>
                        <td>
                          <span class={`state-badge dash-status-${row.status}`}>{t(`staffDash.status.${row.status}`)}</span>
                          {row.consent.reconfirmationDue && <span class="state-badge dash-due-badge">{t('staffDash.dueBadge')}</span>}
                        </td>
                        <td>
                          {row.consent.state === 'revoked' && row.consent.revokedAt
                            ? t('staffLc.revokedAt', { at: formatInstant(row.consent.revokedAt, lang) })
                            : row.consent.validUntil
                              ? t('staffLc.validUntil', { at: formatInstant(row.consent.validUntil, lang) })
                              : row.consent.reconfirmationDueOn
                                ? t('staffLc.dueOn', { date: formatDate(row.consent.reconfirmationDueOn, lang) })
                                : t('staffDash.untilRevoked')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <nav class="pager actions" aria-label={t('staffDash.pager')}>
              <button type="button" class="button" disabled={query.page <= 1} onClick={() => goTo(query.page - 1)}>
                {t('staffDash.previous')}
              </button>
              <span>{t('staffDash.page', { page: String(query.page) })}</span>
              <button type="button" class="button" disabled={!state.data.hasMore} onClick={() => goTo(query.page + 1)}>
                {t('staffDash.next')}
              </button>
            </nav>
          </>
        )}
      </section>
    </>
  );
}
