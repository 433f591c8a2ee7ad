import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { BATCH_CSV_COLUMNS, csvTemplate, formatCsv, readBatchCsv, type CsvFileProblem } from '../../domain/requery/csv.ts';
import { BATCH_QUERY_LIMIT, type CostLimitFlags } from '../../domain/requery/requery.ts';
import type { BatchMatchDto, BatchQueryResponse, BatchRowDto } from '../../domain/consent/staff-lifecycle-api.ts';
import { jstDate } from '../../domain/shared/jst.ts';
import { useI18n, type Lang, type Translate } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';
import { formatInstant } from '../reception/format.ts';
import { CsvResult } from './csv-result.tsx';
import { lifecycleFailure } from './lifecycle-errors.ts';
import { detectCharset } from './requery-section.tsx';
import { dateOfBirthColumnHeaders, dateOfBirthColumns, downloadCsv, fieldLabel, jstStamp, outcomeLabel } from './result-csv.ts';
import { batchQueryCsv, batchResults } from './requery-api.ts';

/** The batch routes' request body limit (8 MiB); a larger file is refused here before it is sent. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** A file read on this device, waiting for the clerk to confirm today's one run. */
interface Prepared {
  fileName: string;
  bytes: Uint8Array<ArrayBuffer>;
  charset: 'utf-8' | 'shift_jis';
  rows: number;
  invalidRows: number;
  inputs: Map<number, Record<string, string>>;
}

type State =
  /** Q9: asking the server whether today's batch already ran (its result is then shown again). */
  | { kind: 'starting' }
  | { kind: 'idle' }
  | { kind: 'confirm'; prepared: Prepared }
  | { kind: 'loading' }
  /** `inputs` is empty for a result opened again: the file's cells stay on the device that read it. */
  | { kind: 'done'; response: BatchQueryResponse; inputs: Map<number, Record<string, string>> }
  | { kind: 'alreadyRan' }
  | { kind: 'failed'; message: string };

const FILE_PROBLEMS: Record<CsvFileProblem, MessageKey> = {
  noHeader: 'staffLc.error.csvColumns',
  columns: 'staffLc.error.csvColumns',
  malformed: 'staffLc.error.csvMalformed',
  noRows: 'staffBatch.error.rows',
  tooManyRows: 'staffBatch.error.rows',
};

/**
 * Q6–Q9: the batch query before visits. Up to 5000 booked patients from a CSV file (no consent
 * needed, Q7), once a day per institution (Japan time): per person the eligibility status and,
 * for the cost limit, only whether it changed against the 区分/適用区分 the row carried (Q8).
 * Specific disease is never part of it. The file is read here first, so a file the server would
 * refuse never costs the day's run. Q9: today's result is shown again when the page is opened
 * again, and the last 3 results (none 14 days old) can be opened.
 */
export function BatchSection() {
  const { t, lang } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [state, setState] = useState<State>({ kind: 'starting' });
  const [earlier, setEarlier] = useState<BatchQueryResponse[]>([]);
  useEffect(() => {
    let live = true;
    void batchResults().then((result) => {
      if (!live) return;
      const results = result.ok ? result.data.results : [];
      const today = results[0] && jstDate(new Date(results[0].ranAt)) === jstDate(new Date()) ? results[0] : null;
      setEarlier(results);
      setState(today ? { kind: 'done', response: today, inputs: new Map() } : { kind: 'idle' });
    });
    return () => {
      live = false;
    };
  }, []);
  const focusTarget = useRef<HTMLHeadingElement>(null);
  const alreadyRan = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state.kind === 'done' || state.kind === 'confirm') focusTarget.current?.focus();
    if (state.kind === 'alreadyRan') alreadyRan.current?.focus();
  }, [state.kind]);

  async function prepare(event: Event) {
    event.preventDefault();
    if (!file) {
      setFileError(t('staffLc.csv.chooseFile'));
      return;
    }
    setFileError(null);
    if (file.size > MAX_FILE_BYTES) {
      setState({ kind: 'failed', message: t('staffBatch.error.tooLarge') });
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const decoded = detectCharset(bytes);
    if (!decoded) {
      setState({ kind: 'failed', message: t('staffLc.error.csvNotUtf8') });
      return;
    }
    const read = readBatchCsv(decoded.text, BATCH_QUERY_LIMIT);
    if (!read.ok) {
      setState({ kind: 'failed', message: t(FILE_PROBLEMS[read.problem], { limit: String(BATCH_QUERY_LIMIT) }) });
      return;
    }
    const inputs = new Map<number, Record<string, string>>();
    read.rows.forEach((r, i) => inputs.set(i + 1, r.raw));
    setState({
      kind: 'confirm',
      prepared: { fileName: file.name, bytes, charset: decoded.charset, rows: read.rows.length, invalidRows: read.rows.filter((r) => !r.ok).length, inputs },
    });
  }

  async function run(prepared: Prepared) {
    setState({ kind: 'loading' });
    const result = await batchQueryCsv(prepared.bytes, prepared.charset);
    if (result.ok) setState({ kind: 'done', response: result.data, inputs: prepared.inputs });
    else if (result.failure.kind === 'server' && result.failure.code === 'batch_query_already_run') setState({ kind: 'alreadyRan' });
    else if (result.failure.kind === 'server' && result.failure.code === 'rows_out_of_range') setState({ kind: 'failed', message: t('staffBatch.error.rows', { limit: String(BATCH_QUERY_LIMIT) }) });
    else if (result.failure.kind === 'server' && result.failure.code === 'payload_too_large') setState({ kind: 'failed', message: t('staffBatch.error.tooLarge') });
    else setState({ kind: 'failed', message: lifecycleFailure(t, result.failure) });
  }

  // Today's run is spent: the form would only be refused, so it is not offered again.
  const ranToday = (state.kind === 'done' && jstDate(new Date(state.response.ranAt)) === jstDate(new Date())) || state.kind === 'alreadyRan';
  const shown = state.kind === 'done' ? state.response.ranAt : null;

  return (
    <>
      <p class="hint">{t('staffBatch.leadBooked', { limit: BATCH_QUERY_LIMIT.toLocaleString('ja-JP') })}</p>
      <section class="card" aria-labelledby="batch-upload-title">
        <h2 id="batch-upload-title">{t('staffBatch.uploadTitle')}</h2>
        <ul class="hint csv-rules">
          <li>{t('staffBatch.ruleColumns')}</li>
          <li>{t('staffLc.csv.ruleDates')}</li>
          <li>{t('staffBatch.ruleCostLimitHeld')}</li>
          <li>{t('staffBatch.ruleBranch')}</li>
          <li>{t('staffLc.csv.ruleEncoding')}</li>
          <li>
            <strong>{t('staffBatch.ruleOnce')}</strong>
          </li>
        </ul>
        <div class="button-row">
          <button type="button" class="button" onClick={() => downloadCsv('batch-template.csv', csvTemplate('batch'))}>
            {t('staffLc.csv.template')}
          </button>
        </div>
        {!ranToday && state.kind !== 'confirm' && state.kind !== 'loading' && state.kind !== 'starting' && (
          <form class="upload-form" onSubmit={(e) => void prepare(e)} noValidate>
            <div class="field">
              <label for="batch-file">{t('staffLc.csv.file')}</label>
              <input
                id="batch-file"
                type="file"
                accept=".csv,text/csv"
                onChange={(e) => {
                  setFile(e.currentTarget.files?.[0] ?? null);
                  setFileError(null);
                  if (state.kind === 'failed') setState({ kind: 'idle' });
                }}
                aria-invalid={fileError ? 'true' : undefined}
                aria-describedby={fileError ? 'batch-file-error' : undefined}
              />
              {fileError && (
                <p class="field-error" id="batch-file-error">
                  {fileError}
                </p>
              )}
            </div>
            <button type="submit" class="button primary">
              {t('staffBatch.check')}
            </button>
          </form>
        )}
        {state.kind === 'confirm' && (
          <div class="confirm-panel batch-confirm" role="group" aria-labelledby="batch-confirm-title">
            <h3 id="batch-confirm-title" tabIndex={-1} ref={focusTarget}>
              {t('staffBatch.confirmTitle')}
            </h3>
            <p>{t('staffBatch.confirmBody', { file: state.prepared.fileName, rows: String(state.prepared.rows) })}</p>
            {state.prepared.invalidRows > 0 && <p class="message warning">{t('staffBatch.confirmInvalid', { rows: String(state.prepared.invalidRows) })}</p>}
            <p>{t('staffBatch.confirmOnce')}</p>
            <div class="button-row">
              <button type="button" class="button primary" onClick={() => void run(state.prepared)}>
                {t('staffBatch.run')}
              </button>
              <button type="button" class="button" onClick={() => setState({ kind: 'idle' })}>
                {t('staffLc.cancel')}
              </button>
            </div>
          </div>
        )}
        {state.kind === 'loading' && (
          <p class="message notice" role="status">
            {t('staffLc.working')}
          </p>
        )}
        {state.kind === 'failed' && (
          <p class="message error" role="alert">
            {state.message}
          </p>
        )}
        {state.kind === 'alreadyRan' && (
          <p class="message warning already-ran" role="alert" tabIndex={-1} ref={alreadyRan}>
            {t('staffBatch.alreadyRan')}
          </p>
        )}
      </section>
      {state.kind === 'done' && <BatchResult response={state.response} inputs={state.inputs} heading={focusTarget} t={t} lang={lang} />}
      {earlier.some((r) => r.ranAt !== shown) && (
        <section class="card" aria-labelledby="batch-earlier-title">
          <h2 id="batch-earlier-title">{t('staffBatch.earlierTitle')}</h2>
          <p class="hint">{t('staffBatch.earlierHint')}</p>
          <ul class="batch-earlier">
            {earlier
              .filter((r) => r.ranAt !== shown)
              .map((r) => (
                <li key={r.ranAt}>
                  <button type="button" class="button" onClick={() => setState({ kind: 'done', response: r, inputs: new Map() })}>
                    {t('staffBatch.openEarlier', { at: formatInstant(r.ranAt, lang), rows: String(r.rows.length) })}
                  </button>
                </li>
              ))}
          </ul>
        </section>
      )}
    </>
  );
}

function BatchResult({
  response,
  inputs,
  heading,
  t,
  lang,
}: {
  response: BatchQueryResponse;
  inputs: Map<number, Record<string, string>>;
  heading: RefObject<HTMLHeadingElement | null>;
  t: Translate;
  lang: Lang;
}) {
  const counts = countOutcomes(response.rows);
  return (
    <section class="card results" aria-labelledby="batch-result-title">
      <h2 id="batch-result-title" tabIndex={-1} ref={heading}>
        {t('staffBatch.resultTitle', { rows: String(response.rows.length) })}
      </h2>
      <p class="message success">{t('staffBatch.ranAt', { at: formatInstant(response.ranAt, lang) })}</p>
      <CsvResult
        id="batch"
        counts={(Object.keys(counts) as Array<keyof typeof counts>).map((k) => ({ key: k, label: t(COUNT_LABELS[k]), count: counts[k] }))}
        onDownload={() => downloadCsv(`batch-result-${jstStamp(new Date(response.ranAt))}.csv`, batchResultCsv(t, lang, response, inputs))}
        rows={response.rows}
        columns={[
          { header: t('staffLc.csv.outcome'), cell: (row, match) => outcomeLabel(t, row, match) },
          { header: t('field.name'), cell: (_row, match) => match?.name ?? '' },
          { header: t('staffLc.csv.status'), cell: (_row, match) => (match?.outcome === 'ok' ? t(`status.${match.status}`) : '') },
          { header: t('staffBatch.costLimit'), cell: (_row, match) => (match?.outcome === 'ok' ? costLimitText(t, match.costLimit) : '') },
          { header: t('staffLc.csv.note'), cell: (row) => batchRowNote(t, row) },
        ]}
        rowClass={(match) => (costLimitChanged(match) ? ' cost-limit-changed' : '')}
      >
        <p class="hint">{t(inputs.size > 0 ? 'staffBatch.keptResult' : 'staffBatch.reopenedResult')}</p>
      </CsvResult>
    </section>
  );
}

const COUNT_LABELS = {
  ok: 'staffLc.outcome.ok',
  costLimitChanged: 'staffBatch.count.costLimitChanged',
  notConfirmable: 'staffLc.outcome.notConfirmable',
  notFound: 'staffLc.outcome.notFound',
  invalid: 'staffLc.outcome.invalid',
} as const satisfies Record<string, MessageKey>;

function countOutcomes(rows: BatchRowDto[]): Record<keyof typeof COUNT_LABELS, number> {
  const counts = { ok: 0, costLimitChanged: 0, notConfirmable: 0, notFound: 0, invalid: 0 };
  for (const row of rows) {
    if (row.outcome !== 'matched') counts[row.outcome]++;
    else
      for (const m of row.matches) {
        counts[m.outcome]++;
        if (costLimitChanged(m)) counts.costLimitChanged++;
      }
  }
  return counts;
}

function costLimitChanged(match: BatchMatchDto | null): boolean {
  return match?.outcome === 'ok' && match.costLimit?.changed === true;
}

/** Q6/Q8: the flags only, never the values: changed (and which part), unchanged, or not computable (no 区分 sent). */
export function costLimitText(t: Translate, flags: CostLimitFlags | null): string {
  if (flags === null) return t('staffBatch.costLimit.notComputable');
  if (!flags.changed) return t('staffBatch.costLimit.unchanged');
  const parts = [
    ...(flags.categoryChanged ? [t('staffBatch.costLimit.category')] : []),
    ...(flags.applicationCategoryChanged ? [t('staffBatch.costLimit.applicationCategory')] : []),
  ];
  return t('staffBatch.costLimit.changed', { parts: parts.join('・') });
}

function batchRowNote(t: Translate, row: BatchRowDto): string {
  if (row.outcome === 'invalid') {
    return t('staffLc.csv.invalidFields', { fields: (row.invalidFields ?? []).map((f) => batchFieldLabel(t, f)).join('・') });
  }
  return row.outcome === 'notConfirmable' ? t('staffBatch.notConfirmableNote') : '';
}

function batchFieldLabel(t: Translate, field: string): string {
  if (field === 'costLimitCategory') return t('staffBatch.field.costLimitCategory');
  if (field === 'costLimitApplicationCategory') return t('staffBatch.field.costLimitApplicationCategory');
  return fieldLabel(t, field);
}

/**
 * The per-row result file: the row as it was in the uploaded file, then the answer — one line per
 * row (Q9: a row that found twins without a branch answers nobody). Cost limit as flags only (Q6,
 * Q8); the input cells come from the file on this device, since the server never sends submitted
 * values back (blank for a result opened again).
 */
export function batchResultCsv(t: Translate, lang: Lang, response: BatchQueryResponse, inputs: ReadonlyMap<number, Record<string, string>>): string {
  const header = [
    t('staffLc.csv.row'),
    t('staffLc.csv.line'),
    ...BATCH_CSV_COLUMNS.map((c) => c.header),
    ...dateOfBirthColumnHeaders(t),
    t('staffLc.csv.outcome'),
    t('field.name'),
    t('staffLc.csv.status'),
    t('staffBatch.csv.costLimitChanged'),
    t('staffBatch.csv.categoryChanged'),
    t('staffBatch.csv.applicationCategoryChanged'),
    t('staffBatch.csv.ranAt'),
    t('staffLc.csv.note'),
  ];
  const flag = (value: boolean | undefined) => (value === undefined ? '' : value ? t('staffBatch.csv.changed') : t('staffBatch.csv.unchanged'));
  const ranAt = formatInstant(response.ranAt, lang);
  const lines: string[][] = [header];
  for (const row of response.rows) {
    const input = inputs.get(row.row) ?? {};
    const head = [
      String(row.row),
      row.line === undefined ? '' : String(row.line),
      ...BATCH_CSV_COLUMNS.map((c) => input[c.key] ?? ''),
      ...dateOfBirthColumns(input.dateOfBirth),
    ];
    for (const match of row.matches.length > 0 ? row.matches : [null]) {
      const ok = match?.outcome === 'ok' ? match : null;
      const flags = ok?.costLimit ?? undefined;
      lines.push([
        ...head,
        outcomeLabel(t, row, match),
        match?.name ?? '',
        ok ? t(`status.${ok.status}`) : '',
        ok ? (ok.costLimit === null ? t('staffBatch.costLimit.notComputable') : flag(ok.costLimit.changed)) : '',
        flag(flags?.categoryChanged),
        flag(flags?.applicationCategoryChanged),
        ranAt,
        batchRowNote(t, row),
      ]);
    }
  }
  return formatCsv(lines);
}
