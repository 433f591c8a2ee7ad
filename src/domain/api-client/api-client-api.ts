import { z } from '../shared/zod.ts';
import { API_CLIENT_SCOPES } from './api-client-scopes.ts';
import type { ApiClientScope } from './api-client-scopes.ts';

/**
 * Issue 19 #2: what the staff console and the API exchange about API clients (the clinic's EHR
 * or receipt computer). The secret is in the create response only; no other answer carries it.
 */

export const API_CLIENT_NAME_MAX = 100;

/** Body of POST /api/staff/api-clients. Scopes: at least one, each once. */
export const createApiClientSchema = z
  .object({
    name: z.string().trim().min(1).max(API_CLIENT_NAME_MAX),
    scopes: z
      .array(z.enum(API_CLIENT_SCOPES))
      .min(1)
      .max(API_CLIENT_SCOPES.length)
      .refine((s) => new Set(s).size === s.length, { message: 'Each scope at most once.' }),
  })
  .strict();

export type CreateApiClientRequest = z.infer<typeof createApiClientSchema>;

/** One client as lists show it: never the secret, never its hash. */
export interface ApiClientDto {
  id: string;
  name: string;
  scopes: ApiClientScope[];
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
}

export interface ApiClientListResponse {
  clients: ApiClientDto[];
}

/**
 * The create response: the bearer secret, shown this once and never again. The client without its
 * name: an answer never repeats what the request sent (the screen knows the name it typed).
 */
export interface CreatedApiClientResponse {
  client: Omit<ApiClientDto, 'name'>;
  secret: string;
}

export interface ApiClientResponse {
  client: ApiClientDto;
}
