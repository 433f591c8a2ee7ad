export interface SimCardStateTable {
  card_id: string;
  /** Consecutive wrong PINs; the card locks at 3. */
  failed_pin_attempts: number;
  locked: number;
  updated_at: string;
}
