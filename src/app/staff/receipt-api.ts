import type { ReceiptLookupResponse } from '../../domain/consent/consent-receipt.ts';
import { api } from '../api-client.ts';
import { deviceId } from '../device-id.ts';

/** Issue 19 #4: checks a receipt id a patient shows (this institution's receipts only; audited). */
export const lookUpReceipt = (receiptId: string) =>
  api<ReceiptLookupResponse>(`/staff/consent-receipts/${encodeURIComponent(receiptId)}`, { headers: { 'x-device-id': deviceId() } });
