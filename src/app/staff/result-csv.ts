import { formatCsv, REQUERY_CSV_COLUMNS } from '../../domain/requery/csv.ts';
import type { QueryRowDto, RequeryMatchDto, RequeryMatchOutcome, RequeryResponse, RequeryRowDto } from '../../domain/consent/staff-lifecycle-api.ts';
import type { Lang, Translate } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';
import { parseDateText } from '../../domain/shared/date-text.ts';
import { formatEraDate } from '../../domain/shared/era.ts';
import { formatInstant } from '../reception/format.ts';

/**
 * The result files keep the 生年月日 cell as it was typed (so the clerk finds the row in their own
 * file) and add two columns: 和暦 (「昭和18年10月22日」, what the clerk reads and what the
 * receipt computer's screens show) and 西暦 as YYYY-MM-DD (what Excel sorts and filters and what a
 * receipt computer imports). Two plain columns rather than one 「昭和18年10月22日（1943年）」 cell:
 * a mixed cell can be read but not sorted, filtered or imported. Blank when the cell is no date.
 */
export function dateOfBirthColumnHeaders(t: Translate): string[] {
  return [t('staffLc.csv.dobWareki'), t('staffLc.csv.dobWestern')];
}

export function dateOfBirthColumns(typed: string | undefined): string[] {
  const parsed = parseDateText(typed ?? '');
  if (!parsed.ok) return ['', ''];
  return [formatEraDate(parsed.date) ?? '', parsed.date];
}

/** Field names the server reports for a bad row, as staff read them. */
export function fieldLabel(t: Translate, field: string): string {
  const known: Record<string, MessageKey> = {
    insurerNumber: 'staffLc.field.insurerNumber',
    symbol: 'staffLc.field.symbol',
    number: 'staffLc.field.number',
    branch: 'staffLc.field.branch',
    dateOfBirth: 'staffLc.field.dateOfBirth',
    columnCount: 'staffLc.field.columnCount',
  };
  return t(known[field] ?? 'staffLc.field.row');
}

export function rowNote(t: Translate, row: RequeryRowDto, match: RequeryMatchDto | null): string {
  if (row.outcome === 'invalid') return t('staffLc.csv.invalidFields', { fields: (row.invalidFields ?? []).map((f) => fieldLabel(t, f)).join('・') });
  const notes: string[] = [];
  if (row.matches.length > 1) notes.push(t('staffLc.outcome.several', { count: String(row.matches.length) }));
  if (match?.outcome === 'revoked' && match.revokeReason) notes.push(t(`staffLc.reason.${match.revokeReason}`));
  return notes.join(' ');
}

/** The outcome of one person of a row (re-query or batch query), or of the row when nobody matched. */
export function outcomeLabel(t: Translate, row: Pick<QueryRowDto<unknown>, 'outcome'>, match: { outcome: RequeryMatchOutcome } | null): string {
  if (match) return t(`staffLc.outcome.${match.outcome}`);
  return t(`staffLc.outcome.${row.outcome === 'invalid' || row.outcome === 'notConfirmable' ? row.outcome : 'notFound'}`);
}

/**
 * Q3: the per-row result file: the row as it was in the uploaded file, then the answer — one line
 * per person, so twins found by one row (Q5) get a line each. The input cells come from the file
 * on this device; the server never sends submitted values back.
 */
export function requeryResultCsv(
  t: Translate,
  lang: Lang,
  response: RequeryResponse,
  inputs: ReadonlyMap<number, Record<string, string>>,
): string {
  const header = [
    t('staffLc.csv.row'),
    t('staffLc.csv.line'),
    ...REQUERY_CSV_COLUMNS.map((c) => c.header),
    ...dateOfBirthColumnHeaders(t),
    t('staffLc.csv.outcome'),
    t('field.name'),
    t('staffLc.csv.status'),
    t('field.insurer'),
    t('field.costLimit'),
    t('field.specificDisease'),
    t('staffLc.csv.queriedAt'),
    t('staffLc.csv.note'),
  ];
  const lines: string[][] = [header];
  for (const row of response.rows) {
    const input = inputs.get(row.row) ?? {};
    const head = [
      String(row.row),
      row.line === undefined ? '' : String(row.line),
      ...REQUERY_CSV_COLUMNS.map((c) => input[c.key] ?? ''),
      ...dateOfBirthColumns(input.dateOfBirth),
    ];
    const matches: Array<RequeryMatchDto | null> = row.matches.length > 0 ? row.matches : [null];
    for (const match of matches) {
      const record = match?.outcome === 'ok' ? match.record : null;
      lines.push([
        ...head,
        outcomeLabel(t, row, match),
        match?.name ?? '',
        record ? t(`status.${record.status}`) : '',
        record?.insurerName ?? '',
        record?.costLimit ? `${record.costLimit.applicationCategory}（${record.costLimit.category}）` : '',
        record?.specificDisease?.diseaseCategory ?? '',
        match && 'queriedAt' in match ? formatInstant(match.queriedAt, lang) : '',
        rowNote(t, row, match),
      ]);
    }
  }
  return formatCsv(lines);
}

/** Offers text as a file download (a Blob, so nothing leaves the device). */
export function downloadCsv(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file-name stamp in Japan time: 20261122-1005. */
export function jstStamp(now: Date): string {
  const shifted = new Date(now.getTime() + 9 * 3600_000).toISOString();
  return `${shifted.slice(0, 10).replace(/-/g, '')}-${shifted.slice(11, 16).replace(':', '')}`;
}
