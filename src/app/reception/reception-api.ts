import type { NewChallengeResponse, RegistrationOutcomeDto, StartRegistrationResponse } from '../../domain/registration/reception-api.ts';
import type { CardRequest, RegistrationRequest } from '../../domain/registration/registration-schema.ts';
import { api } from '../api-client.ts';
import { deviceId } from '../device-id.ts';

// The patient's reception (R1–R7, U1, X3): start a registration or a card request, follow the
// card handoff, read the outcome. Shapes from domain/registration/reception-api.ts; the request
// bodies are the ones registration-schema.ts checks on the server (only their types are used
// here, so the patient's screens do not load zod). The clinic's details: early-institution.ts.

/** What the reception keeps of a started request: its id and the token that reads it. */
interface RequestAccess {
  id: string;
  accessToken: string;
}

const bearer = (request: RequestAccess) => ({ authorization: `Bearer ${request.accessToken}` });

/**
 * Starts a registration. The device id lets the clinic see and revoke this device (P4); an
 * enrolled tablet signs the request (issue 12 #15).
 */
export const startRegistration = (request: RegistrationRequest) =>
  api<StartRegistrationResponse>('/public/registrations', { method: 'POST', headers: { 'x-device-id': deviceId() }, signed: true, body: request });

/** U1 and X3: a card authentication to see, change or revoke one's consents. */
export const startCardRequest = (request: CardRequest) =>
  api<StartRegistrationResponse>('/public/card-requests', { method: 'POST', headers: { 'x-device-id': deviceId() }, signed: true, body: request });

/** Where the request stands: the handoff, then the registered consents and eligibility. */
export const registrationOutcome = (request: RequestAccess) =>
  api<RegistrationOutcomeDto>(`/public/registrations/${request.id}`, { headers: bearer(request) });

/** A new card challenge after the last one expired or failed, on this device or another. */
export const newChallenge = (request: RequestAccess, sameDevice: boolean) =>
  api<NewChallengeResponse>(`/public/registrations/${request.id}/challenge`, { method: 'POST', body: { sameDevice }, headers: bearer(request) });
