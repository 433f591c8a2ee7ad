import type { SimCardDto, SimCardListResponse } from '../../domain/registration/card-simulator.ts';
import type { HandoffResponse } from '../../domain/registration/handoff.ts';
import { api } from '../api-client.ts';

// The card-app simulator page (R2, F7): the simulated cards live in the simulator's own process
// (`/sim/api`); the signed answer goes to the reception's callback. Shapes from
// domain/registration/card-simulator.ts and handoff.ts.

export const listCards = () => api<SimCardListResponse>('/cards', { base: '/sim/api' });

/** Holding the card to the device, before any PIN: a face-authentication-only card is refused here (R2). */
export const readCard = (cardId: string) => api<SimCardDto>(`/cards/${encodeURIComponent(cardId)}`, { base: '/sim/api' });

/** The card signs the challenge after its PIN; a wrong PIN answers with the attempts left. */
export const signWithCard = (cardId: string, request: { pin: string; challengeId: string; nonce: string }) =>
  api<HandoffResponse>(`/cards/${encodeURIComponent(cardId)}/sign`, { base: '/sim/api', method: 'POST', body: request });

/** Posts the card's answer (signature and certificate, never the PIN) to the reception's callback, an `/api/…` path. */
export const deliverCardAnswer = (callback: string, answer: HandoffResponse) => api<unknown>(callback.replace(/^\/api/, ''), { method: 'POST', body: answer });
