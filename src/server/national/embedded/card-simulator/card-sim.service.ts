import crypto from 'node:crypto';
import { PIN_ATTEMPTS_BEFORE_LOCK, type SimCardDto } from '../../../../domain/registration/card-simulator.ts';
import { HANDOFF_PROTOCOL, handoffSigningInput, type HandoffResponse } from '../../../../domain/registration/handoff.ts';
import type { DbOrTx } from '../../../db/database.ts';
import type { TestCaMaterial } from '../test-ca.ts';
import { clearWrongPins, deleteCardStates, getCardState, listCardStates, recordWrongPin, type SimCardState } from './card-sim.repository.ts';
import { DEMO_CARDS, DEMO_PIN, findDemoCard, type DemoCard } from './demo-cards.ts';
import { CardLockedError, CardUnknownError, FaceAuthOnlyError, PinIncorrectError } from './card-sim-errors.ts';

/**
 * The simulated card: the IC chip and the card app's backend in one (DOMAIN §10). It checks the
 * PIN like the chip does (3 consecutive wrong PINs lock it), then signs the challenge with the
 * private key of the card's user certificate. The PIN stays here (P2): it is never stored,
 * logged or echoed.
 */

function attemptsRemaining(state: SimCardState): number {
  return state.locked ? 0 : Math.max(0, PIN_ATTEMPTS_BEFORE_LOCK - state.failedPinAttempts);
}

/** Hashing first gives equal lengths, so the comparison time says nothing about the PIN. */
function pinMatches(pin: string): boolean {
  const digest = (value: string) => crypto.createHash('sha256').update(value, 'utf8').digest();
  return crypto.timingSafeEqual(digest(pin), digest(DEMO_PIN));
}

function toDto(card: DemoCard, state: SimCardState): SimCardDto {
  const hasPin = card.kind !== 'faceAuthOnly';
  return {
    id: card.id,
    label: card.label,
    kind: card.kind,
    locked: hasPin && state.locked,
    attemptsRemaining: hasPin ? attemptsRemaining(state) : null,
  };
}

export async function listSimCards(db: DbOrTx): Promise<SimCardDto[]> {
  const states = await listCardStates(db);
  return DEMO_CARDS.map((card) => toDto(card, states.get(card.id) ?? { failedPinAttempts: 0, locked: false }));
}

/**
 * The card held to the device, before any PIN (R2): the card app reads it first, and a
 * face-authentication-only card — which has no PIN — is refused here, so no PIN pad is ever shown
 * for it. Other cards answer with what the PIN pad needs; a locked card is still refused only
 * after its PIN, as the real chip does.
 */
export async function readSimCard(db: DbOrTx, cardId: string): Promise<SimCardDto> {
  const card = findDemoCard(cardId);
  if (!card) throw new CardUnknownError();
  if (card.kind === 'faceAuthOnly') throw new FaceAuthOnlyError();
  return toDto(card, await getCardState(db, card.id));
}

export async function signChallenge(
  db: DbOrTx,
  material: Pick<TestCaMaterial, 'cards'>,
  input: { cardId: string; pin: string; challengeId: string; nonce: string; now: Date },
): Promise<HandoffResponse> {
  const card = findDemoCard(input.cardId);
  const keys = card ? material.cards.get(card.id) : undefined;
  if (!card || !keys) throw new CardUnknownError();
  // R2: no PIN on the card, so nothing to count (the page never asks for one: readSimCard refuses it first).
  if (card.kind === 'faceAuthOnly') throw new FaceAuthOnlyError();
  // F7: a locked card refuses even the right PIN.
  if ((await getCardState(db, card.id)).locked) throw new CardLockedError();

  const now = input.now.toISOString();
  if (!pinMatches(input.pin)) {
    const state = await recordWrongPin(db, card.id, PIN_ATTEMPTS_BEFORE_LOCK, now);
    throw new PinIncorrectError(attemptsRemaining(state));
  }
  if (!(await clearWrongPins(db, card.id, now))) throw new CardLockedError();

  const challenge = { challengeId: input.challengeId, nonce: input.nonce };
  const signature = crypto.sign('sha256', Buffer.from(handoffSigningInput(challenge), 'utf8'), keys.privateKey);
  return {
    protocol: HANDOFF_PROTOCOL,
    challengeId: input.challengeId,
    nonce: input.nonce,
    signature: signature.toString('base64url'),
    certificate: keys.certDer.toString('base64'),
  };
}

/** The municipal office unlocks a card (F7), or every card. Returns how many cards had a count or a lock. */
export async function resetCard(db: DbOrTx, cardId: string | 'all'): Promise<number> {
  if (cardId !== 'all' && !findDemoCard(cardId)) throw new CardUnknownError();
  return deleteCardStates(db, cardId);
}
