import { useState } from 'preact/hooks';
import type { GuideOutcome, GuideStepId } from '../../domain/fallback/fallback-guide.ts';
import { GUIDE_RECORD_KANA_MAX, GUIDE_RECORD_MESSAGES, GUIDE_RECORD_NOTE_MAX, guideRecordSchema } from '../../domain/fallback/guide-record.ts';
import { jstDate } from '../../domain/shared/jst.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';
import { enqueueGuideRecord } from '../storage/outbox.ts';
import { randomId } from '../random-id.ts';

const FIELD_MESSAGES: Partial<Record<string, MessageKey>> = {
  [GUIDE_RECORD_MESSAGES.kana]: 'gr.error.kana',
  [GUIDE_RECORD_MESSAGES.tooLong]: 'gr.error.tooLong',
  [GUIDE_RECORD_MESSAGES.myNumber]: 'gr.error.myNumber',
};

/**
 * Issue 5 §2: the end of a walk without the declaration form. The outcome, the steps walked and
 * the visit date (plus an optional kana name and chart note) go into the encrypted outbox and on
 * to the staff inbox. The kana and note stay in memory only until saved: the walk's own state is
 * kept in clear and must never name the patient.
 */
export function GuideRecordPanel({
  token,
  steps,
  outcome,
  onSaved,
}: {
  token: string;
  /** The guide steps walked, the one that settled it last (walkedSteps). */
  steps: readonly GuideStepId[];
  outcome: GuideOutcome | null;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [patientKana, setPatientKana] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<{ patientKana?: MessageKey; note?: MessageKey; other?: MessageKey }>({});
  const [busy, setBusy] = useState(false);

  const save = async () => {
    if (!outcome || busy) return;
    const parsed = guideRecordSchema.safeParse({
      id: randomId(),
      linkToken: token,
      visitDate: jstDate(new Date()),
      steps: [...steps],
      outcome,
      patientKana,
      note,
    });
    if (!parsed.success) {
      const next: typeof errors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        const key = FIELD_MESSAGES[issue.message] ?? 'gr.error.record';
        if (field === 'patientKana' || field === 'note') next[field] ??= key;
        else next.other ??= key;
      }
      setErrors(next);
      document.querySelector<HTMLElement>('.gr-panel [aria-invalid="true"]')?.focus();
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await enqueueGuideRecord(parsed.data);
      onSaved();
    } catch {
      setErrors({ other: 'gr.error.storage' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="gr-panel">
      <h3>{t('gr.title')}</h3>
      <p class="hint">{t('gr.lead')}</p>
      <div class="field">
        <label for="gr-kana">{t('gr.kana')}</label>
        <input
          id="gr-kana"
          type="text"
          autocomplete="off"
          maxLength={GUIDE_RECORD_KANA_MAX}
          value={patientKana}
          aria-invalid={errors.patientKana ? 'true' : undefined}
          aria-describedby={errors.patientKana ? 'gr-kana-error' : undefined}
          onInput={(e) => {
            setPatientKana(e.currentTarget.value);
            setErrors(({ patientKana: _, ...rest }) => rest);
          }}
        />
        {errors.patientKana && (
          <p class="field-error" id="gr-kana-error">
            {t(errors.patientKana)}
          </p>
        )}
      </div>
      <div class="field">
        <label for="gr-note">{t('gr.note')}</label>
        <textarea
          id="gr-note"
          rows={2}
          maxLength={GUIDE_RECORD_NOTE_MAX}
          value={note}
          aria-invalid={errors.note ? 'true' : undefined}
          aria-describedby={errors.note ? 'gr-note-error gr-note-hint' : 'gr-note-hint'}
          onInput={(e) => {
            setNote(e.currentTarget.value);
            setErrors(({ note: _, ...rest }) => rest);
          }}
        />
        <p class="field-hint hint" id="gr-note-hint">
          {t('gr.noteHint')}
        </p>
        {errors.note && (
          <p class="field-error" id="gr-note-error">
            {t(errors.note)}
          </p>
        )}
      </div>
      {errors.other && (
        <p class="message error" role="alert">
          {t(errors.other)}
        </p>
      )}
      <button type="button" class="button primary wide" disabled={busy || !outcome} onClick={() => void save()}>
        {t('gr.save')}
      </button>
    </div>
  );
}
