import { useEffect, useState } from 'preact/hooks';
import type { StaffMeResponse } from '../../domain/shared/api.ts';
import type { PersonAuditEntryDto, PersonPageResponse } from '../../domain/consent/consent-dashboard.ts';
import { ELIGIBILITY_CALL_CENTRE, IDENTITY_FIELDS, PHOTO_ID_EXAMPLES, type ClinicPersonRecord, type FieldComparison } from '../../domain/registration/identity-check.ts';
import { clinicRecordSchema, referenceNumberSchema } from '../../domain/staff/person-schema.ts';
import { parseDateText } from '../../domain/shared/date-text.ts';
import { dateProblemMessage, DateUnderstood } from '../components/date-understood.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { displayKana, formatInstant, formatOptionalDate, orNotRegistered } from '../reception/format.ts';
import { auditActionName, auditActorName, auditOutcomeName } from './audit-names.ts';
import { Field } from './field.tsx';
import { lifecycleFailure } from './lifecycle-errors.ts';
import { loadPerson, recordOtherPerson, saveClinicRecord, saveReferenceNumber } from './person-api.ts';
import { ConsentLine, dobText, RecordSummary } from './record-summary.tsx';
import { requerySingle } from './requery-api.ts';
import { RevokeConfirm } from './revoke-section.tsx';
import { ReceiptCheck } from './receipt-check.tsx';
import type { ConsentSummaryDto } from '../../domain/consent/staff-lifecycle-api.ts';
import type { EligibilityRecord } from '../../domain/registration/eligibility.ts';
import type { InsuranceQuery } from '../../domain/requery/csv.ts';
import { REQUERY_DAILY_LIMIT } from '../../domain/requery/requery.ts';

type Load = { kind: 'loading' } | { kind: 'done'; page: PersonPageResponse } | { kind: 'failed'; message: string; notFound: boolean };

/**
 * The person page (issue 6 §3): latest eligibility with what to do next (E2), the checks that
 * flag and never block (E3 identity, E4 copay vs cost limit, E5 which qualification, E6 medical
 * aid), the reference number (R9), re-query history and the consents with their audit trail.
 * Status and insurance information only (P3); doctors follow a link to the clinical view.
 */
export function PersonSection({ personRef, me }: { personRef: string; me: StaffMeResponse }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<Load>({ kind: 'loading' });
  const [notice, setNotice] = useState<string | null>(null);

  async function load() {
    const result = await loadPerson(personRef);
    if (result.ok) setState({ kind: 'done', page: result.data });
    else setState({ kind: 'failed', message: lifecycleFailure(t, result.failure), notFound: result.failure.kind === 'server' && result.failure.status === 404 });
  }
  useEffect(() => {
    void load();
  }, [personRef]);
  const changed = (message: string) => {
    setNotice(message);
    void load();
  };

  if (state.kind === 'loading') return <p role="status">{t('staff.loading')}</p>;
  if (state.kind === 'failed') {
    return (
      <>
        <p class="message error" role="alert">
          {state.notFound ? t('staffPerson.notFound') : state.message}
        </p>
        <p>
          <a class="link-block" href="/staff/consents">{t('staffPerson.back')}</a>
        </p>
      </>
    );
  }
  const { page } = state;
  const { person } = page;
  // The server refuses these edits without `person.edit` (issue 12 #16); the forms follow it.
  const canEdit = me.permissions.includes('person.edit');
  return (
    <>
      <p>
        <a class="link-block" href="/staff/consents">{t('staffPerson.back')}</a>
      </p>
      {notice && (
        <p class="message success" role="status">
          {notice}
        </p>
      )}
      <section class="card person-head" aria-labelledby="person-title">
        <h2 id="person-title">{person.name || t('staffDash.noName')}</h2>
        <dl class="facts">
          <dt>{t('field.nameKana')}</dt>
          <dd>{displayKana(t, person.nameKana)}</dd>
          <dt>{t('field.dateOfBirth')}</dt>
          <dd>{dobText(t, lang, person.dateOfBirth)}</dd>
          <dt>{t('staffPerson.insurerNumber')}</dt>
          <dd>{orNotRegistered(t, person.insurerNumber)}</dd>
        </dl>
        {/* Issue 16: what the desk does next, with this person's numbers (nothing typed again). */}
        <div class="button-row person-actions">
          {page.requery.gate === 'allowed' && me.permissions.includes('requery.run') && (
            <RequeryButton personRef={person.personRef} record={page.eligibility?.record ?? null} onDone={changed} />
          )}
          {me.permissions.includes('consent.revoke') && page.consents.some((c) => c.consent.state === 'active') && (
            <a class="button" href="#person-consents-title">
              {t('staffPerson.actions.revoke')}
            </a>
          )}
        </div>
        {canEdit ? (
          <ReferenceNumberForm personRef={person.personRef} current={person.referenceNumber} onSaved={() => changed(t('staffPerson.ref.saved'))} />
        ) : (
          <dl class="facts">
            <dt>{t('staffPerson.ref.label')}</dt>
            <dd>{orNotRegistered(t, person.referenceNumber)}</dd>
          </dl>
        )}
        {me.permissions.includes('clinical.view') && (
          <p>
            <a class="button" href={`/staff/clinical/${encodeURIComponent(person.personRef)}`}>
              {t('staffPerson.clinicalLink')}
            </a>
          </p>
        )}
      </section>

      <ChecksCard page={page} personRef={person.personRef} onChanged={changed} />

      <section class="card" aria-labelledby="person-eligibility-title">
        <h2 id="person-eligibility-title">{t('staffPerson.eligibility')}</h2>
        {page.eligibility === null ? (
          <p class="message notice">{page.identityStatus === 'informationDeleted' ? t('staffPerson.eligibility.deleted') : t('staffPerson.eligibility.none')}</p>
        ) : (
          <>
            <p class="hint">
              {t(`staffPerson.eligibility.${page.eligibility.source}`, { at: formatInstant(page.eligibility.checkedAt, lang) })}
            </p>
            <RecordSummary record={page.eligibility.record} nextSteps={page.eligibility.nextSteps} />
          </>
        )}
      </section>

      {canEdit && <ClinicRecordForm personRef={person.personRef} initial={page.clinicRecord} onSaved={() => changed(t('staffPerson.clinic.saved'))} />}

      <section class="card" aria-labelledby="person-requery-title">
        <h2 id="person-requery-title">{t('staffPerson.requery')}</h2>
        {page.requery.gate !== 'allowed' && <p class="message notice">{t(`staffPerson.requery.gate.${page.requery.gate}`)}</p>}
        {page.requery.gate === 'allowed' && page.requery.results.length === 0 && <p class="message notice">{t('staffPerson.requery.none')}</p>}
        <ul class="consent-list">
          {page.requery.results.map((r) => (
            <li key={r.queriedAt}>
              <span class={`status-badge status-${r.status}`}>{t(`status.${r.status}`)}</span> {formatInstant(r.queriedAt, lang)}・{orNotRegistered(t, r.record.insurerName)}
            </li>
          ))}
        </ul>
      </section>

      <section class="card" aria-labelledby="person-consents-title">
        <h2 id="person-consents-title">{t('staffPerson.consents')}</h2>
        <ul class="consent-list">
          {page.consents.map((c) => (
            <li key={c.consent.id}>
              <ConsentLine consent={c.consent} />
              {c.status === 'expiring' && <span class="state-badge dash-status-expiring">{t('staffDash.status.expiring')}</span>}
              {c.consent.state === 'active' && me.permissions.includes('consent.revoke') && (
                <RevokeFromPerson name={person.name || t('staffDash.noName')} consent={c.consent} onDone={changed} />
              )}
              <AuditList entries={c.audit} />
            </li>
          ))}
        </ul>
        {page.personAudit.length > 0 && (
          <>
            <h3>{t('staffPerson.personAudit')}</h3>
            <AuditList entries={page.personAudit} open />
          </>
        )}
      </section>

      <ReceiptCheck personRef={person.personRef} />
    </>
  );
}

/**
 * X1/X2 from the person page: the consent is already known, so nothing is searched or typed; the
 * confirm step offers only the reasons that fit its visit type.
 */
function RevokeFromPerson({ name, consent, onDone }: { name: string; consent: ConsentSummaryDto; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const visit = t(`visit.${consent.visitType}`);
  if (!open) {
    return (
      <button type="button" class="button danger" aria-label={t('staffLc.revoke.buttonFor', { name, visit })} onClick={() => setOpen(true)}>
        {t('staffLc.revoke.button')}
      </button>
    );
  }
  return <RevokeConfirm name={name} consent={consent} onCancel={() => setOpen(false)} onDone={() => onDone(t('staffPerson.revoke.done', { visit }))} />;
}

/**
 * Q1 from the person page: the numbers of the latest eligibility record known here, so nothing is
 * typed again. Twins share the numbers (Q5): only this person's answer counts.
 */
function RequeryButton({ personRef, record, onDone }: { personRef: string; record: EligibilityRecord | null; onDone: (message: string) => void }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'notice'; text: string } | null>(null);
  if (!record || !record.insurerNumber || !record.number || !record.dateOfBirth) return <p class="message notice">{t('staffPerson.requery.noRecord')}</p>;
  const query: InsuranceQuery = { insurerNumber: record.insurerNumber, symbol: record.symbol, number: record.number, branch: record.branch, dateOfBirth: record.dateOfBirth };

  async function run() {
    setBusy(true);
    setMessage(null);
    const result = await requerySingle(query);
    setBusy(false);
    if (!result.ok) {
      setMessage({ kind: 'error', text: lifecycleFailure(t, result.failure) });
      return;
    }
    const match = result.data.rows[0]?.matches.find((m) => m.personRef === personRef);
    if (match?.outcome === 'ok') onDone(t('staffPerson.requery.done'));
    else if (match?.outcome === 'alreadyQueriedToday')
      setMessage({ kind: 'notice', text: t('staffLc.requery.already', { at: formatInstant(match.queriedAt, lang), limit: String(REQUERY_DAILY_LIMIT) }) });
    else if (match?.outcome === 'revoked' || match?.outcome === 'noActiveConsent') setMessage({ kind: 'error', text: t(`staffPerson.requery.gate.${match.outcome}`) });
    else setMessage({ kind: 'error', text: t('staffLc.requery.notFound') });
  }

  return (
    <>
      <button type="button" class="button primary" disabled={busy} onClick={() => void run()}>
        {busy ? t('staffPerson.requery.running') : t('staffPerson.requery.run')}
      </button>
      {message && (
        <p class={`message ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </>
  );
}

function AuditList({ entries, open = false }: { entries: PersonAuditEntryDto[]; open?: boolean }) {
  const { t, lang } = useI18n();
  if (entries.length === 0) return null;
  return (
    <details class="audit-trail" open={open}>
      <summary>{t('staffPerson.audit', { count: String(entries.length) })}</summary>
      <ol class="audit-list">
        {entries.map((e, i) => (
          <li key={`${e.at}-${i}`}>
            <time dateTime={e.at}>{formatInstant(e.at, lang)}</time> <strong>{auditActionName(t, e.action)}</strong> {auditActorName(t, e.actorType)} ・ {auditOutcomeName(t, e.outcome)}
            {e.detail && <span class="hint"> ({e.detail})</span>}
          </li>
        ))}
      </ol>
    </details>
  );
}

function ChecksCard({ page, personRef, onChanged }: { page: PersonPageResponse; personRef: string; onChanged: (message: string) => void }) {
  const { t, lang } = useI18n();
  const choice = page.qualificationChoice;
  const date = (d: string | null) => formatOptionalDate(t, lang, d);
  return (
    <section class="card person-checks" aria-labelledby="person-checks-title">
      <h2 id="person-checks-title">{t('staffPerson.checks')}</h2>
      <p class="hint">{t('staffPerson.checks.lead')}</p>

      <h3>{t('staffPerson.e3.title')}</h3>
      {page.identity === null && <p class="message notice">{t('staffPerson.e3.noRecord')}</p>}
      {page.identity && page.identity.nothingCompared && <p class="message notice">{t('staffPerson.e3.enterRecord')}</p>}
      {page.identity && !page.identity.nothingCompared && (
        <>
          <p class={`message ${page.identity.flagged ? 'warning' : 'success'}`} role={page.identity.flagged ? 'alert' : undefined}>
            {page.identity.flagged ? t('staffPerson.e3.flagged') : t('staffPerson.e3.ok')}
          </p>
          <dl class="facts identity-results">
            {IDENTITY_FIELDS.map((f) => (
              <>
                <dt key={`${f}-dt`}>{t(`staffPerson.e3.field.${f}`)}</dt>
                <dd key={`${f}-dd`} class={`cmp-${page.identity!.fields[f]}`}>
                  {comparisonText(t, page.identity!.fields[f])}
                </dd>
              </>
            ))}
          </dl>
        </>
      )}
      <PhotoIdCheck personRef={personRef} doubted={page.identity?.flagged === true} onChanged={onChanged} />
      <OtherPersonSteps personRef={personRef} status={page.identityStatus} onChanged={onChanged} />

      <h3>{t('staffPerson.e4.title')}</h3>
      {page.copay ? (
        <p class="message warning" role="alert">
          {t(`staffPerson.e4.${page.copay.contradiction}`, { ratio: String(page.copay.copayRatio / 10), category: page.copay.applicationCategory })}
        </p>
      ) : (
        <p class="hint">{t('staffPerson.e4.none')}</p>
      )}

      <h3>{t('staffPerson.e5.title')}</h3>
      {choice ? (
        <>
          <p>{t(`staffPerson.e5.reason.${choice.reason}`, { count: String(choice.candidates.length) })}</p>
          <ol class="qualification-list">
            {choice.candidates.map((c, i) => (
              <li key={`${c.insurerNumber}-${i}`} class={i === choice.chosenIndex ? 'chosen' : undefined}>
                <strong>
                  {c.insurerName}（{c.insurerNumber}）
                </strong>
                {i === choice.chosenIndex && <span class="state-badge state-active">{t('staffPerson.e5.chosen')}</span>}
                {c.municipalNhi && <span class="hint"> {t('staffPerson.e5.municipalNhi')}</span>}
                <br />
                <span class="hint">
                  {c.medicalAid
                    ? t('staffPerson.e5.aidDates', { acquired: date(c.qualificationAcquiredOn), lost: date(c.qualificationLostOn) })
                    : t('staffPerson.e5.cardDates', { issued: date(c.cardIssuedOn), from: date(c.cardValidFrom), to: date(c.cardValidTo) })}
                </span>
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p class="hint">{t('staffPerson.e5.none')}</p>
      )}

      <h3>{t('staffPerson.e6.title')}</h3>
      {page.medicalAid ? (
        <p class="message warning" role="alert">
          {t('staffPerson.e6.flag')}
        </p>
      ) : (
        <p class="hint">{t('staffPerson.e6.none')}</p>
      )}
    </section>
  );
}

function comparisonText(t: ReturnType<typeof useI18n>['t'], c: FieldComparison): string {
  return t(`staffPerson.e3.cmp.${c}`);
}

/**
 * E9 (002 FAQ #10): when staff doubt that the person is who they say — the comparison above
 * flagged something, or they simply doubt it — they may ask for a photo ID, and record that they did.
 */
function PhotoIdCheck({ personRef, doubted, onChanged }: { personRef: string; doubted: boolean; onChanged: (message: string) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(doubted);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (doubted) setOpen(true);
  }, [doubted]);

  async function record() {
    setBusy(true);
    setError(null);
    const result = await recordOtherPerson(personRef, 'photoIdChecked');
    setBusy(false);
    if (result.ok) onChanged(t('staffPerson.e9.recorded'));
    else setError(lifecycleFailure(t, result.failure));
  }

  if (!open) {
    return (
      <p>
        <button type="button" class="button" onClick={() => setOpen(true)}>
          {t('staffPerson.e9.open')}
        </button>
      </p>
    );
  }
  return (
    <div class="photo-id" role="group" aria-labelledby="photo-id-title">
      <h4 id="photo-id-title">{t('staffPerson.e9.title')}</h4>
      <p>{t('staffPerson.e9.body')}</p>
      <ul>
        {PHOTO_ID_EXAMPLES.map((k) => (
          <li key={k}>{t(`staffPerson.e9.id.${k}`)}</li>
        ))}
      </ul>
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      <button type="button" class="button" disabled={busy} onClick={() => void record()}>
        {t('staffPerson.e9.record')}
      </button>
    </div>
  );
}

/** E3 (001 1-③): the two steps when the record shows someone else, each recorded. */
function OtherPersonSteps({ personRef, status, onChanged }: { personRef: string; status: PersonPageResponse['identityStatus']; onChanged: (message: string) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(status !== null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  async function step(which: 'callCentre' | 'deleteProvidedInformation') {
    setBusy(true);
    setError(null);
    const result = await recordOtherPerson(personRef, which);
    setBusy(false);
    if (!result.ok) {
      setError(lifecycleFailure(t, result.failure));
      return;
    }
    setConfirmDelete(false);
    onChanged(which === 'callCentre' ? t('staffPerson.other.calledDone') : t('staffPerson.other.deletedDone'));
  }

  if (!open) {
    return (
      <p>
        <button type="button" class="button" onClick={() => setOpen(true)}>
          {t('staffPerson.other.open')}
        </button>
      </p>
    );
  }
  return (
    <div class="other-person" role="group" aria-labelledby="other-person-title">
      <h4 id="other-person-title">{t('staffPerson.other.title')}</h4>
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      <ol class="steps">
        <li>
          <p>{t('staffPerson.other.step1', { phone: ELIGIBILITY_CALL_CENTRE })}</p>
          {status === null ? (
            <button type="button" class="button" disabled={busy} onClick={() => void step('callCentre')}>
              {t('staffPerson.other.recordCall')}
            </button>
          ) : (
            <p class="message success">{t('staffPerson.other.called')}</p>
          )}
        </li>
        <li>
          <p>{t('staffPerson.other.step2')}</p>
          {status === 'informationDeleted' ? (
            <p class="message success">{t('staffPerson.other.deleted')}</p>
          ) : confirmDelete ? (
            <div class="actions">
              <button type="button" class="button danger" disabled={busy} onClick={() => void step('deleteProvidedInformation')}>
                {t('staffPerson.other.confirmDelete')}
              </button>
              <button type="button" class="button" onClick={() => setConfirmDelete(false)}>
                {t('staffLc.cancel')}
              </button>
            </div>
          ) : (
            <button type="button" class="button" disabled={busy} onClick={() => setConfirmDelete(true)}>
              {t('staffPerson.other.delete')}
            </button>
          )}
        </li>
      </ol>
    </div>
  );
}

function ReferenceNumberForm({ personRef, current, onSaved }: { personRef: string; current: string | null; onSaved: () => void }) {
  const { t } = useI18n();
  const [value, setValue] = useState(current ?? '');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const parsed = referenceNumberSchema.safeParse({ referenceNumber: value });
    if (!parsed.success) {
      setError(t('staffPerson.ref.invalid'));
      return;
    }
    setBusy(true);
    const result = await saveReferenceNumber(personRef, parsed.data.referenceNumber);
    setBusy(false);
    if (result.ok) {
      setError(undefined);
      setValue(result.data.person.referenceNumber ?? '');
      onSaved();
    } else if (result.failure.kind === 'server' && result.failure.code === 'reference_number_taken') {
      setError(t('staffPerson.ref.taken'));
    } else if (result.failure.kind === 'server' && result.failure.code === 'validation_failed') {
      setError(t('staffPerson.ref.invalid'));
    } else {
      setError(lifecycleFailure(t, result.failure));
    }
  }

  return (
    <form class="form inline-form" onSubmit={submit} noValidate>
      <Field id="reference-number" label={t('staffPerson.ref.label')} hint={t('staffPerson.ref.hint')} error={error}>
        <input
          id="reference-number"
          value={value}
          maxLength={40}
          autocomplete="off"
          onInput={(e) => setValue(e.currentTarget.value)}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={`reference-number-hint${error ? ' reference-number-error' : ''}`}
        />
      </Field>
      <button type="submit" class="button" disabled={busy}>
        {t('staffPerson.ref.save')}
      </button>
    </form>
  );
}

type ClinicField = keyof ClinicPersonRecord;

/** E3: the clinic's own record (intake form or chart), compared with the displayed record. */
function ClinicRecordForm({ personRef, initial, onSaved }: { personRef: string; initial: ClinicPersonRecord; onSaved: () => void }) {
  const { t } = useI18n();
  const [record, setRecord] = useState<ClinicPersonRecord>(initial);
  const [errors, setErrors] = useState<Partial<Record<ClinicField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: ClinicField, value: string) => setRecord({ ...record, [field]: value });

  async function submit(event: Event) {
    event.preventDefault();
    setFormError(null);
    // 和暦 or 西暦 as typed (D4); the server keeps receiving an ISO date.
    const dob = parseDateText(record.dateOfBirth);
    if (!dob.ok && dob.problem !== 'empty') {
      setErrors({ dateOfBirth: dateProblemMessage(t, dob.problem) });
      return;
    }
    const parsed = clinicRecordSchema.safeParse({ ...record, dateOfBirth: dob.ok ? dob.date : '' });
    if (!parsed.success) {
      const found: Partial<Record<ClinicField, string>> = {};
      for (const issue of parsed.error.issues) found[issue.path[0] as ClinicField] = t(issue.path[0] === 'dateOfBirth' ? 'staffPerson.clinic.dobInvalid' : 'staffPerson.clinic.tooLong');
      setErrors(found);
      return;
    }
    setErrors({});
    setBusy(true);
    const result = await saveClinicRecord(personRef, parsed.data);
    setBusy(false);
    if (result.ok) onSaved();
    else setFormError(lifecycleFailure(t, result.failure));
  }

  const text = (field: Exclude<ClinicField, 'sex'>, props: Record<string, string> = {}, hint?: string) => (
    <Field id={`clinic-${field}`} label={t(`staffPerson.clinic.${field}`)} hint={hint} error={errors[field]}>
      <input
        id={`clinic-${field}`}
        value={record[field]}
        onInput={(e) => set(field, e.currentTarget.value)}
        aria-invalid={errors[field] ? 'true' : undefined}
        aria-describedby={[hint ? `clinic-${field}-hint` : '', field === 'dateOfBirth' ? 'clinic-dateOfBirth-understood' : '', errors[field] ? `clinic-${field}-error` : '']
          .filter(Boolean)
          .join(' ') || undefined}
        {...props}
      />
      {field === 'dateOfBirth' && <DateUnderstood id="clinic-dateOfBirth-understood" text={record.dateOfBirth} />}
    </Field>
  );

  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="clinic-record-title">
      <h2 id="clinic-record-title">{t('staffPerson.clinic.title')}</h2>
      <p class="hint">{t('staffPerson.clinic.lead')}</p>
      {formError && (
        <p class="message error" role="alert">
          {formError}
        </p>
      )}
      {text('name', { autocomplete: 'off' })}
      {text('nameKana', { autocomplete: 'off' })}
      <Field id="clinic-sex" label={t('staffPerson.clinic.sex')} error={undefined}>
        <select id="clinic-sex" class="person-page-select" value={record.sex} onChange={(e) => set('sex', e.currentTarget.value)}>
          <option value="">{t('staffPerson.clinic.sexUnset')}</option>
          <option value="male">{t('sex.male')}</option>
          <option value="female">{t('sex.female')}</option>
        </select>
      </Field>
      {text('dateOfBirth', { autocomplete: 'off' }, t('dateText.hint'))}
      {text('address', { autocomplete: 'off' })}
      <button type="submit" class="button primary" disabled={busy}>
        {t('staffPerson.clinic.save')}
      </button>
    </form>
  );
}
