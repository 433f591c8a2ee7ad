import { z } from '../shared/zod.ts';
import { formatCsv } from '../requery/csv.ts';
import { endOfJstDate, isJstDate, startOfJstDate } from '../shared/jst.ts';

/**
 * X5, P5: the audit viewer (admin only): filter the institution's trail by person, staff member,
 * action and Japan-time date range, page newest first, export CSV, verify the hash chain.
 */

/** One event as the viewer and the CSV show it: the audit table's own columns, nothing joined. */
export interface AuditEventDto {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  personRef: string | null;
  deviceId: string | null;
  subjectId: string | null;
  outcome: string;
  detail: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  personRef?: string;
  staffId?: string;
  action?: string;
  /** Japan-time dates, inclusive. */
  from?: string;
  to?: string;
}

export const AUDIT_PAGE_SIZE = 50;
/** An export larger than this is cut; the response says so and the screen asks for a narrower filter. */
export const AUDIT_EXPORT_LIMIT = 100_000;

/** A page position: events strictly older than this (time, then sequence number). */
export interface AuditCursor {
  at: string;
  seq: number;
}

export interface AuditEventsResponse {
  events: AuditEventDto[];
  /** Pass as `beforeAt` and `beforeSeq` for the next (older) page; null on the last page. */
  next: AuditCursor | null;
}

export interface AuditStaffResponse {
  staff: Array<{ id: string; loginId: string; displayName: string }>;
}

/**
 * One part of a check of the hash chain (issue 17 #4: ten million events are checked a part at a
 * time, with progress). `events`: events checked so far, this part included; `total`: the chain's
 * length when this part started; `nextSeq`: send it as `fromSeq` for the next part, null when the
 * whole chain has been checked.
 */
export type AuditVerifyResponse =
  | { ok: true; events: number; total: number; nextSeq: number | null }
  | { ok: false; events: number; brokenAtSeq: number };

/** Body of POST /api/staff/audit/verify: where this part starts (1, the default, is the beginning). */
export const auditVerifyRequestSchema = z.object({ fromSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional() }).strict();

export type AuditFilterCheck =
  | { ok: true; filter: AuditFilter; range: { fromAt: string | null; toAt: string | null }; before: AuditCursor | null }
  | { ok: false; fields: Record<string, string> };

const REF = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Reads the query string; blank values are no filter. Messages name the rule, never the value. */
export function checkAuditQuery(raw: Record<string, string | undefined>): AuditFilterCheck {
  const fields: Record<string, string> = {};
  const filter: AuditFilter = {};
  const text = (key: keyof AuditFilter) => (raw[key] ?? '').trim();
  for (const key of ['personRef', 'staffId', 'action'] as const) {
    const value = text(key);
    if (value === '') continue;
    if (!REF.test(value)) fields[key] = 'Use letters, digits, ".", "_", ":" or "-" (at most 64).';
    else filter[key] = value;
  }
  for (const key of ['from', 'to'] as const) {
    const value = text(key);
    if (value === '') continue;
    if (!isJstDate(value)) fields[key] = 'Give a date as YYYY-MM-DD.';
    else filter[key] = value;
  }
  if (filter.from && filter.to && filter.from > filter.to) fields.to = 'The end date is before the start date.';
  const beforeAt = (raw.beforeAt ?? '').trim();
  const beforeSeq = (raw.beforeSeq ?? '').trim();
  let before: AuditCursor | null = null;
  if (beforeAt !== '' || beforeSeq !== '') {
    // Both or neither; the time exactly as the server stores it (ISO, milliseconds, Z).
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(beforeAt) || !/^[1-9]\d{0,15}$/.test(beforeSeq)) fields.before = 'Not a page position.';
    else before = { at: beforeAt, seq: Number(beforeSeq) };
  }
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  return {
    ok: true,
    filter,
    range: {
      fromAt: filter.from ? startOfJstDate(filter.from).toISOString() : null,
      toAt: filter.to ? endOfJstDate(filter.to).toISOString() : null,
    },
    before,
  };
}

/** The query string for a filter (and page), as the screen sends it. */
export function auditQueryString(filter: AuditFilter, before?: AuditCursor | null): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(filter)) if (value) pairs.push(`${key}=${encodeURIComponent(value)}`);
  if (before) pairs.push(`beforeAt=${encodeURIComponent(before.at)}`, `beforeSeq=${before.seq}`);
  return pairs.join('&');
}

export const AUDIT_CSV_HEADER = [
  'seq',
  'at',
  'actor_type',
  'actor_id',
  'action',
  'person_ref',
  'device_id',
  'subject_id',
  'outcome',
  'detail',
  'prev_hash',
  'hash',
] as const;

/** The export: UTF-8 with BOM and CRLF (Excel), RFC 4180 quoting, formula-looking cells defused. */
export function auditCsv(events: readonly AuditEventDto[]): string {
  return formatCsv([
    [...AUDIT_CSV_HEADER],
    ...events.map((e) => [
      String(e.seq),
      e.at,
      e.actorType,
      e.actorId ?? '',
      e.action,
      e.personRef ?? '',
      e.deviceId ?? '',
      e.subjectId ?? '',
      e.outcome,
      e.detail ?? '',
      e.prevHash,
      e.hash,
    ]),
  ]);
}
