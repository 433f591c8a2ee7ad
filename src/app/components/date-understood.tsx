import { parseDateText, type DateTextProblem } from '../../domain/shared/date-text.ts';
import type { Translate } from '../i18n/i18n.tsx';
import { DateRead } from './typed-date.tsx';

/** Why a typed date was not read, as one sentence (D4); never repeats what was typed. */
export function dateProblemMessage(t: Translate, problem: DateTextProblem): string {
  return t(`dateText.problem.${problem}`);
}

/** Under a typed date in the staff console (issue 16 #1): how the text reads, by the one parser. */
export function DateUnderstood({ id, text }: { id: string; text: string }) {
  const parsed = parseDateText(text);
  return <DateRead id={id} date={parsed.ok ? parsed.date : null} />;
}
