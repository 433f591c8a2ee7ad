import type { InstitutionPublicDto } from '../../domain/registration/reception-api.ts';
import { asksPrescriptionForm } from '../../domain/registration/registration.ts';
import { asksConsultationDate } from '../../domain/shared/visit-type.ts';
import type { FlowState, FlowStep } from './flow-state.ts';

/**
 * The screens this patient walks (issue 16 §2). The consultation date, the prescription form and
 * the confirmation sit on the consent screen, as in the national service, so the list is the same
 * for every visit type: the step count shown on the first step still holds on the card step.
 */
export function journeySteps(flow: Pick<FlowState, 'showMenu' | 'visitTypePreset'>): FlowStep[] {
  const steps: FlowStep[] = flow.showMenu ? ['menu'] : [];
  // The menu asks the visit type itself; the separate choice is only for a link without either.
  if (!flow.showMenu && !flow.visitTypePreset) steps.push('visitType');
  steps.push('preparation', 'consent', 'handoff', 'done');
  return steps;
}

/** 「手順 n / total」: the menu and the done screen are not steps; the card step is the last one. */
export function stepCounter(steps: readonly FlowStep[], step: FlowStep): { current: number; total: number } | null {
  const counted: FlowStep[] = steps.filter((s) => s !== 'menu' && s !== 'done');
  const index = counted.indexOf(step);
  return index < 0 ? null : { current: index + 1, total: counted.length };
}

/** What the consent screen asks besides the choices, for this visit type, arrival and institution. */
export function consentScreenAsks(
  flow: Pick<FlowState, 'visitType' | 'arrival' | 'dateFromApp' | 'appSupportsElectronicPrescription'>,
  settings: InstitutionPublicDto['settings'],
): { date: boolean; prescription: boolean } {
  const visitType = flow.visitType;
  if (!visitType) return { date: false, prescription: false };
  return {
    // 002 ※3: the date is asked when the patient came by URL/QR; an app normally passes it.
    date: asksConsultationDate(visitType) && !(flow.arrival === 'app' && flow.dateFromApp),
    prescription: asksPrescriptionForm(visitType, flow.arrival, settings, flow.appSupportsElectronicPrescription),
  };
}
