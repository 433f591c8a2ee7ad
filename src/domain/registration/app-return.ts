import { isJstDate } from '../shared/jst.ts';

/**
 * R12 (002 l.3166–3177): the return to a telemedicine app carries the outcome, so the app can let
 * the patient confirm the reservation (which is what sends it to the clinic) or offer another try.
 * The parameters are appended to the app's own return address (its parameters are kept; ours
 * replace any of the same name):
 *
 * - `zaitaku_result` — `registered` (a consent is in force: registered or updated), `revoked`
 *   (the patient revoked every consent at the clinic: the reservation should be cancelled),
 *   `cancelled` (the patient left before finishing; nothing changed), `failed` (the card step
 *   failed and the patient gave up; nothing changed).
 * - `zaitaku_consultation_date` — `YYYY-MM-DD`, the consultation date the consent is valid through;
 *   only with `registered`.
 */
export const APP_RETURN_RESULTS = ['registered', 'revoked', 'cancelled', 'failed'] as const;
export type AppReturnResult = (typeof APP_RETURN_RESULTS)[number];

export const APP_RETURN_PARAMS = { result: 'zaitaku_result', consultationDate: 'zaitaku_consultation_date' } as const;

/** The query parameters to append, in order. A date is sent only with a registered consent. */
export function appReturnParams(result: AppReturnResult, consultationDate: string | null): [string, string][] {
  const params: [string, string][] = [[APP_RETURN_PARAMS.result, result]];
  if (result === 'registered' && consultationDate && isJstDate(consultationDate)) params.push([APP_RETURN_PARAMS.consultationDate, consultationDate]);
  return params;
}
