import { useEffect, useRef, useState } from 'preact/hooks';
import type { InsuranceQuery } from '../../domain/requery/csv.ts';
import { staffRevokeReasonsFor, type ConsentSummaryDto, type PersonMatchDto, type StaffRevokeReason } from '../../domain/consent/staff-lifecycle-api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { QrCode } from '../reception/qr-code.tsx';
import { InsuranceForm } from './insurance-form.tsx';
import { useInstitutionLink } from './link-section.tsx';
import { lifecycleFailure } from './lifecycle-errors.ts';
import { ConsentLine, RecordSummary } from './record-summary.tsx';
import { revokeConsent, searchPersons } from './lifecycle-api.ts';

type Search = { kind: 'idle' } | { kind: 'loading' } | { kind: 'done'; matches: PersonMatchDto[] } | { kind: 'failed'; message: string };

/**
 * X1/X2: revocation at the clinic. Search by insurance numbers → the matching persons known here
 * (twins are listed to choose from, Q5) with the latest eligibility and consent status → 「同意取消」
 * → confirm with a reason → tell the patient. X7: or the patient revokes with their own card.
 */
export function RevokeSection() {
  const { t } = useI18n();
  const [query, setQuery] = useState<InsuranceQuery | null>(null);
  const [search, setSearch] = useState<Search>({ kind: 'idle' });
  const [notice, setNotice] = useState<string | null>(null);
  const resultsHeading = useRef<HTMLHeadingElement>(null);

  async function run(q: InsuranceQuery, keepNotice = false) {
    setQuery(q);
    if (!keepNotice) setNotice(null);
    setSearch({ kind: 'loading' });
    const result = await searchPersons(q);
    setSearch(result.ok ? { kind: 'done', matches: result.data.matches } : { kind: 'failed', message: lifecycleFailure(t, result.failure) });
  }
  useEffect(() => {
    if (search.kind === 'done' && !notice) resultsHeading.current?.focus();
  }, [search]);

  return (
    <>
      <section class="card" aria-labelledby="revoke-search-title">
        <h2 id="revoke-search-title">{t('staffLc.revoke.searchTitle')}</h2>
        <p class="hint">{t('staffLc.revoke.searchLead')}</p>
        <InsuranceForm idPrefix="revoke" medicalAidChoice submitLabel={t('staffLc.revoke.search')} busy={search.kind === 'loading'} onSubmit={(q) => void run(q)} />
      </section>
      {notice && (
        <p class="message success" role="status">
          {notice}
        </p>
      )}
      {search.kind === 'failed' && (
        <p class="message error" role="alert">
          {search.message}
        </p>
      )}
      {search.kind === 'done' && (
        <section class="results" aria-labelledby="revoke-results-title">
          <h2 id="revoke-results-title" tabIndex={-1} ref={resultsHeading}>
            {t('staffLc.revoke.resultsTitle', { count: String(search.matches.length) })}
          </h2>
          {search.matches.length === 0 && <p class="message notice">{t('staffLc.revoke.none')}</p>}
          {search.matches.length > 1 && <p class="message warning">{t('staffLc.revoke.several')}</p>}
          {search.matches.map((match) => (
            <MatchCard
              key={match.personRef}
              match={match}
              onRevoked={(message) => {
                setNotice(message);
                if (query) void run(query, true);
              }}
            />
          ))}
        </section>
      )}
      <PatientRevokes />
    </>
  );
}

/**
 * X7: the patient may revoke with their own card instead — on this tablet or PC (the card app on
 * this device, an IC card reader, or the QR code the reception shows for their phone's card app),
 * or on their own phone. Both open the patient's own flow (the institution link's menu →
 * 「すべての同意を取消す」 → card authentication), so nothing here revokes anything itself.
 */
function PatientRevokes() {
  const { t } = useI18n();
  const [load] = useInstitutionLink();
  return (
    <section class="card patient-revokes" aria-labelledby="patient-revokes-title">
      <h2 id="patient-revokes-title">{t('staffLc.revoke.patientTitle')}</h2>
      <p class="hint">{t('staffLc.revoke.patientLead')}</p>
      {load.kind === 'ready' && (
        <div class="patient-revokes-ways">
          <div>
            <h3>{t('staffLc.revoke.patientHereTitle')}</h3>
            <p>{t('staffLc.revoke.patientHereBody')}</p>
            <a class="button primary" href={load.link.link} target="_blank" rel="noopener">
              {t('staffLc.revoke.patientHereOpen')}
            </a>
          </div>
          <div>
            <h3>{t('staffLc.revoke.patientPhoneTitle')}</h3>
            <p>{t('staffLc.revoke.patientPhoneBody')}</p>
            <QrCode value={load.link.link} label={t('staffLc.revoke.patientPhoneQr')} size={180} />
          </div>
        </div>
      )}
    </section>
  );
}

function MatchCard({ match, onRevoked }: { match: PersonMatchDto; onRevoked: (message: string) => void }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState<ConsentSummaryDto | null>(null);
  const name = match.eligibility.record.name;
  const titleId = `match-${match.personRef}`;
  return (
    <article class="card match-card" aria-labelledby={titleId}>
      <h3 id={titleId}>{name}</h3>
      <RecordSummary record={match.eligibility.record} nextSteps={match.eligibility.nextSteps} />
      <h4>{t('staffLc.revoke.consents')}</h4>
      <ul class="consent-list">
        {match.consents.map((consent) => (
          <li key={consent.id}>
            <ConsentLine consent={consent} />
            {consent.state === 'active' && confirming?.id !== consent.id && (
              <button
                type="button"
                class="button danger"
                aria-label={t('staffLc.revoke.buttonFor', { name, visit: t(`visit.${consent.visitType}`) })}
                onClick={() => setConfirming(consent)}
              >
                {t('staffLc.revoke.button')}
              </button>
            )}
            {confirming?.id === consent.id && (
              <RevokeConfirm
                name={name}
                consent={consent}
                onCancel={() => setConfirming(null)}
                onDone={() => {
                  setConfirming(null);
                  onRevoked(t('staffLc.revoke.done', { name }));
                }}
              />
            )}
          </li>
        ))}
      </ul>
    </article>
  );
}

/** The confirmation step: who, which consent, and why (X2); nothing is revoked before 「取り消す」. */
export function RevokeConfirm({
  name,
  consent,
  defaultReason,
  onCancel,
  onDone,
}: {
  name: string;
  consent: ConsentSummaryDto;
  defaultReason?: StaffRevokeReason;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  // X2: only the reasons that fit this consent's visit type; a single one is chosen already.
  const reasons = staffRevokeReasonsFor(consent.visitType);
  const fitting = defaultReason && reasons.includes(defaultReason) ? defaultReason : reasons.length === 1 ? reasons[0]! : null;
  const [reason, setReason] = useState<StaffRevokeReason | null>(fitting);
  const [reasonMissing, setReasonMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const titleId = `confirm-${consent.id}`;

  async function confirm() {
    if (!reason) {
      setReasonMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    const result = await revokeConsent(consent.id, reason);
    setBusy(false);
    if (result.ok) onDone();
    else setError(lifecycleFailure(t, result.failure));
  }

  return (
    <div class="confirm-panel" role="group" aria-labelledby={titleId}>
      <h4 id={titleId} tabIndex={-1} ref={heading}>
        {t('staffLc.revoke.confirmTitle')}
      </h4>
      <p>{t('staffLc.revoke.confirmBody', { name, visit: t(`visit.${consent.visitType}`) })}</p>
      <fieldset class={`reason-list${reasonMissing ? ' missing' : ''}`} aria-describedby={reasonMissing ? `${titleId}-reason-error` : undefined}>
        <legend>{t('staffLc.revoke.reason')}</legend>
        {reasons.map((r) => (
          <label key={r} class={reason === r ? 'checked' : ''}>
            <input
              type="radio"
              name={`reason-${consent.id}`}
              value={r}
              checked={reason === r}
              onChange={() => {
                setReason(r);
                setReasonMissing(false);
              }}
            />
            {t(`staffLc.reason.${r}`)}
          </label>
        ))}
      </fieldset>
      {reasonMissing && (
        <p class="field-error" id={`${titleId}-reason-error`}>
          {t('staffLc.revoke.reasonMissing')}
        </p>
      )}
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      <div class="button-row">
        <button type="button" class="button danger-solid" disabled={busy} onClick={() => void confirm()}>
          {busy ? t('staffLc.working') : t('staffLc.revoke.confirm')}
        </button>
        <button type="button" class="button" disabled={busy} onClick={onCancel}>
          {t('staffLc.cancel')}
        </button>
      </div>
    </div>
  );
}
