/**
 * The contract of the embedded card-app simulator (the stand-in for the IC chip and the JPKI card
 * app, DOMAIN §10). Shared by the simulator page and the server that simulates the card.
 */

/** Every demo card shares this PIN; the simulator page shows it as a hint. Never a real PIN. */
export const DEMO_PIN = '1234';

/** Consecutive wrong PINs after which a card locks (用語: 暗証番号 — 3 failures lock the card). */
export const PIN_ATTEMPTS_BEFORE_LOCK = 3;

export const DEMO_CARD_KINDS = ['normal', 'expiredCertificate', 'faceAuthOnly', 'notRegistered', 'revoked'] as const;
export type DemoCardKind = (typeof DEMO_CARD_KINDS)[number];

/** One card as the simulator page lists it: never the PIN, never the card holder. */
export interface SimCardDto {
  id: string;
  label: { ja: string; en: string };
  kind: DemoCardKind;
  locked: boolean;
  /** Null for a face-auth-only card, which has no PIN. */
  attemptsRemaining: number | null;
}

export interface SimCardListResponse {
  cards: SimCardDto[];
}
