/**
 * E2: a `lost`, `lostWithNew` or `notFound` result is not a confirmed qualification: the result
 * screen warns and leads straight to the decision guide, at the cause this status names.
 * (What the record says of the patient goes into the declaration draft: known-patient.ts.)
 */
import type { EligibilityStatus, NextStep } from '../registration/eligibility.ts';
import type { FallbackCause } from './fallback-guide.ts';

/** The statuses whose result is not a confirmed qualification and so opens the fallback (E2). */
export type UnconfirmedStatus = Extract<EligibilityStatus, 'lost' | 'lostWithNew' | 'notFound'>;

const CAUSE_OF_STATUS: Record<UnconfirmedStatus, FallbackCause> = {
  lost: 'resultLost',
  lostWithNew: 'resultLostWithNew',
  notFound: 'resultNotFound',
};

/** The status when the result confirmed no qualification; null for valid and validUnregistered (有効). */
export function unconfirmedStatus(status: EligibilityStatus): UnconfirmedStatus | null {
  switch (status) {
    case 'lost':
    case 'lostWithNew':
    case 'notFound':
      return status;
    case 'valid':
    case 'validUnregistered':
      return null;
    default: {
      const unexpected: never = status;
      throw new RangeError(`unknown status ${String(unexpected)}`);
    }
  }
}

/**
 * E2's steps after a check with the card itself, as at the reception: nothing was typed, so
 * "check the typed numbers" does not apply. 001 l.81: after a card check 該当資格なし comes from an
 * insurer's late registration; input errors are a cause only when 資格確認書 numbers were typed.
 */
export function stepsAfterCardCheck(steps: readonly NextStep[]): NextStep[] {
  return steps.filter((step) => step !== 'checkInputErrors');
}

/** The decision guide's cause for such a result. */
export function fallbackCauseOf(status: UnconfirmedStatus): FallbackCause {
  return CAUSE_OF_STATUS[status];
}
