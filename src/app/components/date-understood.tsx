import { parseDateText, type DateTextProblem } from '../../domain/shared/date-text.ts';
import type { Translate } from '../i18n/i18n.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { formatDate } from '../reception/format.ts';

/** Why a typed date was not read, as one sentence (D4); never repeats what was typed. */
export function dateProblemMessage(t: Translate, problem: DateTextProblem): string {
  return t(`dateText.problem.${problem}`);
}

/**
 * Under a typed date (和暦 or 西暦, issue 16 #1): what was understood, 「昭和18年10月22日（1943年）
 * として受け付けます」, so a slip (S18 for H18) is seen before it is sent. Nothing while the text
 * is not a date yet; the field's own error says why on submit.
 */
export function DateUnderstood({ id, text }: { id: string; text: string }) {
  const { t, lang } = useI18n();
  const parsed = parseDateText(text);
  return (
    <p class="date-understood" id={id} aria-live="polite" data-testid="date-understood">
      {parsed.ok ? t('dateText.understood', { date: formatDate(parsed.date, lang) }) : ''}
    </p>
  );
}
