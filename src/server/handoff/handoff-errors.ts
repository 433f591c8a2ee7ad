import type { HandoffRejection } from '../../domain/registration/handoff.ts';
import { AppError } from '../http/errors.ts';

/**
 * Fixed, patient-readable English sentences; the app shows its own translation per code. The
 * statuses are in http/errors.ts with every other code's.
 */
const MESSAGES: Record<HandoffRejection, string> = {
  challenge_unknown: 'This card request is not known. Please start again from the clinic link.',
  challenge_replayed: 'This card confirmation was already used. Please start again.',
  challenge_expired: 'The card request expired (5 minutes). Please try the card step again.',
  signature_invalid: 'The card answer could not be verified. Please try the card step again.',
  certificate_malformed: 'The card certificate could not be read. Please try again.',
  certificate_untrusted: 'The card certificate was not issued by a trusted authority.',
  certificate_expired: "The card's electronic certificate has expired. It can be renewed at the municipal office.",
  certificate_revoked: "The card's electronic certificate has been revoked. Please ask the municipal office.",
  revocation_unavailable:
    "The card's certificate cannot be checked for revocation right now. Please tell the reception staff, who will follow the outage procedure.",
  card_not_registered: 'This card is not registered for use as a health-insurance card. Register it on Mynaportal first.',
  consultation_date_passed: 'The consultation date has passed. Please start again with the new date.',
  card_holder_mismatch: 'This card does not belong to the person whose consent is being changed.',
  consent_not_active: 'This consent has ended or was revoked, so it can no longer be changed.',
  challenge_answers_limited: 'Too many card answers could not be verified for this request. Please confirm with your own card, or start the card step again.',
};

export class HandoffRejectedError extends AppError {
  constructor(rejection: HandoffRejection) {
    super(rejection, MESSAGES[rejection]);
  }
}
