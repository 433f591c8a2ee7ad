import type { Selectable } from 'kysely';
import type { ReceiptEvent } from '../../domain/consent/consent-receipt.ts';

/** Issue 19 #4: a receipt issued to the patient for a card-confirmed consent event. */
export interface ConsentReceiptTable {
  /** The receipt id the patient keeps, `CR-XXXXX-XXXXX-XXXXX-XXXXX` (100 random bits). */
  id: string;
  institution_id: string;
  person_ref: string;
  event: ReceiptEvent;
  /** The card request (registration row) that confirmed the event; one receipt each. */
  card_request_id: string;
  /** The consents the event concerned, comma-separated. */
  consent_ids: string;
  /** The ConsentReceipt as issued. */
  content_json: string;
  issued_at: string;
}

export type ConsentReceiptRow = Selectable<ConsentReceiptTable>;
