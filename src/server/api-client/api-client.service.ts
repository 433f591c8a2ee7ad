import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { isApiClientScope, type ApiClientScope } from '../../domain/api-client/api-client-scopes.ts';
import type { ApiClientDto, CreatedApiClientResponse, CreateApiClientRequest } from '../../domain/api-client/api-client-api.ts';
import type { AuditOutcome } from '../../domain/staff/audit-events.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { DbOrTx } from '../db/database.ts';
import type { StaffAuditor } from '../consent/staff-action.ts';
import { ApiClientNotFoundError } from './api-client-errors.ts';
import { findApiClient, insertApiClient, institutionIsActive, listApiClients, markApiClientRevoked, touchApiClient } from './api-client.repository.ts';
import type { ApiClientRow } from './api-client.table.ts';
import type { SignedInApiClient } from './signed-in-api-client.ts';

/**
 * Issue 19 #2: credentials for the clinic's own systems. A token is `zuk_<client id>_<secret>`:
 * the id finds the row, the secret (256 random bits) is checked against the stored SHA-256 of
 * the whole token in constant time. The token is shown once, at creation, and never stored.
 */

const TOKEN_PREFIX = 'zuk_';
const TOKEN = /^zuk_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function hashApiClientToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A bearer token the caller presented, split; null when it cannot be one of ours. */
export interface PresentedToken {
  clientId: string;
  token: string;
}

/** Reads `Authorization: Bearer <token>`; anything else is null (never echoed). */
export function parseBearerToken(header: string | undefined): PresentedToken | null {
  if (!header || header.length > 200) return null;
  const match = /^Bearer +(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  if (!token?.startsWith(TOKEN_PREFIX)) return null;
  const parts = TOKEN.exec(token);
  return parts ? { clientId: parts[1]!, token } : null;
}

function scopesOf(row: ApiClientRow): ApiClientScope[] {
  try {
    const parsed: unknown = JSON.parse(row.scopes);
    return Array.isArray(parsed) ? parsed.filter(isApiClientScope) : [];
  } catch {
    return [];
  }
}

export function toApiClientDto(row: ApiClientRow): ApiClientDto {
  return {
    id: row.id,
    name: row.name,
    scopes: scopesOf(row),
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    lastUsedAt: row.last_used_at,
  };
}

/** What a presented token turned out to be. Only `ok` may be served; the others are refused alike. */
export type ApiClientAuthentication =
  | { kind: 'ok'; client: SignedInApiClient }
  /** No such client: nothing to attribute the request to. */
  | { kind: 'unknown' }
  /** A real client id with the wrong secret, a revoked client, or a suspended institution. */
  | { kind: 'wrongSecret' | 'revoked' | 'inactive'; clientId: string; institutionId: string };

/** A hash to compare against when the id names no client, so an unknown id costs the same work. */
const NO_CLIENT_HASH = hashApiClientToken(`${TOKEN_PREFIX}none_${randomBytes(32).toString('base64url')}`);

export async function authenticateApiClient(db: DbOrTx, presented: PresentedToken): Promise<ApiClientAuthentication> {
  const row = await findApiClient(db, presented.clientId);
  const expected = Buffer.from(row?.secret_hash ?? NO_CLIENT_HASH, 'hex');
  const actual = Buffer.from(hashApiClientToken(presented.token), 'hex');
  const matches = expected.length === actual.length && timingSafeEqual(expected, actual);
  if (!row) return { kind: 'unknown' };
  const who = { clientId: row.id, institutionId: row.institution_id };
  if (!matches) return { kind: 'wrongSecret', ...who };
  if (row.revoked_at !== null) return { kind: 'revoked', ...who };
  // Issue 12 #9: a suspended institution's systems are refused, as its staff are.
  if (!(await institutionIsActive(db, row.institution_id))) return { kind: 'inactive', ...who };
  return { kind: 'ok', client: { id: row.id, institutionId: row.institution_id, scopes: scopesOf(row) } };
}

/** One request of an API client, as its audit event records it: no patient data, no secret. */
export interface ApiClientCall {
  clientId: string;
  institutionId: string;
  method: string;
  /** The route's pattern (`/fhir/r4/Consent/:id`), never the path with its ids. */
  route: string;
  status: number;
  outcome: AuditOutcome;
  /** Why a credential was refused (`wrong_secret`, `revoked`, …): a fixed code. */
  reason?: string;
}

/** The audit outcome of an answered request, by its status. */
export function outcomeOfStatus(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  if (status === 404) return 'notFound';
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'refused';
  if (status >= 500) return 'error';
  return 'invalid';
}

/**
 * Appends the call's audit event (actor: the API client) and, for a call that was served, moves
 * the client's last use. Its own transaction: the route's work (reads) has committed or failed.
 */
export async function recordApiClientCall(trx: DbOrTx, call: ApiClientCall, now: Date, served: boolean): Promise<void> {
  if (served) await touchApiClient(trx, call.clientId, now.toISOString());
  await appendAudit(
    trx,
    {
      institutionId: call.institutionId,
      actorType: 'api_client',
      actorId: call.clientId,
      action: 'apiClient.request',
      subjectId: call.clientId,
      outcome: call.outcome,
      detail: [call.method, call.route, String(call.status), call.reason].filter(Boolean).join(' ').slice(0, 200),
    },
    now,
  );
}

/** Creates a client; the answer holds the token, which is not kept anywhere. */
export async function createApiClient(
  trx: DbOrTx,
  input: { institutionId: string; staffId: string; request: CreateApiClientRequest; now: Date },
  audit: StaffAuditor,
): Promise<CreatedApiClientResponse> {
  const id = randomUUID();
  const secret = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  const scopes = [...input.request.scopes];
  const row: ApiClientRow = {
    id,
    institution_id: input.institutionId,
    name: input.request.name,
    scopes: JSON.stringify(scopes),
    secret_hash: hashApiClientToken(secret),
    created_at: input.now.toISOString(),
    created_by: input.staffId,
    revoked_at: null,
    revoked_by: null,
    last_used_at: null,
  };
  await insertApiClient(trx, row);
  await audit(trx, { action: 'apiClient.created', subjectId: id, outcome: 'ok', detail: scopes.join(' ') }, input.now);
  const { name: _sent, ...client } = toApiClientDto(row);
  return { client, secret };
}

export async function listApiClientsOf(db: DbOrTx, institutionId: string): Promise<ApiClientDto[]> {
  return (await listApiClients(db, institutionId)).map(toApiClientDto);
}

/**
 * Revokes a client of the institution at once: its next request is refused. Revoking twice is
 * no error (the first time stands). Another institution's client is not found, like an unknown one.
 */
export async function revokeApiClient(
  trx: DbOrTx,
  input: { institutionId: string; staffId: string; clientId: string; now: Date },
  audit: StaffAuditor,
): Promise<ApiClientDto> {
  const existing = await findApiClient(trx, input.clientId);
  if (existing?.institution_id !== input.institutionId) throw new ApiClientNotFoundError();
  if ((await markApiClientRevoked(trx, input.institutionId, input.clientId, input.now.toISOString(), input.staffId)) > 0) {
    await audit(trx, { action: 'apiClient.revoked', subjectId: input.clientId, outcome: 'ok' }, input.now);
  }
  const row = await findApiClient(trx, input.clientId);
  if (!row) throw new ApiClientNotFoundError();
  return toApiClientDto(row);
}
