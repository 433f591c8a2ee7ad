import type { ComponentChildren } from 'preact';
import type { QueryRowDto } from '../../domain/consent/staff-lifecycle-api.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** Rows shown on screen; every row is in the result file. */
const SHOWN_ROWS = 100;

/** One column of the result table after the file line: its header and the cell of one person (or of a row without one). */
export interface ResultColumn<M> {
  header: string;
  cell: (row: QueryRowDto<M>, match: M | null) => string;
}

/**
 * The answer to an uploaded CSV (re-query Q3, batch query Q6): the count per outcome, the result
 * file to download, and the first rows as a table, one line per person (twins found by one row
 * get a line each, Q5). `children` comes between the counts and the download button.
 */
export function CsvResult<M extends { outcome: string }>({
  id,
  counts,
  onDownload,
  rows,
  columns,
  rowClass,
  children,
}: {
  /** Prefix of the table caption's id: `${id}-table-caption`. */
  id: string;
  counts: ReadonlyArray<{ key: string; label: string; count: number }>;
  onDownload: () => void;
  rows: ReadonlyArray<QueryRowDto<M>>;
  columns: ReadonlyArray<ResultColumn<M>>;
  /** Classes added to a person's line after `outcome-…`. */
  rowClass?: (match: M | null) => string;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  return (
    <>
      <dl class="outcome-counts">
        {counts.map((c) => (
          <div key={c.key}>
            <dt>{c.label}</dt>
            <dd>{c.count}</dd>
          </div>
        ))}
      </dl>
      {children}
      <div class="button-row">
        <button type="button" class="button primary" onClick={onDownload}>
          {t('staffLc.csv.downloadResult')}
        </button>
      </div>
      {rows.length > SHOWN_ROWS && <p class="hint">{t('staffLc.csv.shownRows', { shown: String(SHOWN_ROWS) })}</p>}
      <div class="table-scroll" tabIndex={0} role="region" aria-labelledby={`${id}-table-caption`}>
        <table class="data-table">
          <caption id={`${id}-table-caption`}>{t('staffLc.csv.tableCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('staffLc.csv.line')}</th>
              {columns.map((c) => (
                <th key={c.header} scope="col">
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, SHOWN_ROWS).flatMap((row) =>
              (row.matches.length > 0 ? row.matches : [null]).map((match, i) => (
                <tr key={`${row.row}-${i}`} class={`outcome-${match?.outcome ?? row.outcome}${rowClass?.(match) ?? ''}`}>
                  <td>{row.line ?? row.row}</td>
                  {columns.map((c) => (
                    <td key={c.header}>{c.cell(row, match)}</td>
                  ))}
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
