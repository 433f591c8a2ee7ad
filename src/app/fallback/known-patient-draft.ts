import type { FallbackCause } from '../../domain/fallback/fallback-guide.ts';
import type { KnownPatient } from '../../domain/fallback/known-patient.ts';
import { saveDraft } from '../storage/drafts.ts';
import { formStateOf, newFormState } from './form-state.ts';
import { newWalk, saveWalk } from './walk-state.ts';

/**
 * E2: the reception's result screen opens the guide and the declaration form for the patient it
 * has just checked. This starts both: a new declaration draft with what is known of the patient
 * (encrypted like every draft; the declaration's own fields only, never a My Number, P1) and the
 * guide's walk at the cause of the result. The draft is the newest of the link, so the form and
 * the guide's 「申立書に記入する」 open it; an older draft is kept, not overwritten.
 * Resolves to the new draft's id.
 */
export async function startFallbackForPatient(linkToken: string, cause: FallbackCause, known: KnownPatient): Promise<string> {
  // The blank form (new id, today's date), with the known fields written over it as the form shows them.
  const form = formStateOf({ ...newFormState(linkToken), ...known });
  await saveDraft({ id: form.id, linkToken, form: { ...form }, guide: null, updatedAt: Date.now(), prefilledOnly: true });
  saveWalk(linkToken, { ...newWalk(), cause, trail: [0] });
  return form.id;
}
