import { useEffect, useState } from 'preact/hooks';
import type { StaffMeResponse } from '../../domain/shared/api.ts';
import type { AuditCursor, AuditEventDto, AuditEventsResponse, AuditFilter, AuditStaffResponse, AuditVerifyResponse } from '../../domain/staff/audit-api.ts';
import type { ApiFailure } from '../api-client.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';
import { formatInstant } from '../reception/format.ts';
import { AUDIT_ACTIONS } from '../../domain/staff/audit-events.ts';
import { parseDateText } from '../../domain/shared/date-text.ts';
import { dateProblemMessage, DateUnderstood } from '../components/date-understood.tsx';
import { auditCsvHref, auditEvents, auditStaff, verifyAuditChainPart } from './audit-api.ts';
import { auditActionName, auditOutcomeName } from './audit-names.ts';
import { Field } from './field.tsx';
import { failureMessage } from './section-failure.ts';

type FilterField = 'personRef' | 'staffId' | 'action' | 'from' | 'to';
type Page = { kind: 'idle' } | { kind: 'loading' } | { kind: 'done'; data: AuditEventsResponse } | { kind: 'failed'; message: string };
type Verify =
  | { kind: 'idle' }
  | { kind: 'running'; checked: number; total: number | null }
  | { kind: 'done'; result: AuditVerifyResponse }
  | { kind: 'failed'; message: string };

function auditFailure(t: Translate, failure: ApiFailure): string {
  if (failure.kind === 'server' && failure.status === 403) return t('audit.forbidden');
  return failureMessage(t, failure);
}

/** X5, P5: the audit viewer, for administrators. The trail holds codes and ids, never names. */
export function AuditSection({ me }: { me: StaffMeResponse }) {
  const { t } = useI18n();
  if (!me.permissions.includes('audit.view')) {
    return (
      <p class="message error" role="alert">
        {t('audit.forbidden')}
      </p>
    );
  }
  return <AuditViewer />;
}

function AuditViewer() {
  const { t, lang } = useI18n();
  const [draft, setDraft] = useState<Record<FilterField, string>>({ personRef: '', staffId: '', action: '', from: '', to: '' });
  const [applied, setApplied] = useState<AuditFilter>({});
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FilterField, string>>>({});
  const [staff, setStaff] = useState<AuditStaffResponse['staff']>([]);
  const [page, setPage] = useState<Page>({ kind: 'idle' });
  // Cursors of the pages before this one, for "newer"; the current page's cursor last.
  const [cursors, setCursors] = useState<Array<AuditCursor | null>>([null]);
  const [verify, setVerify] = useState<Verify>({ kind: 'idle' });

  async function load(filter: AuditFilter, before: AuditCursor | null): Promise<boolean> {
    setPage({ kind: 'loading' });
    const result = await auditEvents(filter, before);
    if (result.ok) {
      setFieldErrors({});
      setPage({ kind: 'done', data: result.data });
      return true;
    }
    if (result.failure.kind === 'server' && result.failure.code === 'validation_failed') {
      // The filter stays as typed; each bad field says what it needs.
      const errors: Partial<Record<FilterField, string>> = {};
      for (const field of Object.keys(result.failure.fields ?? {})) {
        if (field === 'personRef' || field === 'staffId' || field === 'action') errors[field] = t('audit.error.code');
        if (field === 'from' || field === 'to') errors[field] = t('audit.error.date');
      }
      if (result.failure.fields?.to && filter.from && filter.to && filter.from > filter.to) errors.to = t('audit.error.range');
      setFieldErrors(errors);
      setPage({ kind: 'failed', message: t('audit.error.filter') });
      return false;
    }
    setPage({ kind: 'failed', message: auditFailure(t, result.failure) });
    return false;
  }

  useEffect(() => {
    void auditStaff().then((r) => r.ok && setStaff(r.data.staff));
    void load({}, null);
  }, []);

  async function search(event: Event) {
    event.preventDefault();
    const filter: AuditFilter = {};
    // The dates are typed in 和暦 or 西暦 (issue 16 #1, D4) and sent as YYYY-MM-DD; a date that
    // cannot be read is said so here, and the text stays as typed.
    const dateErrors: Partial<Record<FilterField, string>> = {};
    for (const key of Object.keys(draft) as FilterField[]) {
      const value = draft[key].trim();
      if (value === '') continue;
      if (key === 'from' || key === 'to') {
        const parsed = parseDateText(value);
        if (parsed.ok) filter[key] = parsed.date;
        else dateErrors[key] = dateProblemMessage(t, parsed.problem);
      } else filter[key] = value;
    }
    if (Object.keys(dateErrors).length > 0) {
      setFieldErrors(dateErrors);
      setPage({ kind: 'failed', message: t('audit.error.filter') });
      return;
    }
    if (await load(filter, null)) {
      setApplied(filter);
      setCursors([null]);
    }
  }

  async function older(next: AuditCursor) {
    if (await load(applied, next)) setCursors([...cursors, next]);
  }
  async function newer() {
    const previous = cursors.slice(0, -1);
    if (await load(applied, previous.at(-1) ?? null)) setCursors(previous.length > 0 ? previous : [null]);
  }

  // A long trail is checked a part at a time (issue 17 #4), with the count so far on screen.
  async function runVerify() {
    setVerify({ kind: 'running', checked: 0, total: null });
    let fromSeq = 1;
    for (;;) {
      const result = await verifyAuditChainPart(fromSeq);
      if (!result.ok) {
        setVerify({ kind: 'failed', message: auditFailure(t, result.failure) });
        return;
      }
      const part = result.data;
      if (!part.ok || part.nextSeq === null) {
        setVerify({ kind: 'done', result: part });
        return;
      }
      setVerify({ kind: 'running', checked: part.events, total: part.total });
      fromSeq = part.nextSeq;
    }
  }

  const staffName = (id: string | null) => {
    if (id === null) return '—';
    const s = staff.find((x) => x.id === id);
    return s ? `${s.displayName}（${s.loginId}）` : id;
  };
  const common = (key: FilterField) => ({
    id: `audit-${key}`,
    value: draft[key],
    onInput: (e: Event) => setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value }),
    'aria-invalid': fieldErrors[key] ? ('true' as const) : undefined,
  });
  const csvHref = auditCsvHref(applied);

  return (
    <>
      <section class="card" aria-labelledby="audit-verify-title">
        <h2 id="audit-verify-title">{t('audit.verify.title')}</h2>
        <p class="hint">{t('audit.verify.lead')}</p>
        <button type="button" class="button" onClick={() => void runVerify()} disabled={verify.kind === 'running'}>
          {verify.kind === 'running' ? t('audit.verify.running') : t('audit.verify.button')}
        </button>
        {verify.kind === 'running' && verify.total !== null && (
          <p class="hint" role="status">
            {t('audit.verify.progress', { checked: verify.checked.toLocaleString('ja-JP'), total: verify.total.toLocaleString('ja-JP') })}
          </p>
        )}
        {verify.kind === 'done' &&
          (verify.result.ok ? (
            <p class="message success" role="status">
              {t('audit.verify.ok', { count: String(verify.result.events) })}
            </p>
          ) : (
            <p class="message error" role="alert">
              {t('audit.verify.broken', { seq: String(verify.result.brokenAtSeq), count: String(verify.result.events) })}
            </p>
          ))}
        {verify.kind === 'failed' && (
          <p class="message error" role="alert">
            {verify.message}
          </p>
        )}
      </section>

      <form class="card form audit-filter" onSubmit={search} noValidate aria-labelledby="audit-filter-title">
        <h2 id="audit-filter-title">{t('audit.filter.title')}</h2>
        <div class="audit-filter-grid">
          <Field id="audit-personRef" label={t('audit.filter.person')} error={fieldErrors.personRef}>
            <input type="text" {...common('personRef')} autocomplete="off" spellcheck={false} aria-describedby={fieldErrors.personRef ? 'audit-personRef-error' : undefined} />
          </Field>
          <Field id="audit-staffId" label={t('audit.filter.staff')} error={fieldErrors.staffId}>
            <select id="audit-staffId" value={draft.staffId} onChange={(e) => setDraft({ ...draft, staffId: e.currentTarget.value })}>
              <option value="">{t('audit.filter.anyone')}</option>
              {staff.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.displayName}（{s.loginId}）
                </option>
              ))}
            </select>
          </Field>
          {/* The event names from the catalogue; the code itself is what the server filters on. */}
          <Field id="audit-action" label={t('audit.filter.action')} error={fieldErrors.action}>
            <select id="audit-action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })}>
              <option value="">{t('audit.filter.actionAll')}</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {auditActionName(t, a)}
                </option>
              ))}
            </select>
          </Field>
          {(['from', 'to'] as const).map((key) => (
            <Field key={key} id={`audit-${key}`} label={t(`audit.filter.${key}`)} error={fieldErrors[key]}>
              <input
                type="text"
                {...common(key)}
                autocomplete="off"
                spellcheck={false}
                aria-describedby={[`audit-${key}-hint`, `audit-${key}-understood`, fieldErrors[key] ? `audit-${key}-error` : ''].filter(Boolean).join(' ')}
              />
              {/* Below the field, so the filter's inputs stay in one row. */}
              <p class="hint field-hint" id={`audit-${key}-hint`}>
                {t('audit.filter.dateHint')}
              </p>
              <DateUnderstood id={`audit-${key}-understood`} text={draft[key]} />
            </Field>
          ))}
        </div>
        <div class="button-row">
          <button type="submit" class="button primary">
            {t('audit.filter.submit')}
          </button>
          <a class="button" href={csvHref} download="audit.csv">
            {t('audit.csv')}
          </a>
        </div>
        <p class="hint">{t('audit.csvHint')}</p>
      </form>

      <section class="card" aria-labelledby="audit-events-title">
        <h2 id="audit-events-title">{t('audit.events.title')}</h2>
        {page.kind === 'loading' && <p role="status">{t('staff.loading')}</p>}
        {page.kind === 'failed' && (
          <p class="message error" role="alert">
            {page.message}
          </p>
        )}
        {page.kind === 'done' && page.data.events.length === 0 && <p>{t('audit.events.empty')}</p>}
        {page.kind === 'done' && page.data.events.length > 0 && (
          <>
            {/* Its own name: the section is already a region called 「記録（新しい順）」 (axe: landmark-unique). */}
            <div class="table-scroll" role="region" aria-label={t('audit.events.table')} tabIndex={0}>
              <table class="data-table audit-table">
                <thead>
                  <tr>
                    <th scope="col">{t('audit.col.seq')}</th>
                    <th scope="col">{t('audit.col.at')}</th>
                    <th scope="col">{t('audit.col.actor')}</th>
                    <th scope="col">{t('audit.col.action')}</th>
                    <th scope="col">{t('audit.col.person')}</th>
                    <th scope="col">{t('audit.col.outcome')}</th>
                    <th scope="col">{t('audit.col.detail')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.events.map((e: AuditEventDto) => (
                    <tr key={e.seq}>
                      <td>{e.seq}</td>
                      <td>{formatInstant(e.at, lang)}</td>
                      <td>{e.actorType === 'staff' ? staffName(e.actorId) : t(`audit.actor.${e.actorType === 'patient' ? 'patient' : e.actorType === 'api_client' ? 'apiClient' : 'system'}`)}</td>
                      <td title={e.action}>{auditActionName(t, e.action)}</td>
                      <td>{e.personRef ?? '—'}</td>
                      <td>{auditOutcomeName(t, e.outcome)}</td>
                      <td class="audit-detail">{e.detail ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div class="button-row">
              <button type="button" class="button" disabled={cursors.length <= 1} onClick={() => void newer()}>
                {t('audit.page.newer')}
              </button>
              <button type="button" class="button" disabled={page.data.next === null} onClick={() => page.data.next !== null && void older(page.data.next)}>
                {t('audit.page.older')}
              </button>
            </div>
          </>
        )}
      </section>
    </>
  );
}
