import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import { requirePermission } from '../staff/session.ts';
import { lookUpReceipt } from './consent-receipt.service.ts';
import { staffTransaction } from './staff-action.ts';

/**
 * Issue 19 #4 (mounted at /api/staff/consent-receipts): staff check a receipt id a patient shows
 * them — which event, which consents — at their own institution only. The id is read as typed
 * (case, hyphens); anything that is not a receipt id here is "not found", and audited as such.
 */
export const consentReceiptRoutes = new Hono<AppEnv>().get('/:receiptId', requirePermission('consent.view'), async (c) => {
  const typed = c.req.param('receiptId');
  const now = c.var.now();
  const body = await staffTransaction(c, { action: 'consent.receipt_checked' }, (trx, audit) =>
    lookUpReceipt(trx, { institutionId: c.var.staff.institutionId, now, audit }, typed),
  );
  return c.json(body);
});
