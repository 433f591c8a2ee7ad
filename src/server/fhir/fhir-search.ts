import { FhirSearchInvalidError } from './fhir-errors.ts';
import { personRefOf, isFhirId } from './fhir-ids.ts';

/**
 * The FHIR search parameters this server implements, parsed and checked before any query runs
 * (issue 19 #2). Strict: a parameter it does not know, a second value where one is allowed, a
 * malformed date or number is refused (400 OperationOutcome) rather than ignored, so a client
 * never takes an unfiltered answer for a filtered one. Messages name the parameter, never the
 * value sent.
 */

export const FHIR_RESOURCE_TYPES = ['Consent', 'Coverage', 'Patient', 'AuditEvent'] as const;
export type FhirResourceType = (typeof FHIR_RESOURCE_TYPES)[number];

/** Search parameters per type, besides the common `_lastUpdated`, `_count`, `_offset`, `_format`. */
export const SEARCH_PARAMETERS: Record<FhirResourceType, readonly ('identifier' | 'patient' | 'beneficiary')[]> = {
  Consent: ['identifier', 'patient'],
  Coverage: ['identifier', 'patient', 'beneficiary'],
  Patient: ['identifier'],
  AuditEvent: ['patient'],
};
const COMMON = ['_lastUpdated', '_count', '_offset', '_format'] as const;

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;
const MAX_OFFSET = 1_000_000;
const MAX_VALUE_LENGTH = 1000;

/** `identifier=[system]|value`: system null = any system, '' = no system (matches nothing here). */
export interface TokenSearch {
  system: string | null;
  value: string;
}

export interface FhirSearch {
  identifier: TokenSearch | null;
  /** The person a `patient` (or Coverage `beneficiary`) reference names; '' for a Patient id no person can have. */
  personRef: string | null;
  /** Resources last updated at or after this instant (ISO, inclusive). */
  updatedFrom: string | null;
  /** Resources last updated before this instant (ISO, exclusive). */
  updatedBefore: string | null;
  count: number;
  offset: number;
}

/** One value per name, or a refusal; a control character or a lone surrogate never reaches SQL. */
function single(params: Map<string, string[]>, name: string): string | null {
  const values = params.get(name);
  if (!values || values.length === 0) return null;
  if (values.length > 1) throw new FhirSearchInvalidError(`The search parameter ${name} may be given once.`);
  return values[0]!;
}

function checkText(name: string, value: string): void {
  if (value.length > MAX_VALUE_LENGTH) throw new FhirSearchInvalidError(`The search parameter ${name} is too long.`);
  if (/[\u0000-\u001f\u007f]/.test(value) || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value) || value.includes('\ufffd')) {
    throw new FhirSearchInvalidError(`The search parameter ${name} holds characters that cannot be searched for.`);
  }
}

function integer(name: string, value: string, max: number): number {
  if (!/^\d{1,7}$/.test(value)) throw new FhirSearchInvalidError(`The search parameter ${name} must be a whole number.`);
  const n = Number(value);
  if (n > max) throw new FhirSearchInvalidError(`The search parameter ${name} is too large.`);
  return n;
}

/** `system|value`, or `value` (any system); `|value` (no system) matches nothing here. */
export function parseToken(name: string, raw: string): TokenSearch {
  if (raw === '') throw new FhirSearchInvalidError(`The search parameter ${name} is empty.`);
  // FHIR escapes , $ | with a backslash; a bare comma would be a list of alternatives (not supported).
  if (/(^|[^\\]),/.test(raw)) throw new FhirSearchInvalidError(`The search parameter ${name} takes one value, not a list.`);
  const parts = raw.split(/(?<!\\)\|/);
  if (parts.length > 2) throw new FhirSearchInvalidError(`The search parameter ${name} is not system|value.`);
  const unescape = (s: string) => s.replace(/\\([,$|\\])/g, '$1');
  if (parts.length === 1) return { system: null, value: unescape(parts[0]!) };
  const system = unescape(parts[0]!);
  const value = unescape(parts[1]!);
  // `system|` (any value of a system) is not supported: every search names a value.
  if (value === '') throw new FhirSearchInvalidError(`The search parameter ${name} needs a value (system|value or value).`);
  return { system, value };
}

/** `Patient/<id>` or `<id>`; an id of FHIR's syntax that no person has gives '' (nothing matches). */
export function parsePatientReference(name: string, raw: string): string {
  const id = raw.startsWith('Patient/') ? raw.slice('Patient/'.length) : raw;
  if (!isFhirId(id)) throw new FhirSearchInvalidError(`The search parameter ${name} must be Patient/<id>.`);
  return personRefOf(id) ?? '';
}

const JST_OFFSET_MINUTES = 9 * 60;
const DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/**
 * The instants a FHIR date search value stands for, [start, end). A date without a time is a
 * Japan calendar day (month, year); a time must carry its zone. Years 1000–9998.
 */
export function dateRange(name: string, raw: string): { start: Date; end: Date } {
  const m = DATE.exec(raw);
  if (!m) throw new FhirSearchInvalidError(`The search parameter ${name} is not a FHIR date.`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const invalid = () => new FhirSearchInvalidError(`The search parameter ${name} is not a real date and time.`);
  if (year < 1000 || year > 9998 || month < 1 || month > 12 || day < 1) throw invalid();
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) throw invalid();
  if (h === undefined) {
    const start = Date.UTC(year, month - 1, day) - JST_OFFSET_MINUTES * 60_000;
    const end = d !== undefined ? Date.UTC(year, month - 1, day + 1) : mo !== undefined ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
    return { start: new Date(start), end: new Date(end - JST_OFFSET_MINUTES * 60_000) };
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) throw invalid();
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 14 || om > 59) throw invalid();
    offset = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const ms = frac === undefined ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  const start = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000;
  // The value's own precision: a minute, a second, or a millisecond.
  const precision = s === undefined ? 60_000 : frac === undefined ? 1000 : 1;
  return { start: new Date(start), end: new Date(start + precision) };
}

/** `_lastUpdated=[prefix]date`, prefixes eq (default), ge, gt, le, lt: the half-open bounds it sets. */
export function lastUpdatedBounds(raw: string): { from: string | null; before: string | null } {
  const m = /^(eq|ge|gt|le|lt|ne|sa|eb|ap)?(.*)$/s.exec(raw)!;
  const prefix = m[1] ?? 'eq';
  const { start, end } = dateRange('_lastUpdated', m[2]!);
  switch (prefix) {
    case 'eq':
      return { from: start.toISOString(), before: end.toISOString() };
    case 'ge':
      return { from: start.toISOString(), before: null };
    case 'gt':
      return { from: end.toISOString(), before: null };
    case 'le':
      return { from: null, before: end.toISOString() };
    case 'lt':
      return { from: null, before: start.toISOString() };
    default:
      throw new FhirSearchInvalidError('The search parameter _lastUpdated takes the prefixes eq, ge, gt, le and lt only.');
  }
}

/** The formats this server answers in: JSON only. */
export function checkFormat(value: string | null): void {
  if (value === null) return;
  if (!['json', 'application/json', 'application/fhir+json'].includes(value)) throw new FhirSearchInvalidError('This server answers in JSON only (_format=json).');
}

/** Reads and checks a search's parameters for one resource type. */
export function parseSearch(type: FhirResourceType, params: Map<string, string[]>): FhirSearch {
  const allowed = new Set<string>([...COMMON, ...SEARCH_PARAMETERS[type]]);
  for (const [name, values] of params) {
    if (!allowed.has(name)) throw new FhirSearchInvalidError(`This server does not support that search parameter on ${type}.`);
    for (const value of values) checkText(name, value);
  }
  checkFormat(single(params, '_format'));
  const identifierRaw = single(params, 'identifier');
  const patientRaw = single(params, 'patient');
  const beneficiaryRaw = single(params, 'beneficiary');
  if (patientRaw !== null && beneficiaryRaw !== null) throw new FhirSearchInvalidError('Give patient or beneficiary, not both.');
  const reference = patientRaw ?? beneficiaryRaw;
  let updatedFrom: string | null = null;
  let updatedBefore: string | null = null;
  for (const raw of params.get('_lastUpdated') ?? []) {
    const bounds = lastUpdatedBounds(raw);
    if (bounds.from !== null && (updatedFrom === null || bounds.from > updatedFrom)) updatedFrom = bounds.from;
    if (bounds.before !== null && (updatedBefore === null || bounds.before < updatedBefore)) updatedBefore = bounds.before;
  }
  const countRaw = single(params, '_count');
  const offsetRaw = single(params, '_offset');
  return {
    identifier: identifierRaw === null ? null : parseToken('identifier', identifierRaw),
    personRef: reference === null ? null : parsePatientReference(patientRaw !== null ? 'patient' : 'beneficiary', reference),
    updatedFrom,
    updatedBefore,
    count: countRaw === null ? DEFAULT_COUNT : Math.min(integer('_count', countRaw, MAX_OFFSET), MAX_COUNT),
    offset: offsetRaw === null ? 0 : integer('_offset', offsetRaw, MAX_OFFSET),
  };
}
