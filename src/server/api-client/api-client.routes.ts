import { Hono } from 'hono';
import { createApiClientSchema, type ApiClientListResponse, type ApiClientResponse } from '../../domain/api-client/api-client-api.ts';
import { isUuid } from '../../domain/shared/ids.ts';
import { staffAuditor } from '../consent/staff-action.ts';
import type { AppEnv } from '../http/app-env.ts';
import { readJson } from '../http/validate.ts';
import { requirePermission } from '../staff/session.ts';
import { ApiClientNotFoundError } from './api-client-errors.ts';
import { createApiClient, listApiClientsOf, revokeApiClient } from './api-client.service.ts';

/**
 * Issue 19 #2 (mounted at /api/staff/api-clients, administrators only): the credentials of the
 * clinic's own systems. Creating one answers its secret once; the list never carries it.
 * Another institution's client is not found, exactly like an unknown one.
 */
export const apiClientRoutes = new Hono<AppEnv>()
  .get('/', requirePermission('apiClient.manage'), async (c) => {
    const body: ApiClientListResponse = { clients: await listApiClientsOf(c.var.db, c.var.staff.institutionId) };
    return c.json(body);
  })
  .post('/', requirePermission('apiClient.manage'), async (c) => {
    const request = await readJson(c, createApiClientSchema);
    const staff = c.var.staff;
    const audit = staffAuditor(c);
    const now = c.var.now();
    const body = await c.var.db.transaction().execute((trx) => createApiClient(trx, { institutionId: staff.institutionId, staffId: staff.id, request, now }, audit));
    return c.json(body, 201);
  })
  .post('/:clientId/revoke', requirePermission('apiClient.manage'), async (c) => {
    const clientId = c.req.param('clientId');
    if (!isUuid(clientId)) throw new ApiClientNotFoundError();
    const staff = c.var.staff;
    const audit = staffAuditor(c);
    const now = c.var.now();
    const client = await c.var.db
      .transaction()
      .execute((trx) => revokeApiClient(trx, { institutionId: staff.institutionId, staffId: staff.id, clientId: clientId.toLowerCase(), now }, audit));
    const body: ApiClientResponse = { client };
    return c.json(body);
  });
