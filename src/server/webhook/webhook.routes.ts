import { Hono } from 'hono';
import { isUuid } from '../../domain/shared/ids.ts';
import { webhookConfigSchema, type WebhookDeadLetterListResponse, type WebhookRetryResponse } from '../../domain/change-feed/webhook-api.ts';
import { staffAuditor } from '../consent/staff-action.ts';
import type { AppEnv } from '../http/app-env.ts';
import { readJson } from '../http/validate.ts';
import { requirePermission } from '../staff/session.ts';
import { publicAddressCheck } from './webhook-address.ts';
import { WebhookDeliveryNotFoundError } from './webhook-errors.ts';
import { checkEndpointUrl, deadLetters, retryDeadLetter, rotateWebhookSecret, saveWebhookEndpoint, webhookConfig } from './webhook.service.ts';

/**
 * Issue 19 #3 (mounted at /api/staff/webhooks), administrators only: the institution's webhook
 * endpoint and signing secret, the dead letters and their retry.
 */
export const webhookRoutes = new Hono<AppEnv>()
  .get('/', requirePermission('institution.manage'), async (c) => c.json(await webhookConfig(c.var.db, c.var.staff.institutionId)))
  .put('/', requirePermission('institution.manage'), async (c) => {
    const body = await readJson(c, webhookConfigSchema);
    const config = c.var.config;
    // The name is resolved before the transaction: no lock waits on DNS.
    const url = await checkEndpointUrl(body.url, { appMode: config.appMode, allowLocalHttp: config.webhookAllowLocalHttp, addressCheck: publicAddressCheck });
    const ctx = { institutionId: c.var.staff.institutionId, staffId: c.var.staff.id, now: c.var.now(), audit: staffAuditor(c), secrets: c.var.secrets };
    return c.json(await c.var.db.transaction().execute((trx) => saveWebhookEndpoint(trx, ctx, url)));
  })
  .post('/secret', requirePermission('institution.manage'), async (c) => {
    const ctx = { institutionId: c.var.staff.institutionId, staffId: c.var.staff.id, now: c.var.now(), audit: staffAuditor(c), secrets: c.var.secrets };
    return c.json(await c.var.db.transaction().execute((trx) => rotateWebhookSecret(trx, ctx)));
  })
  .get('/dead-letters', requirePermission('institution.manage'), async (c) => {
    const body: WebhookDeadLetterListResponse = { deadLetters: await deadLetters(c.var.db, c.var.staff.institutionId) };
    return c.json(body);
  })
  .post('/dead-letters/:id/retry', requirePermission('institution.manage'), async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) throw new WebhookDeliveryNotFoundError();
    const ctx = { institutionId: c.var.staff.institutionId, staffId: c.var.staff.id, now: c.var.now(), audit: staffAuditor(c) };
    await c.var.db.transaction().execute((trx) => retryDeadLetter(trx, ctx, id.toLowerCase()));
    const body: WebhookRetryResponse = { id: id.toLowerCase(), status: 'pending' };
    return c.json(body);
  });
