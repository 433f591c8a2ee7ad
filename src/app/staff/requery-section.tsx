import { useEffect, useRef, useState } from 'preact/hooks';
import { csvTemplate, readRequeryCsv, type InsuranceQuery } from '../../domain/requery/csv.ts';
import { REQUERY_DAILY_LIMIT, REQUERY_LIMITS } from '../../domain/requery/requery.ts';
import type { RequeryHistoryResponse, RequeryMatchDto, RequeryResponse, RequeryRowDto } from '../../domain/consent/staff-lifecycle-api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatInstant } from '../reception/format.ts';
import { CsvResult } from './csv-result.tsx';
import { InsuranceForm } from './insurance-form.tsx';
import { lifecycleFailure } from './lifecycle-errors.ts';
import { RecordSummary } from './record-summary.tsx';
import { downloadCsv, jstStamp, outcomeLabel, requeryResultCsv, rowNote } from './result-csv.ts';
import { requeryCsv, requeryHistory, requerySingle } from './requery-api.ts';

/** The request body limit of the API; a larger file is refused here before it is sent. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Q1–Q5: re-query one person with the form, or up to 1000 with a CSV file. */
export function RequerySection() {
  const { t } = useI18n();
  return (
    <>
      <p class="hint">{t('staffLc.requery.lead', { limit: String(REQUERY_DAILY_LIMIT) })}</p>
      <SingleRequery />
      <CsvRequery />
    </>
  );
}

type Single = { kind: 'idle' } | { kind: 'loading' } | { kind: 'done'; row: RequeryRowDto } | { kind: 'failed'; message: string };

function SingleRequery() {
  const { t } = useI18n();
  const [state, setState] = useState<Single>({ kind: 'idle' });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (state.kind === 'done') heading.current?.focus();
  }, [state]);

  async function run(query: InsuranceQuery) {
    setState({ kind: 'loading' });
    const result = await requerySingle(query);
    if (result.ok && result.data.rows[0]) setState({ kind: 'done', row: result.data.rows[0] });
    else setState({ kind: 'failed', message: result.ok ? t('error.server') : lifecycleFailure(t, result.failure) });
  }

  return (
    <section class="card" aria-labelledby="requery-single-title">
      <h2 id="requery-single-title">{t('staffLc.requery.singleTitle')}</h2>
      <InsuranceForm idPrefix="requery" submitLabel={t('staffLc.requery.submit')} busy={state.kind === 'loading'} onSubmit={(q) => void run(q)} />
      {state.kind === 'failed' && (
        <p class="message error" role="alert">
          {state.message}
        </p>
      )}
      {state.kind === 'done' && (
        <div class="results">
          <h3 tabIndex={-1} ref={heading}>
            {t('staffLc.requery.resultTitle')}
          </h3>
          {state.row.outcome === 'notFound' && <p class="message notice">{t('staffLc.requery.notFound')}</p>}
          {state.row.matches.length > 1 && <p class="message warning">{t('staffLc.outcome.several', { count: String(state.row.matches.length) })}</p>}
          {state.row.matches.map((match) => (
            <MatchResult key={match.personRef} match={match} />
          ))}
        </div>
      )}
    </section>
  );
}

function MatchResult({ match }: { match: RequeryMatchDto }) {
  const { t, lang } = useI18n();
  return (
    <article class="match-card" aria-label={match.name}>
      <h4>{match.name}</h4>
      {match.outcome === 'ok' && (
        <>
          <p class="message success">{t('staffLc.requery.ok', { at: formatInstant(match.queriedAt, lang) })}</p>
          <RecordSummary record={match.record} nextSteps={match.nextSteps} />
        </>
      )}
      {match.outcome === 'alreadyQueriedToday' && (
        <p class="message warning" role="status">
          {t('staffLc.requery.already', { at: formatInstant(match.queriedAt, lang), limit: String(REQUERY_DAILY_LIMIT) })}
        </p>
      )}
      {match.outcome === 'revoked' && (
        <p class="message error" role="alert">
          {t('staffLc.requery.revoked', { reason: match.revokeReason ? t(`staffLc.reason.${match.revokeReason}`) : t('field.blank') })}
        </p>
      )}
      {match.outcome === 'noActiveConsent' && <p class="message error">{t('staffLc.requery.noActiveConsent')}</p>}
      {(match.outcome === 'ok' || match.outcome === 'alreadyQueriedToday') && <History personRef={match.personRef} />}
    </article>
  );
}

/** Q4: the last 3 results of the person, none 14 days old or older. */
function History({ personRef }: { personRef: string }) {
  const { t, lang } = useI18n();
  const [history, setHistory] = useState<RequeryHistoryResponse | null>(null);
  useEffect(() => {
    void requeryHistory(personRef).then((r) => setHistory(r.ok ? r.data : null));
  }, [personRef]);
  if (!history) return null;
  return (
    <div class="history">
      <h5>{t('staffLc.requery.historyTitle')}</h5>
      {history.results.length === 0 && <p class="hint">{t('staffLc.requery.historyNone')}</p>}
      {history.results.map((r) => (
        <details key={r.queriedAt}>
          <summary>
            {formatInstant(r.queriedAt, lang)} — {t(`status.${r.status}`)}
          </summary>
          <RecordSummary record={r.record} nextSteps={r.nextSteps} />
        </details>
      ))}
    </div>
  );
}

type Upload =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'done'; response: RequeryResponse; inputs: Map<number, Record<string, string>>; fileName: string }
  | { kind: 'failed'; message: string };

/** Decodes an uploaded file as the server will: UTF-8, else Shift_JIS (Excel's plain "CSV"). */
export function detectCharset(bytes: Uint8Array<ArrayBuffer>): { charset: 'utf-8' | 'shift_jis'; text: string } | null {
  try {
    return { charset: 'utf-8', text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    try {
      return { charset: 'shift_jis', text: new TextDecoder('shift_jis', { fatal: true }).decode(bytes) };
    } catch {
      return null;
    }
  }
}

function CsvRequery() {
  const { t, lang } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [state, setState] = useState<Upload>({ kind: 'idle' });
  const summaryHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (state.kind === 'done') summaryHeading.current?.focus();
  }, [state]);

  async function upload(event: Event) {
    event.preventDefault();
    if (!file) {
      setFileError(t('staffLc.csv.chooseFile'));
      return;
    }
    setFileError(null);
    if (file.size > MAX_FILE_BYTES) {
      setState({ kind: 'failed', message: t('staffLc.error.tooLarge') });
      return;
    }
    setState({ kind: 'loading' });
    const bytes = new Uint8Array(await file.arrayBuffer());
    const decoded = detectCharset(bytes);
    // An undecodable file is still sent: the server answers with the reason (csv_not_utf8).
    const result = await requeryCsv(bytes, decoded?.charset ?? 'utf-8');
    if (!result.ok) {
      setState({ kind: 'failed', message: lifecycleFailure(t, result.failure) });
      return;
    }
    // The cells of each row as typed, for the result file (the server does not send them back).
    const read = decoded ? readRequeryCsv(decoded.text, REQUERY_LIMITS.screen) : null;
    const inputs = new Map<number, Record<string, string>>();
    if (read?.ok) read.rows.forEach((r, i) => inputs.set(i + 1, r.raw));
    setState({ kind: 'done', response: result.data, inputs, fileName: file.name });
  }

  const counts = state.kind === 'done' ? countOutcomes(state.response.rows) : null;

  return (
    <section class="card" aria-labelledby="requery-csv-title">
      <h2 id="requery-csv-title">{t('staffLc.csv.title')}</h2>
      <p>{t('staffLc.csv.lead', { limit: String(REQUERY_LIMITS.screen) })}</p>
      <ul class="hint csv-rules">
        <li>{t('staffLc.csv.ruleColumns')}</li>
        <li>{t('staffLc.csv.ruleDates')}</li>
        <li>{t('staffLc.csv.ruleEncoding')}</li>
        <li>{t('staffLc.csv.ruleOnce')}</li>
      </ul>
      <div class="button-row">
        <button type="button" class="button" onClick={() => downloadCsv('requery-template.csv', csvTemplate('requery'))}>
          {t('staffLc.csv.template')}
        </button>
      </div>
      <form class="upload-form" onSubmit={(e) => void upload(e)} noValidate>
        <div class="field">
          <label for="requery-file">{t('staffLc.csv.file')}</label>
          <input
            id="requery-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setFileError(null);
            }}
            aria-invalid={fileError ? 'true' : undefined}
            aria-describedby={fileError ? 'requery-file-error' : undefined}
          />
          {fileError && (
            <p class="field-error" id="requery-file-error">
              {fileError}
            </p>
          )}
        </div>
        <button type="submit" class="button primary" disabled={state.kind === 'loading'}>
          {state.kind === 'loading' ? t('staffLc.working') : t('staffLc.csv.upload')}
        </button>
      </form>
      {state.kind === 'failed' && (
        <p class="message error" role="alert">
          {state.message}
        </p>
      )}
      {state.kind === 'done' && counts && (
        <div class="results">
          <h3 tabIndex={-1} ref={summaryHeading}>
            {t('staffLc.csv.summaryTitle', { rows: String(state.response.rows.length) })}
          </h3>
          <CsvResult
            id="requery"
            counts={(Object.keys(counts) as Array<keyof typeof counts>).map((k) => ({ key: k, label: t(`staffLc.outcome.${k}`), count: counts[k] }))}
            onDownload={() =>
              downloadCsv(`requery-result-${jstStamp(new Date(state.response.queriedAt))}.csv`, requeryResultCsv(t, lang, state.response, state.inputs))
            }
            rows={state.response.rows}
            columns={[
              { header: t('staffLc.csv.outcome'), cell: (row, match) => outcomeLabel(t, row, match) },
              { header: t('field.name'), cell: (_row, match) => match?.name ?? '' },
              { header: t('staffLc.csv.status'), cell: (_row, match) => (match?.outcome === 'ok' ? t(`status.${match.record.status}`) : '') },
              { header: t('staffLc.csv.note'), cell: (row, match) => rowNote(t, row, match) },
            ]}
          />
        </div>
      )}
    </section>
  );
}

function countOutcomes(rows: RequeryRowDto[]) {
  const counts = { ok: 0, alreadyQueriedToday: 0, revoked: 0, noActiveConsent: 0, notFound: 0, invalid: 0 };
  for (const row of rows) {
    if (row.outcome === 'invalid') counts.invalid++;
    else if (row.outcome === 'notFound') counts.notFound++;
    else for (const m of row.matches) counts[m.outcome]++;
  }
  return counts;
}
