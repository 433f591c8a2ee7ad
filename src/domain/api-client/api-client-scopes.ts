/**
 * What an API client (a clinic's EHR or receipt computer, issue 19 #2) may read. An administrator
 * grants scopes per client; every FHIR or feed route names the one scope it needs.
 */
export const API_CLIENT_SCOPES = ['consent.read', 'coverage.read', 'patient.read', 'audit.read', 'feed.read'] as const;

export type ApiClientScope = (typeof API_CLIENT_SCOPES)[number];

export function isApiClientScope(value: unknown): value is ApiClientScope {
  return typeof value === 'string' && (API_CLIENT_SCOPES as readonly string[]).includes(value);
}
