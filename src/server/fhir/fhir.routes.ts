import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { ApiClientScope } from '../../domain/api-client/api-client-scopes.ts';
import { requireApiClient } from '../api-client/api-client-auth.ts';
import type { DbOrTx } from '../db/database.ts';
import type { AppEnv } from '../http/app-env.ts';
import { AppError, RetryLaterError, statusOf } from '../http/errors.ts';
import { log } from '../http/logger.ts';
import { capabilityStatement } from './capability-statement.ts';
import { FhirMethodNotAllowedError, FhirResourceNotFoundError, FhirSearchInvalidError } from './fhir-errors.ts';
import { checkFormat, parseSearch, type FhirResourceType } from './fhir-search.ts';
import { readAuditEvent, readConsent, readCoverage, readPatient, searchResources, type FhirContext } from './fhir.service.ts';

/**
 * The FHIR R4 read API for the clinic's systems (issue 19 #2), mounted at /fhir/r4:
 * `GET metadata` (no credential), `GET <Type>?…` (search, a Bundle of type searchset) and
 * `GET <Type>/<id>` (read) for Consent, Coverage, Patient and AuditEvent. Each type needs its API
 * client scope (requireApiClient, which also audits and rate-limits every call) and answers only
 * the client's own institution. Every answer is `application/fhir+json`; every refusal an
 * OperationOutcome.
 */

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

function fhirJson(c: Context<AppEnv>, body: Resource, status: ContentfulStatusCode = 200, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(body), status, { 'Content-Type': FHIR_JSON, ...headers });
}

function contextOf(c: Context<AppEnv>): FhirContext {
  return { institutionId: c.var.apiClient.institutionId, now: c.var.now(), base: `${c.var.config.publicUrl}/fhir/r4` };
}

function queryOf(c: Context<AppEnv>): URLSearchParams {
  return new URL(c.req.url).searchParams;
}

function paramsMap(query: URLSearchParams): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, value] of query) map.set(name, [...(map.get(name) ?? []), value]);
  return map;
}

/** A read takes no parameters but _format. */
function checkReadQuery(query: URLSearchParams): void {
  for (const name of query.keys()) if (name !== '_format') throw new FhirSearchInvalidError('A read takes no parameters.');
  const formats = query.getAll('_format');
  if (formats.length > 1) throw new FhirSearchInvalidError('The parameter _format may be given once.');
  checkFormat(formats[0] ?? null);
}

const SCOPES: Record<FhirResourceType, ApiClientScope> = {
  Consent: 'consent.read',
  Coverage: 'coverage.read',
  Patient: 'patient.read',
  AuditEvent: 'audit.read',
};

const READERS: Record<FhirResourceType, (trx: DbOrTx, ctx: FhirContext, id: string) => Promise<Resource>> = {
  Consent: readConsent,
  Coverage: readCoverage,
  Patient: readPatient,
  AuditEvent: readAuditEvent,
};

export const fhirRoutes = new Hono<AppEnv>();

// Patient data is never cached, errors included.
fhirRoutes.use(async (c, next) => {
  await next();
  c.res.headers.set('Cache-Control', 'no-store');
});

fhirRoutes.get('/metadata', (c) => {
  checkReadQuery(queryOf(c));
  return fhirJson(c, capabilityStatement(`${c.var.config.publicUrl}/fhir/r4`, c.var.now()));
});

for (const type of ['Consent', 'Coverage', 'Patient', 'AuditEvent'] as const) {
  fhirRoutes.get(`/${type}`, requireApiClient(SCOPES[type]), async (c) => {
    const query = queryOf(c);
    const search = parseSearch(type, paramsMap(query));
    const ctx = contextOf(c);
    const bundle = await c.var.db.transaction().execute((trx) => searchResources(trx, ctx, type, search, query));
    return fhirJson(c, bundle);
  });
  fhirRoutes.get(`/${type}/:id`, requireApiClient(SCOPES[type]), async (c) => {
    checkReadQuery(queryOf(c));
    const ctx = contextOf(c);
    const id = c.req.param('id');
    const resource = await c.var.db.transaction().execute((trx) => READERS[type](trx, ctx, id));
    return fhirJson(c, resource);
  });
}

// Anything else under /fhir/r4: another type, an operation, a write.
fhirRoutes.all('/*', (c) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') throw new FhirMethodNotAllowedError();
  throw new FhirResourceNotFoundError();
});

function issueCode(status: number): OperationOutcomeIssue['code'] {
  if (status === 400 || status === 422) return 'invalid';
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 405) return 'not-supported';
  if (status === 413) return 'too-costly';
  if (status === 429) return 'throttled';
  return status >= 500 ? 'exception' : 'processing';
}

/** The app's error code rides along as details.coding, under this system. */
export const ERROR_CODE_SYSTEM = 'https://zaitaku-uketsuke.example/fhir/CodeSystem/error-code';

function operationOutcome(status: number, code: string, message: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: status >= 500 ? 'fatal' : 'error', code: issueCode(status), details: { coding: [{ system: ERROR_CODE_SYSTEM, code }], text: message }, diagnostics: message }],
  };
}

fhirRoutes.onError((err, c) => {
  if (err instanceof AppError) {
    // A malformed search is a bad request (400) in FHIR, where the staff API's fields get 422.
    const status: ContentfulStatusCode = err instanceof FhirSearchInvalidError ? 400 : statusOf(err);
    const headers: Record<string, string> = {};
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
    if (err instanceof RetryLaterError) headers['Retry-After'] = String(err.retryAfterSeconds);
    return fhirJson(c, operationOutcome(status, err.code, err.message), status, headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status === 404 ? 404 : 400;
    return fhirJson(c, operationOutcome(status, status === 404 ? 'not_found' : 'validation_failed', 'The request could not be processed.'), status);
  }
  log('error', 'unhandled_error', { route: c.req.routePath, errorName: err.name });
  return fhirJson(c, operationOutcome(500, 'internal', 'Something went wrong on the server. Please try again.'), 500);
});
