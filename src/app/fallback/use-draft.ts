import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { GuideOutcome } from '../../domain/fallback/fallback-guide.ts';
import { loadDraft, saveDraft } from '../storage/drafts.ts';
import { formStateFrom, hasContent, newFormState, type FormState } from './form-state.ts';

/** Autosave waits this long after the last keystroke (and flushes at once when the page is hidden). */
const SAVE_DELAY_MS = 300;

export type DraftStatus = 'loading' | 'ready';

/**
 * Whether the latest change has reached IndexedDB, as `data-draft-save` on <html>: "pending"
 * from a change until its write resolves, then "saved" (or "failed"). Browser tests wait on it
 * instead of sleeping past the debounce.
 */
function markDraftSave(state: 'pending' | 'saved' | 'failed' | null): void {
  if (state) document.documentElement.dataset['draftSave'] = state;
  else delete document.documentElement.dataset['draftSave'];
}
export type SaveStatus = { kind: 'idle' } | { kind: 'saved'; at: number } | { kind: 'failed' };

/**
 * Records the guide's outcome in this link's draft (creating a blank one if there is none), so it
 * is submitted with the declaration. Resolves to the draft's form id.
 */
export async function recordOutcomeInDraft(linkToken: string, outcome: (formId: string) => GuideOutcome): Promise<string> {
  const existing = await loadDraft(linkToken);
  const form = existing ? formStateFrom(existing.form, linkToken) : newFormState(linkToken);
  // The guide's outcome is not an edit of the form: a draft only pre-filled (E2) stays marked so.
  const prefilled = existing?.prefilledOnly ? { prefilledOnly: true as const } : {};
  await saveDraft({ id: form.id, linkToken, form: { ...form }, guide: outcome(form.id), updatedAt: Date.now(), ...prefilled });
  return form.id;
}

/**
 * The declaration draft of this link: restored from the device when the screen opens, saved on
 * every change (debounced) and at once when the page is hidden or closed, so nothing typed is lost
 * when the app is closed or the tablet sleeps.
 */
export function useDeclarationDraft(linkToken: string) {
  const [status, setStatus] = useState<DraftStatus>('loading');
  const [form, setFormState] = useState<FormState>(() => newFormState(linkToken));
  const [guide, setGuideState] = useState<GuideOutcome | null>(null);
  const [restored, setRestored] = useState(false);
  const [saveStatus, setSaveStatus] = useState<SaveStatus>({ kind: 'idle' });
  const latest = useRef({ form, guide });
  const dirty = useRef(false);
  const closed = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (!dirty.current || closed.current) return;
    dirty.current = false;
    const { form: current, guide: currentGuide } = latest.current;
    try {
      await saveDraft({ id: current.id, linkToken, form: { ...current }, guide: currentGuide, updatedAt: Date.now() });
      setSaveStatus({ kind: 'saved', at: Date.now() });
      // A change made while writing keeps it "pending" until its own write.
      if (!dirty.current) markDraftSave('saved');
    } catch {
      dirty.current = true;
      setSaveStatus({ kind: 'failed' });
      markDraftSave('failed');
    }
  }, [linkToken]);

  const schedule = useCallback(() => {
    dirty.current = true;
    markDraftSave('pending');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), SAVE_DELAY_MS);
  }, [flush]);

  useEffect(() => {
    let cancelled = false;
    loadDraft(linkToken).then(
      (draft) => {
        if (cancelled) return;
        if (draft) {
          const restoredForm = formStateFrom(draft.form, linkToken);
          latest.current = { form: restoredForm, guide: draft.guide };
          setFormState(restoredForm);
          setGuideState(draft.guide);
          // A draft the result screen filled in (E2) is new to the nurse, not restored work.
          setRestored(!draft.prefilledOnly && hasContent(restoredForm));
        }
        setStatus('ready');
      },
      () => {
        // IndexedDB unavailable (private mode, storage cleared): the form still works on this page.
        if (cancelled) return;
        setSaveStatus({ kind: 'failed' });
        setStatus('ready');
      },
    );
    return () => {
      cancelled = true;
    };
  }, [linkToken]);

  useEffect(() => {
    const onHidden = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    const onPageHide = () => void flush();
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('pagehide', onPageHide);
      void flush();
    };
  }, [flush]);

  const setForm = useCallback(
    (update: (current: FormState) => FormState) => {
      const next = update(latest.current.form);
      latest.current = { ...latest.current, form: next };
      setFormState(next);
      schedule();
    },
    [schedule],
  );

  const setGuide = useCallback(
    (next: GuideOutcome | null) => {
      latest.current = { ...latest.current, guide: next };
      setGuideState(next);
      schedule();
    },
    [schedule],
  );

  /** After 送信: the outbox owns the form now; no late autosave may bring it back as a draft. */
  const close = useCallback(() => {
    closed.current = true;
    dirty.current = false;
    if (timer.current) clearTimeout(timer.current);
    markDraftSave(null);
  }, []);

  /** 送信 failed before the outbox took the form: keep autosaving it as a draft. */
  const reopen = useCallback(() => {
    closed.current = false;
    schedule();
  }, [schedule]);

  /** Starts a fresh form for the next patient. */
  const reset = useCallback(() => {
    const fresh = newFormState(linkToken);
    closed.current = false;
    dirty.current = false;
    latest.current = { form: fresh, guide: null };
    setFormState(fresh);
    setGuideState(null);
    setRestored(false);
    setSaveStatus({ kind: 'idle' });
    markDraftSave(null);
  }, [linkToken]);

  return { status, form, setForm, guide, setGuide, restored, saveStatus, flush, close, reopen, reset };
}
