import type { ApiClientScope } from '../../domain/api-client/api-client-scopes.ts';

/**
 * The API client a request was authenticated as (`c.var.apiClient`, set by `requireApiClient`
 * in api-client-auth.ts). A leaf module: app-env.ts imports its type.
 */
export interface SignedInApiClient {
  id: string;
  institutionId: string;
  scopes: readonly ApiClientScope[];
}
