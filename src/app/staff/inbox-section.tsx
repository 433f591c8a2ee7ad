import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso/router';
import {
  allowedClaimMethods,
  claimAskedFirst,
  DECLARATION_STATUSES,
  QUALIFICATIONS_FOUND,
  type ClaimDeclarationRequest,
  type DeclarationDetailDto,
  type DeclarationInboxItemDto,
  type DeclarationStateDto,
  type DeclarationStatus,
  type DeclarationStepDto,
  type QualificationFound,
} from '../../domain/declaration/declaration-api.ts';
import type { ClaimMethod } from '../../domain/fallback/fallback-guide.ts';
import type { SenderTrust } from '../../domain/staff/device-signature.ts';
import type { ApiFailure, ApiResult } from '../api-client.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';
import { formatInstant } from '../reception/format.ts';
import { DeclarationForm, GuideOutcomeView } from './declaration-view.tsx';
import { GuideRecordList } from './guide-record-list.tsx';
import { claimDeclaration, completeDeclaration, declarationDetail, declarationInbox, verifyDeclaration } from './inbox-api.ts';

/** The server lists at most this many (newest first). */
const INBOX_LIMIT = 500;
const NOTE_MAX = 200;

const REFUSALS: Partial<Record<string, MessageKey>> = {
  unauthenticated: 'staffLc.error.signedOut',
  declaration_not_found: 'staffInbox.error.notFound',
  declaration_not_verifiable: 'staffInbox.error.notVerifiable',
  declaration_not_claimable: 'staffInbox.error.notClaimable',
  declaration_claim_method_not_allowed: 'staffInbox.error.claimMethodNotAllowed',
  declaration_unknown_claim_not_asked: 'staffInbox.claim.askedMissing',
  declaration_not_completable: 'staffInbox.error.notCompletable',
  validation_failed: 'staffLc.error.validation',
};

function inboxFailure(t: Translate, failure: ApiFailure): string {
  if (failure.kind === 'network') return t('error.network');
  const key = REFUSALS[failure.code];
  return key ? t(key) : t('error.server');
}

function statusOf(value: string | undefined): DeclarationStatus | null {
  return (DECLARATION_STATUSES as readonly string[]).includes(value ?? '') ? (value as DeclarationStatus) : null;
}

function StatusBadge({ status }: { status: DeclarationStatus }) {
  const { t } = useI18n();
  return <span class={`declaration-status status-${status}`}>{t(`staffInbox.status.${status}`)}</span>;
}

/** Issue 12 #15: from a tablet the clinic enrolled (its signature verified), or from a device it does not know. */
function SenderBadge({ sender }: { sender: SenderTrust }) {
  const { t } = useI18n();
  return (
    <span class={`sender-trust sender-${sender}`} title={t(`staffInbox.sender.${sender}Hint`)}>
      {t(`staffInbox.sender.${sender}`)}
    </span>
  );
}

/** Issue 5 §5: /staff/inbox lists the declarations; /staff/inbox/<id> opens one. */
export function InboxSection({ id }: { id?: string | undefined }) {
  return id ? <DeclarationDetail id={id} /> : <InboxList />;
}

type List = { kind: 'loading' } | { kind: 'done'; items: DeclarationInboxItemDto[] } | { kind: 'failed'; message: string };

function InboxList() {
  const { t, lang } = useI18n();
  const { query } = useRoute();
  const status = statusOf(query.status);
  const [list, setList] = useState<List>({ kind: 'loading' });

  useEffect(() => {
    let current = true;
    setList({ kind: 'loading' });
    void declarationInbox(status).then((result) => {
      if (!current) return;
      setList(result.ok ? { kind: 'done', items: result.data.declarations } : { kind: 'failed', message: inboxFailure(t, result.failure) });
    });
    return () => {
      current = false;
    };
  }, [status]);

  const filters: Array<DeclarationStatus | null> = [null, ...DECLARATION_STATUSES];
  return (
    <>
      <p class="hint">{t('staffInbox.lead')}</p>
      <section class="card" aria-labelledby="inbox-title">
        <h2 id="inbox-title">{t('staffInbox.listTitle')}</h2>
        <nav class="filter-links" aria-label={t('staffInbox.filterLabel')}>
          <ul>
            {filters.map((f) => (
              <li key={f ?? 'all'}>
                <a href={f ? `/staff/inbox?status=${f}` : '/staff/inbox'} aria-current={f === status ? 'true' : undefined}>
                  {f ? t(`staffInbox.status.${f}`) : t('staffInbox.filterAll')}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {list.kind === 'loading' && <p role="status">{t('staff.loading')}</p>}
        {list.kind === 'failed' && (
          <p class="message error" role="alert">
            {list.message}
          </p>
        )}
        {list.kind === 'done' && (
          <>
            <p role="status" class="inbox-count">
              {t('staffInbox.count', { count: String(list.items.length), filter: status ? t(`staffInbox.status.${status}`) : t('staffInbox.filterAll') })}
            </p>
            {list.items.length >= INBOX_LIMIT && <p class="hint">{t('staffInbox.limited', { limit: String(INBOX_LIMIT) })}</p>}
            {list.items.length === 0 ? (
              <p class="message notice">{t('staffInbox.empty')}</p>
            ) : (
              <ul class="inbox-list">
                {list.items.map((item) => (
                  <li key={item.id}>
                    <a class="inbox-item" href={`/staff/inbox/${item.id}`}>
                      <span class="inbox-name">{item.name || item.nameKana || t('staffInbox.noName')}</span>
                      {item.name && item.nameKana && <span class="inbox-kana">{item.nameKana.normalize('NFKC')}</span>}
                      <span class="inbox-meta">
                        <StatusBadge status={item.status} />
                        <SenderBadge sender={item.sender} />
                        <span>{t('staffInbox.receivedAt', { at: formatInstant(item.receivedAt, lang) })}</span>
                        {item.referenceNumber && <span>{t('staffInbox.referenceNumber', { number: item.referenceNumber })}</span>}
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>
      <GuideRecordList />
    </>
  );
}

type Detail = { kind: 'loading' } | { kind: 'done'; declaration: DeclarationDetailDto } | { kind: 'failed'; message: string };
type Panel = 'verify' | 'claim' | 'complete' | null;

function DeclarationDetail({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const [detail, setDetail] = useState<Detail>({ kind: 'loading' });
  const [panel, setPanel] = useState<Panel>(null);
  const [notice, setNotice] = useState<{ kind: 'done' | 'refused'; text: string } | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);

  async function load(): Promise<void> {
    const result = await declarationDetail(id);
    setDetail(result.ok ? { kind: 'done', declaration: result.data.declaration } : { kind: 'failed', message: inboxFailure(t, result.failure) });
  }
  useEffect(() => {
    void load();
  }, [id]);
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  /** After a transition: the new state on success; on a refusal, the reason and the state as it is now. */
  async function settle(result: ApiResult<{ declaration: DeclarationStateDto }>, done: MessageKey): Promise<string | null> {
    if (result.ok) {
      setDetail((d) => (d.kind === 'done' ? { kind: 'done', declaration: { ...d.declaration, ...result.data.declaration } } : d));
      setPanel(null);
      setNotice({ kind: 'done', text: t(done) });
      return null;
    }
    const message = inboxFailure(t, result.failure);
    // A conflict means someone else moved it on: show where it stands now, with the reason.
    if (result.failure.kind === 'server' && (result.failure.status === 409 || result.failure.status === 404)) {
      setPanel(null);
      setNotice({ kind: 'refused', text: message });
      await load();
      return null;
    }
    return message;
  }

  function open(next: Exclude<Panel, null>) {
    setNotice(null);
    setPanel(next);
  }

  if (detail.kind === 'loading') return <p role="status">{t('staff.loading')}</p>;
  if (detail.kind === 'failed') {
    return (
      <>
        <BackLink t={t} />
        <p class="message error" role="alert">
          {detail.message}
        </p>
      </>
    );
  }
  const d = detail.declaration;
  const displayName = d.form.name || d.form.nameKana || t('staffInbox.noName');
  const claimMethods = allowedClaimMethods(d.status, d.verified?.qualification ?? null);

  return (
    <article class="declaration-detail" aria-labelledby="declaration-title">
      <BackLink t={t} />
      <header class="declaration-head">
        <h2 id="declaration-title">{t('staffInbox.detailTitle', { name: displayName })}</h2>
        <p class="declaration-meta">
          <StatusBadge status={d.status} />
          <SenderBadge sender={d.sender} />
          <span>{t('staffInbox.receivedAt', { at: formatInstant(d.receivedAt, lang) })}</span>
          <span>{t('staffInbox.createdAt', { at: formatInstant(d.form.createdAt, lang) })}</span>
          {d.form.referenceNumber && <span>{t('staffInbox.referenceNumber', { number: d.form.referenceNumber })}</span>}
        </p>
        {d.sender === 'unverified' && <p class="hint sender-hint">{t('staffInbox.sender.unverifiedHint')}</p>}
      </header>

      {notice && (
        <p
          class={`message ${notice.kind === 'done' ? 'success' : 'error'}`}
          role={notice.kind === 'done' ? 'status' : 'alert'}
          tabIndex={-1}
          ref={noticeRef}
        >
          {notice.text}
        </p>
      )}

      <section class="card declaration-work" aria-labelledby="declaration-work-title">
        <h3 id="declaration-work-title">{t('staffInbox.work.title')}</h3>
        <ol class="declaration-steps">
          <li class="step-done">{t('staffInbox.step.received', { at: formatInstant(d.receivedAt, lang) })}</li>
          <Step t={t} step={d.verified} label="staffInbox.step.verified" pending="staffInbox.step.verifiedPending">
            {d.verified && (
              <>
                {' '}
                {t(`staffInbox.qualification.${d.verified.qualification}`)}
                {d.verified.note && <span class="step-note">{t('staffInbox.step.note', { note: d.verified.note })}</span>}
              </>
            )}
          </Step>
          <Step t={t} step={d.claimed} label="staffInbox.step.claimed" pending="staffInbox.step.claimedPending">
            {d.claimed && <> {t(`staffInbox.claim.${d.claimed.method}`)}</>}
          </Step>
          <Step t={t} step={d.completed} label="staffInbox.step.completed" pending="staffInbox.step.completedPending">
            {d.purgeAfter && <span class="step-note">{t('staffInbox.step.purgeAfter', { at: formatInstant(d.purgeAfter, lang) })}</span>}
          </Step>
        </ol>

        <div class="no-print">
          {panel === null && d.status !== 'completed' && (
            <div class="button-row">
              {d.status === 'received' && (
                <button type="button" class="button primary" onClick={() => open('verify')}>
                  {t('staffInbox.verify.button')}
                </button>
              )}
              {claimMethods.length > 0 && (
                <button type="button" class={`button${d.status === 'verified' ? ' primary' : ''}`} onClick={() => open('claim')}>
                  {t('staffInbox.claim.button')}
                </button>
              )}
              {d.status === 'claimed' && (
                <button type="button" class="button primary" onClick={() => open('complete')}>
                  {t('staffInbox.complete.button')}
                </button>
              )}
            </div>
          )}
          {panel === 'verify' && (
            <VerifyPanel onCancel={() => setPanel(null)} onSubmit={async (body) => settle(await verifyDeclaration(id, body), 'staffInbox.verify.done')} />
          )}
          {panel === 'claim' && (
            <ClaimPanel
              methods={claimMethods}
              onCancel={() => setPanel(null)}
              onSubmit={async (body) => settle(await claimDeclaration(id, body), 'staffInbox.claim.done')}
            />
          )}
          {panel === 'complete' && (
            <CompletePanel onCancel={() => setPanel(null)} onSubmit={async () => settle(await completeDeclaration(id), 'staffInbox.complete.done')} />
          )}
        </div>
      </section>

      <div class="card declaration-document">
        <DeclarationForm form={d.form} />
      </div>
      <div class="card">
        <GuideOutcomeView outcome={d.guideOutcome} />
      </div>

      <div class="button-row no-print print-row">
        <button type="button" class="button" onClick={() => window.print()}>
          {t('staffInbox.print')}
        </button>
      </div>
    </article>
  );
}

function BackLink({ t }: { t: Translate }) {
  return (
    <p class="no-print back-link">
      <a href="/staff/inbox">{t('staffInbox.back')}</a>
    </p>
  );
}

function Step({
  t,
  step,
  label,
  pending,
  children,
}: {
  t: Translate;
  step: DeclarationStepDto | null;
  label: MessageKey;
  pending: MessageKey;
  children?: ComponentChildren;
}) {
  const { lang } = useI18n();
  if (!step) {
    return (
      <li class="step-pending">
        {t(pending)}
        {children}
      </li>
    );
  }
  return (
    <li class="step-done">
      {t(label, { at: formatInstant(step.at, lang), by: step.staffName ?? t('staffInbox.step.unknownStaff') })}
      {children}
    </li>
  );
}

/** The shared frame of the three confirmations: heading focused on open, the refusal in place, confirm or cancel. */
function ConfirmPanel({
  titleId,
  title,
  confirmLabel,
  error,
  busy,
  onConfirm,
  onCancel,
  children,
}: {
  titleId: string;
  title: string;
  confirmLabel: string;
  error: string | null;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ComponentChildren;
}) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div class="confirm-panel inbox-confirm" role="group" aria-labelledby={titleId}>
      <h4 id={titleId} tabIndex={-1} ref={heading}>
        {title}
      </h4>
      {children}
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      <div class="button-row">
        <button type="button" class="button primary" disabled={busy} onClick={onConfirm}>
          {busy ? t('staffLc.working') : confirmLabel}
        </button>
        <button type="button" class="button" disabled={busy} onClick={onCancel}>
          {t('staffLc.cancel')}
        </button>
      </div>
    </div>
  );
}

/** Runs a panel's request, keeping a refusal that leaves the panel open (a validation error) on screen. */
function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(work: () => Promise<string | null>) {
    setBusy(true);
    setError(null);
    const message = await work();
    setBusy(false);
    setError(message);
  }
  return { busy, error, setError, submit };
}

function VerifyPanel({ onSubmit, onCancel }: { onSubmit: (body: { qualification: QualificationFound; note: string }) => Promise<string | null>; onCancel: () => void }) {
  const { t } = useI18n();
  const [qualification, setQualification] = useState<QualificationFound | null>(null);
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState<{ qualification?: boolean; note?: boolean }>({});
  const { busy, error, submit } = useSubmit();

  function confirm() {
    const problems = { qualification: qualification === null, note: note.trim() === '' };
    setMissing(problems);
    if (problems.qualification || problems.note || qualification === null) return;
    void submit(() => onSubmit({ qualification, note: note.trim() }));
  }

  return (
    <ConfirmPanel
      titleId="verify-title"
      title={t('staffInbox.verify.title')}
      confirmLabel={t('staffInbox.verify.confirm')}
      error={error}
      busy={busy}
      onConfirm={confirm}
      onCancel={onCancel}
    >
      <p>{t('staffInbox.verify.body')}</p>
      <fieldset class={`reason-list${missing.qualification ? ' missing' : ''}`} aria-describedby={missing.qualification ? 'verify-qualification-error' : undefined}>
        <legend>{t('staffInbox.verify.qualification')}</legend>
        {QUALIFICATIONS_FOUND.map((q) => (
          <label key={q} class={qualification === q ? 'checked' : ''}>
            <input
              type="radio"
              name="verify-qualification"
              value={q}
              checked={qualification === q}
              onChange={() => {
                setQualification(q);
                setMissing((m) => ({ ...m, qualification: false }));
              }}
            />
            {t(`staffInbox.qualification.${q}`)}
          </label>
        ))}
      </fieldset>
      {missing.qualification && (
        <p class="field-error" id="verify-qualification-error">
          {t('staffInbox.verify.qualificationMissing')}
        </p>
      )}
      <div class="field">
        <label for="verify-note">{t('staffInbox.verify.note')}</label>
        <p class="hint field-hint" id="verify-note-hint">
          {t('staffInbox.verify.noteHint', { max: String(NOTE_MAX) })}
        </p>
        <textarea
          id="verify-note"
          rows={3}
          maxLength={NOTE_MAX}
          value={note}
          onInput={(e) => {
            setNote(e.currentTarget.value);
            setMissing((m) => ({ ...m, note: false }));
          }}
          aria-invalid={missing.note ? 'true' : undefined}
          aria-describedby={missing.note ? 'verify-note-hint verify-note-error' : 'verify-note-hint'}
        />
        {missing.note && (
          <p class="field-error" id="verify-note-error">
            {t('staffInbox.verify.noteMissing')}
          </p>
        )}
      </div>
    </ConfirmPanel>
  );
}

function ClaimPanel({
  methods,
  onSubmit,
  onCancel,
}: {
  methods: ClaimMethod[];
  onSubmit: (body: ClaimDeclarationRequest) => Promise<string | null>;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [method, setMethod] = useState<ClaimMethod | null>(methods.length === 1 ? methods[0]! : null);
  const [missing, setMissing] = useState(false);
  // F6: 「不詳」 only once the patient was asked for the numbers; the staff member says so here.
  const [asked, setAsked] = useState(false);
  const [askedMissing, setAskedMissing] = useState(false);
  const { busy, error, submit } = useSubmit();
  return (
    <ConfirmPanel
      titleId="claim-title"
      title={t('staffInbox.claim.title')}
      confirmLabel={t('staffInbox.claim.confirm')}
      error={error}
      busy={busy}
      onConfirm={() => {
        if (!method) {
          setMissing(true);
          return;
        }
        const body: ClaimDeclarationRequest = method === 'unknown' ? { method, patientAskedForNumbers: asked } : { method };
        if (!claimAskedFirst(body)) {
          setAskedMissing(true);
          return;
        }
        void submit(() => onSubmit(body));
      }}
      onCancel={onCancel}
    >
      <p>{t('staffInbox.claim.body')}</p>
      <fieldset class={`reason-list${missing ? ' missing' : ''}`} aria-describedby={missing ? 'claim-method-error' : undefined}>
        <legend>{t('staffInbox.claim.method')}</legend>
        {methods.map((m) => (
          <label key={m} class={method === m ? 'checked' : ''}>
            <input
              type="radio"
              name="claim-method"
              value={m}
              checked={method === m}
              onChange={() => {
                setMethod(m);
                setMissing(false);
              }}
            />
            {t(`staffInbox.claim.${m}`)}
          </label>
        ))}
      </fieldset>
      {missing && (
        <p class="field-error" id="claim-method-error">
          {t('staffInbox.claim.methodMissing')}
        </p>
      )}
      {method === 'unknown' && (
        <div class="check-field">
          <input
            id="claim-asked"
            type="checkbox"
            checked={asked}
            aria-invalid={askedMissing ? 'true' : undefined}
            aria-describedby={askedMissing ? 'claim-asked-hint claim-asked-error' : 'claim-asked-hint'}
            onChange={(e) => {
              setAsked(e.currentTarget.checked);
              setAskedMissing(false);
            }}
          />
          <label for="claim-asked">{t('staffInbox.claim.asked')}</label>
          <p class="hint field-hint" id="claim-asked-hint">
            {t('staffInbox.claim.askedHint')}
          </p>
          {askedMissing && (
            <p class="field-error" id="claim-asked-error">
              {t('staffInbox.claim.askedMissing')}
            </p>
          )}
        </div>
      )}
    </ConfirmPanel>
  );
}

function CompletePanel({ onSubmit, onCancel }: { onSubmit: () => Promise<string | null>; onCancel: () => void }) {
  const { t } = useI18n();
  const { busy, error, submit } = useSubmit();
  return (
    <ConfirmPanel
      titleId="complete-title"
      title={t('staffInbox.complete.title')}
      confirmLabel={t('staffInbox.complete.confirm')}
      error={error}
      busy={busy}
      onConfirm={() => void submit(onSubmit)}
      onCancel={onCancel}
    >
      <p>{t('staffInbox.complete.body')}</p>
    </ConfirmPanel>
  );
}
