import { Hono, type Context } from 'hono';
import type { z } from '../../domain/shared/zod.ts';
import {
  checkBatchRow,
  checkInsuranceQuery,
  csvTemplate,
  decodeUtf8,
  readBatchCsv,
  readRequeryCsv,
  type BatchQueryRow,
  type CsvFileProblem,
  type CsvReadResult,
  type InsuranceQuery,
  type RowCheck,
} from '../../domain/requery/csv.ts';
import { BATCH_QUERY_LIMIT, checkRowCount, requeryLimit, type RequeryClient } from '../../domain/requery/requery.ts';
import {
  batchRequestSchema,
  batchRowSchema,
  insuranceQuerySchema,
  requeryClientSchema,
  requeryRequestSchema,
} from '../../domain/consent/staff-lifecycle-schema.ts';
import { staffAuditor, staffTransaction } from '../consent/staff-action.ts';
import type { AppEnv } from '../http/app-env.ts';
import { AppError, NotFoundError, ValidationError } from '../http/errors.ts';
import { readJson } from '../http/validate.ts';
import { requirePermission } from '../staff/session.ts';
import { CsvColumnsInvalidError, CsvMalformedError, CsvNotUtf8Error, RowsOutOfRangeError, UnsupportedCsvMediaTypeError } from './requery-errors.ts';
import { batchResults, lookUpRows, requeryHistory, runBatch, runRequery, type SubmittedRow } from './requery.service.ts';

function checkCount(count: number, limit: number): void {
  if (checkRowCount(count, limit) !== null) throw new RowsOutOfRangeError(limit);
}

/** Field names of a JSON row that failed its schema; an unexpected key is "(row)", never its name. */
function schemaFailureFields(error: z.ZodError): string[] {
  const fields = new Set<string>();
  for (const issue of error.issues) {
    const first = issue.path[0];
    fields.add(issue.code === 'unrecognized_keys' || typeof first !== 'string' ? '(row)' : first);
  }
  return [...fields];
}

function jsonRequeryRow(raw: unknown): RowCheck<InsuranceQuery> {
  const parsed = insuranceQuerySchema.safeParse(raw);
  return parsed.success ? checkInsuranceQuery(parsed.data) : { ok: false, fields: schemaFailureFields(parsed.error) };
}

function jsonBatchRow(raw: unknown): RowCheck<BatchQueryRow> {
  const parsed = batchRowSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, fields: schemaFailureFields(parsed.error) };
  const { costLimit, ...numbers } = parsed.data;
  return checkBatchRow({ ...numbers, costLimitCategory: costLimit?.category ?? '', costLimitApplicationCategory: costLimit?.applicationCategory ?? '' });
}

const SHIFT_JIS_LABELS = new Set(['shift_jis', 'shift-jis', 'sjis', 'x-sjis', 'cp932', 'windows-31j', 'ms_kanji', 'csshiftjis']);

/**
 * A CSV upload (text/csv). UTF-8, with or without BOM, unless the client names Shift_JIS in the
 * charset (a receipt computer may); a file that is not valid UTF-8 — typically Excel's plain "CSV",
 * which is Shift_JIS — is refused with a code that asks for UTF-8, never read as mojibake.
 */
async function readCsvText(c: Context<AppEnv>): Promise<string> {
  const type = c.req.header('content-type') ?? '';
  if (!/^text\/csv\b/i.test(type)) throw new UnsupportedCsvMediaTypeError('Send the file as text/csv.');
  const charset = /;\s*charset="?([^";\s]+)"?/i.exec(type)?.[1]?.toLowerCase() ?? 'utf-8';
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (SHIFT_JIS_LABELS.has(charset)) {
    try {
      return new TextDecoder('shift_jis', { fatal: true }).decode(bytes);
    } catch {
      throw new CsvNotUtf8Error('The file could not be read as Shift_JIS text. Save it as "CSV UTF-8" and upload it again.');
    }
  }
  if (charset !== 'utf-8' && charset !== 'utf8') throw new UnsupportedCsvMediaTypeError('Send the file as UTF-8 (or Shift_JIS) text.');
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    throw new CsvNotUtf8Error('The file is not UTF-8 text (Excel\'s plain "CSV" is Shift_JIS). Save it as "CSV UTF-8" and upload it again.');
  }
  return decoded.text;
}

function csvRowsOrFail<T>(read: CsvReadResult<T>, limit: number): SubmittedRow<T>[] {
  if (!read.ok) throw csvProblem(read.problem, limit);
  return read.rows.map((r, i) => ({ row: i + 1, line: r.line, check: r.ok ? { ok: true, value: r.value } : { ok: false, fields: r.fields } }));
}

function csvProblem(problem: CsvFileProblem, limit: number): AppError {
  switch (problem) {
    case 'noHeader':
    case 'columns':
      return new CsvColumnsInvalidError();
    case 'malformed':
      return new CsvMalformedError();
    case 'noRows':
    case 'tooManyRows':
      return new RowsOutOfRangeError(limit);
  }
}

function clientFromQuery(c: Context<AppEnv>): RequeryClient {
  const parsed = requeryClientSchema.safeParse(c.req.query('client'));
  if (!parsed.success) throw new ValidationError({ client: 'Say which client sends the file: screen, api or receiptComputer.' });
  return parsed.data;
}

function ctxOf(c: Context<AppEnv>) {
  return { institutionId: c.var.staff.institutionId, staffId: c.var.staff.id, now: c.var.now() };
}

async function requery(c: Context<AppEnv>, client: RequeryClient, rows: SubmittedRow<InsuranceQuery>[]) {
  const ctx = ctxOf(c);
  const looked = await lookUpRows(c.var.national.eligibility, rows, ctx.now);
  return c.json(await staffTransaction(c, { action: 'requery.request' }, (trx, audit) => runRequery(trx, { ...ctx, audit }, client, looked)));
}

async function batch(c: Context<AppEnv>, rows: SubmittedRow<BatchQueryRow>[]) {
  const ctx = ctxOf(c);
  const looked = await lookUpRows(c.var.national.eligibility, rows, ctx.now);
  return c.json(await staffTransaction(c, { action: 'batch_query.run' }, (trx, audit) => runBatch(trx, { ...ctx, audit }, looked)));
}

/**
 * Re-query (Q1–Q5) and the batch query before visits (Q6–Q9), mounted at /api/staff/requery. JSON for
 * API clients and the single form, text/csv for uploads; the client flag sets the limit (Q3).
 */
export const requeryRoutes = new Hono<AppEnv>()
  .use('*', requirePermission('requery.run'))
  .post('/', async (c) => {
    const { client, rows } = await readJson(c, requeryRequestSchema);
    checkCount(rows.length, requeryLimit(client));
    return requery(c, client, rows.map((raw, i) => ({ row: i + 1, check: jsonRequeryRow(raw) })));
  })
  .post('/csv', async (c) => {
    const client = clientFromQuery(c);
    const limit = requeryLimit(client);
    return requery(c, client, csvRowsOrFail(readRequeryCsv(await readCsvText(c), limit), limit));
  })
  .post('/batch', async (c) => {
    const { rows } = await readJson(c, batchRequestSchema);
    checkCount(rows.length, BATCH_QUERY_LIMIT);
    return batch(c, rows.map((raw, i) => ({ row: i + 1, check: jsonBatchRow(raw) })));
  })
  .get('/batch/results', async (c) => {
    const audit = staffAuditor(c);
    const ctx = { institutionId: c.var.staff.institutionId, now: c.var.now(), audit };
    return c.json(await c.var.db.transaction().execute((trx) => batchResults(trx, ctx)));
  })
  .post('/batch/csv', async (c) => batch(c, csvRowsOrFail(readBatchCsv(await readCsvText(c), BATCH_QUERY_LIMIT), BATCH_QUERY_LIMIT)))
  .get('/template.csv', (c) => {
    const kind = c.req.query('kind') === 'batch' ? 'batch' : 'requery';
    return c.body(csvTemplate(kind), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${kind}-template.csv"`,
    });
  })
  .get('/persons/:personRef', async (c) => {
    const personRef = c.req.param('personRef');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(personRef)) throw new NotFoundError();
    const now = c.var.now();
    const audit = staffAuditor(c);
    const body = await c.var.db.transaction().execute((trx) => requeryHistory(trx, { institutionId: c.var.staff.institutionId, now, audit }, personRef));
    if (!body) throw new NotFoundError('This person is not known at this institution.');
    return c.json(body);
  });
