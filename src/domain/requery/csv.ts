import { parseDateText } from '../shared/date-text.ts';

/**
 * The re-query CSV (Q1–Q3) and the batch-query CSV (Q6): the template, reading an uploaded file
 * and writing a result file. Clinics make these files in Excel, so reading is forgiving where
 * Excel is known to change things (BOM, CRLF, blank lines, quoted fields, full-width digits,
 * dropped leading zeros, dates as 1986/6/14) and reads dates of birth in 和暦 as receipt computers
 * and clerks write them (S29.10.22, 昭和29年10月22日: `parseDateText`, D4). Strict about the columns.
 * Problems in one row are reported for that row, every bad field of it; only a file that cannot be
 * read as a whole is refused.
 */

/** The insurance numbers a person is searched by (Q1, X1), after normalisation. */
export interface InsuranceQuery {
  insurerNumber: string;
  /** '' when not given. */
  symbol: string;
  number: string;
  /** '' when not given: 後期高齢者 and 医療扶助 have none (Q5). */
  branch: string;
  /** YYYY-MM-DD. */
  dateOfBirth: string;
}

export type InsuranceField = keyof InsuranceQuery;

/**
 * Q6/Q8: a batch row also carries the 限度額適用認定証区分 and 適用区分 the clinic holds; the change
 * flag is computed against them. Both blank: nothing to compare with, so no flag (Q8).
 */
export interface BatchQueryRow extends InsuranceQuery {
  costLimitCategory: string;
  costLimitApplicationCategory: string;
}

export type CsvKind = 'requery' | 'batch';

interface Column<K extends string> {
  key: K;
  header: string;
  /** Other headers read as this column (the manual's full names). */
  aliases?: readonly string[];
}

/** The re-query template's columns, in template order. English keys are accepted as headers too. */
export const REQUERY_CSV_COLUMNS: readonly Column<InsuranceField>[] = [
  { key: 'insurerNumber', header: '保険者番号' },
  { key: 'symbol', header: '記号' },
  { key: 'number', header: '番号' },
  { key: 'branch', header: '枝番' },
  { key: 'dateOfBirth', header: '生年月日' },
];

export const BATCH_CSV_COLUMNS: readonly Column<keyof BatchQueryRow>[] = [
  ...REQUERY_CSV_COLUMNS,
  { key: 'costLimitCategory', header: '限度額適用認定証区分' },
  { key: 'costLimitApplicationCategory', header: '限度額適用区分', aliases: ['限度額適用認定証適用区分'] },
];

function columnsOf(kind: CsvKind): readonly Column<string>[] {
  return kind === 'requery' ? REQUERY_CSV_COLUMNS : BATCH_CSV_COLUMNS;
}

// ---------------------------------------------------------------------------------------------
// Bytes → text

/**
 * Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF); a leading BOM is
 * dropped. Anything else — typically a Shift_JIS file saved by Excel's plain "CSV" — is refused
 * rather than read as mojibake. Written out here because the domain core has no TextDecoder.
 */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false } {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const parts: string[] = [];
  let chunk: number[] = [];
  while (i < bytes.length) {
    const b0 = bytes[i]!;
    let cp: number;
    let len: number;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      cp = b0 & 0x1f;
      len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      cp = b0 & 0x0f;
      len = 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      cp = b0 & 0x07;
      len = 4;
    } else {
      return { ok: false };
    }
    if (i + len > bytes.length) return { ok: false };
    for (let k = 1; k < len; k++) {
      const b = bytes[i + k]!;
      if ((b & 0xc0) !== 0x80) return { ok: false };
      cp = (cp << 6) | (b & 0x3f);
    }
    if ((len === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff))) {
      return { ok: false };
    }
    chunk.push(cp);
    if (chunk.length >= 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
    i += len;
  }
  parts.push(String.fromCodePoint(...chunk));
  return { ok: true, text: parts.join('') };
}

// ---------------------------------------------------------------------------------------------
// Text → records

export interface CsvRecord {
  /** The file line the record starts on (1 = the header), to point staff at the row in Excel. */
  line: number;
  fields: string[];
}

/** RFC 4180 records: CRLF, LF or CR line ends; "…" quoting with "" for a quote and line breaks inside. */
export function parseCsvRecords(text: string): { ok: true; records: CsvRecord[] } | { ok: false } {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === '\n' || (ch === '\r' && source[i + 1] !== '\n')) line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      // A stray quote inside an unquoted field is kept as text, as Excel does.
      field += ch;
      fieldStarted = true;
    }
  }
  if (inQuotes) return { ok: false };
  if (field !== '' || fields.length > 0 || fieldStarted) endRecord();
  return { ok: true, records };
}

// ---------------------------------------------------------------------------------------------
// Field rules (shared with the JSON API)

function clean(value: string | undefined | null): string {
  return (value ?? '').normalize('NFKC').trim();
}

/**
 * Excel turns a column of digits into numbers and drops leading zeros. Insurer numbers have 6
 * digits (市町村国保) or 8, so 5 and 7 digits can only be a lost zero; a branch has 2 digits.
 */
function restoreLeadingZero(value: string, lengths: readonly number[]): string {
  return lengths.includes(value.length + 1) ? `0${value}` : value;
}

const MAX_TEXT = 40;

export type RowCheck<T> = { ok: true; value: T } | { ok: false; fields: string[] };

/**
 * Normalises and checks the insurance numbers of one person (NFKC folds full-width digits).
 * A failure names the fields, never their values.
 */
export function checkInsuranceQuery(raw: Partial<Record<InsuranceField, string | null | undefined>>): RowCheck<InsuranceQuery> {
  const bad: InsuranceField[] = [];
  const insurerNumber = restoreLeadingZero(clean(raw.insurerNumber), [6, 8]);
  if (!/^\d{6}$|^\d{8}$/.test(insurerNumber)) bad.push('insurerNumber');
  const symbol = clean(raw.symbol);
  if (symbol.length > MAX_TEXT || /[,\r\n]/.test(symbol)) bad.push('symbol');
  const number = clean(raw.number);
  if (number === '' || number.length > MAX_TEXT || /[,\r\n]/.test(number)) bad.push('number');
  let branch = clean(raw.branch);
  if (/^\d$/.test(branch)) branch = `0${branch}`;
  if (branch !== '' && !/^\d{2}$/.test(branch)) bad.push('branch');
  // 和暦 or 西暦 as typed, Excel's 1986/6/14 included (D4: the day must exist in its era).
  const dateOfBirth = parseDateText(raw.dateOfBirth ?? '');
  if (!dateOfBirth.ok) bad.push('dateOfBirth');
  if (bad.length > 0 || !dateOfBirth.ok) return { ok: false, fields: bad };
  return { ok: true, value: { insurerNumber, symbol, number, branch, dateOfBirth: dateOfBirth.date } };
}

/** Q6: a batch row; the two cost-limit values are both given or both blank. */
export function checkBatchRow(raw: Partial<Record<keyof BatchQueryRow, string | null | undefined>>): RowCheck<BatchQueryRow> {
  const base = checkInsuranceQuery(raw);
  const costLimitCategory = clean(raw.costLimitCategory);
  const costLimitApplicationCategory = clean(raw.costLimitApplicationCategory);
  const bad = base.ok ? [] : [...base.fields];
  if (costLimitCategory.length > MAX_TEXT) bad.push('costLimitCategory');
  if (costLimitApplicationCategory.length > MAX_TEXT) bad.push('costLimitApplicationCategory');
  if ((costLimitCategory === '') !== (costLimitApplicationCategory === '')) {
    bad.push(costLimitCategory === '' ? 'costLimitCategory' : 'costLimitApplicationCategory');
  }
  if (!base.ok || bad.length > 0) return { ok: false, fields: bad };
  return { ok: true, value: { ...base.value, costLimitCategory, costLimitApplicationCategory } };
}

// ---------------------------------------------------------------------------------------------
// Reading a query file

export type CsvFileProblem =
  /** No header row at all. */
  | 'noHeader'
  /** A required column is missing, a column is unknown, or one appears twice. */
  | 'columns'
  /** A quoted field is never closed: the rest of the file cannot be split into rows. */
  | 'malformed'
  /** A header but no data rows (Q3: at least 1). */
  | 'noRows'
  /** More data rows than the limit (Q3, Q6). */
  | 'tooManyRows';

/** A data row: checked value or bad fields, and its cells by column key as typed (for a result file). */
export type CsvRow<T> =
  | { line: number; raw: Record<string, string>; ok: true; value: T }
  | { line: number; raw: Record<string, string>; ok: false; fields: string[] };

export type CsvReadResult<T> = { ok: true; rows: CsvRow<T>[] } | { ok: false; problem: CsvFileProblem };

function headerKey(header: string, columns: readonly Column<string>[]): string | null {
  const h = clean(header);
  const column = columns.find((c) => c.header === h || c.aliases?.includes(h) || c.key.toLowerCase() === h.toLowerCase());
  return column ? column.key : null;
}

function readFile<T>(text: string, kind: CsvKind, limit: number, check: (raw: Record<string, string>) => RowCheck<T>): CsvReadResult<T> {
  const parsed = parseCsvRecords(text);
  if (!parsed.ok) return { ok: false, problem: 'malformed' };
  // Empty lines (and Excel's all-comma lines) are not rows.
  const records = parsed.records.filter((r) => r.fields.some((f) => clean(f) !== ''));
  const [header, ...data] = records;
  if (!header) return { ok: false, problem: 'noHeader' };
  const columns = columnsOf(kind);
  const keys = header.fields.map((h) => headerKey(h, columns));
  const known = keys.filter((k): k is string => k !== null);
  if (keys.includes(null) || new Set(known).size !== known.length || columns.some((c) => !known.includes(c.key))) {
    return { ok: false, problem: 'columns' };
  }
  if (data.length === 0) return { ok: false, problem: 'noRows' };
  if (data.length > limit) return { ok: false, problem: 'tooManyRows' };
  return {
    ok: true,
    rows: data.map((record): CsvRow<T> => {
      const raw: Record<string, string> = {};
      keys.forEach((key, i) => {
        raw[key!] = record.fields[i] ?? '';
      });
      const { line } = record;
      // Missing trailing cells are blank (some editors drop them); a row with more filled cells
      // than the header is malformed on its own: report it with every other bad field of the
      // row (staff fix a row once, not once per field), keep the other rows.
      const extraCells = record.fields.slice(keys.length).some((f) => clean(f) !== '');
      const checked = check(raw);
      if (extraCells) return { line, raw, ok: false, fields: ['columnCount', ...(checked.ok ? [] : checked.fields)] };
      return checked.ok ? { line, raw, ok: true, value: checked.value } : { line, raw, ok: false, fields: checked.fields };
    }),
  };
}

/** Q1–Q3: reads a re-query file of at most `limit` persons. */
export function readRequeryCsv(text: string, limit: number): CsvReadResult<InsuranceQuery> {
  return readFile(text, 'requery', limit, checkInsuranceQuery);
}

/** Q6: reads a batch-query file of at most `limit` persons. */
export function readBatchCsv(text: string, limit: number): CsvReadResult<BatchQueryRow> {
  return readFile(text, 'batch', limit, checkBatchRow);
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A cell Excel would run as a formula (=, +, -, @, tab, CR) is prefixed with ' (CSV injection). */
function escapeCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV text with CRLF line ends and a BOM, so that Excel opens it as UTF-8. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(escapeCell).join(',')).join('\r\n')}\r\n`;
}

/** The downloadable template: the header row only, so no sample row is ever sent by mistake. */
export function csvTemplate(kind: CsvKind): string {
  return formatCsv([columnsOf(kind).map((c) => c.header)]);
}
