import { useEffect, useMemo, useState } from 'preact/hooks';
import { expectedCopay, type CopayResult } from '../../domain/declaration/copay.ts';
import {
  conditionalQuestions,
  declarationExpectedCopay,
  questionOf,
  type ChoiceFieldId,
  type Declaration,
  type DeclarationField,
  type EraDateFieldId,
  type FieldQuestion,
} from '../../domain/declaration/declaration.ts';
import { declarationDraftSchema, declarationSchema, type DeclarationMessageKey } from '../../domain/declaration/declaration-schema.ts';
import { declarationSearchMissing, OUTAGE_SEARCH_FIELDS, type GuideOutcome, type OutageSearchMissing } from '../../domain/fallback/fallback-guide.ts';
import { guideOutcome, outageSearchPendingFor, paperPrescriptionApplies } from '../../domain/fallback/fallback-walk.ts';
import { institutionKeyFor } from '../storage/institution-keys.ts';
import { enqueueDeclaration } from '../storage/outbox.ts';
import { eraDateErrorPart, eraDateOf, fieldErrors, formDay, type EraDatePart, type ErrorTarget, type FieldErrors, type FormState } from './form-state.ts';
import { useDeclarationDraft } from './use-draft.ts';
import { clearWalk, loadWalk } from './walk-state.ts';

export interface SubmittedDeclaration {
  declaration: Declaration;
  outcome: GuideOutcome | null;
}

/**
 * The declaration form's state, apart from how it looks: the values (autosaved as the draft), which
 * questions are asked (D1, D2), validation with the shared schema, focus on the first error after a
 * refused 送信, the copay guidance (E7) and 送信 itself (queued in the outbox with the guide's
 * outcome, P4). The screen and the field components only read and call this.
 */
export function useDeclarationForm(token: string) {
  const draft = useDeclarationDraft(token);
  const { form, setForm, guide } = draft;
  const [touched, setTouched] = useState<ReadonlySet<ErrorTarget>>(new Set());
  const [attempts, setAttempts] = useState(0);
  const [submitting, setSubmitting] = useState(false);
  const [queueFailed, setQueueFailed] = useState(false);
  const [submitted, setSubmitted] = useState<SubmittedDeclaration | null>(null);

  const today = formDay(form.createdAt);
  const attempted = attempts > 0;
  // Before 送信 the draft rules (everything optional); after, the full schema, so D3's one
  // requirement shows too and every message clears as soon as its field is put right.
  const parsed = useMemo(() => (attempted ? declarationSchema : declarationDraftSchema).safeParse(form), [form, attempted]);
  const issues = parsed.success ? [] : parsed.error.issues;
  const errors: FieldErrors = useMemo(() => fieldErrors(issues), [issues]);

  // issue 12 #7: have the clinic's public key at hand while the form is typed (if the server can be
  // reached), so 送信 seals the form even if the connection is gone by then.
  useEffect(() => {
    void institutionKeyFor(token).catch(() => undefined);
  }, [token]);

  // After a refused 送信, the first field with a message gets the focus.
  useEffect(() => {
    if (attempts === 0) return;
    document.querySelector<HTMLElement>('.fb-form [aria-invalid="true"]')?.focus();
  }, [attempts]);

  const dateOfBirth = eraDateOf(form.dateOfBirth);
  const questions = conditionalQuestions({ insuranceType: form.insuranceType, insurerName: form.insurerName, dateOfBirth }, today);
  const declaredRatio = questionOf(questions, 'copayRatio') === 'asked' ? form.copayRatio : null;
  /** E7: what to collect, from what is written so far. */
  const charge: CopayResult = expectedCopay({ dateOfBirth, onDate: today, insuranceType: form.insuranceType, declaredRatio });

  /**
   * F8: what the outage search after recovery would still lack, flagged before 送信 (never blocking
   * it) — unless the guide's cause is one the search does not follow (a card problem, a result).
   */
  const searchApplies = guide === null || outageSearchPendingFor(guide.cause, 'declarationForm');
  const searchMissing: OutageSearchMissing[] = searchApplies ? declarationSearchMissing({ ...form, dateOfBirth }) : [];
  const searchFlagged = new Map<string, OutageSearchMissing>(searchMissing.flatMap((key) => OUTAGE_SEARCH_FIELDS[key].map((id) => [id, key] as const)));

  /** A message is shown once the field was left (or chosen), or after 送信 was tried. */
  const errorOf = (target: ErrorTarget): DeclarationMessageKey | undefined => (attempted || touched.has(target) ? errors[target] : undefined);

  const touch = (target: ErrorTarget) =>
    setTouched((current) => {
      if (current.has(target)) return current;
      const next = new Set(current);
      next.add(target);
      return next;
    });

  function setValue<K extends keyof FormState>(key: K, value: FormState[K]) {
    setForm((f) => ({ ...f, [key]: value }));
  }

  /** A box of a choice field ticked (an option's value from the field's own list), or all cleared. */
  function choose(id: ChoiceFieldId, value: string | number | null) {
    setForm((f) => ({ ...f, [id]: value }));
  }

  function setEraDatePart(id: EraDateFieldId, part: keyof FormState[EraDateFieldId], value: string) {
    setForm((f) => ({ ...f, [id]: { ...f[id], [part]: value } }));
  }

  async function submit() {
    setQueueFailed(false);
    const result = declarationSchema.safeParse(form);
    if (!result.success) {
      setAttempts((n) => n + 1);
      return;
    }
    const declaration = result.data;
    const walk = loadWalk(token);
    const cause = guide?.cause ?? walk.cause;
    const copay = declarationExpectedCopay(declaration, formDay(declaration.createdAt));
    const outcome = cause
      ? guideOutcome({
          cause,
          resolution: 'declarationForm',
          declarationId: declaration.id,
          copayPercent: copay.kind === 'percent' ? copay.percent : null,
          copayBasis: copay.kind === 'percent' ? copay.basis : null,
          paperPrescription: guide?.paperPrescription ?? false,
          recordedAt: new Date().toISOString(),
        })
      : null;
    setSubmitting(true);
    draft.close();
    try {
      await enqueueDeclaration({ ...declaration }, outcome);
      clearWalk(token);
      setSubmitted({ declaration, outcome });
      window.scrollTo(0, 0);
    } catch {
      draft.reopen();
      setQueueFailed(true);
    } finally {
      setSubmitting(false);
    }
  }

  return {
    draft,
    form,
    guide,
    /** D1, D2: whether the form asks this field now. */
    question: (field: DeclarationField): FieldQuestion => questionOf(questions, field.id),
    errorOf,
    /** The part of an era date the error points at. */
    eraDateErrorPart: (id: EraDateFieldId): EraDatePart | 'all' | null => eraDateErrorPart(issues, id),
    /** After 送信 was tried: how many fields have a message, and the form-wide message if any. */
    errorCount: attempted ? Object.keys(errors).length : 0,
    formError: errors.form,
    touch,
    setValue,
    choose,
    setEraDatePart,
    /** F8: the outage search's keys still missing, and whether this field would fill one. */
    searchApplies,
    searchMissing,
    searchNeeds: (field: DeclarationField): OutageSearchMissing | null => searchFlagged.get(field.id) ?? null,
    /** E7 from the date of birth, beside the copay question (null until the date of birth is complete). */
    expectedCopay: dateOfBirth ? charge : null,
    charge,
    /** E8: the paper-prescription box applies to this guide's cause. */
    paperApplies: guide !== null && paperPrescriptionApplies(guide.cause, 'declarationForm'),
    setPaperPrescription: (checked: boolean) => {
      if (guide) draft.setGuide({ ...guide, paperPrescription: checked });
    },
    submitting,
    queueFailed,
    submitted,
    submit,
    /** After 送信: a fresh form for the next patient. */
    startNext: () => draft.reset(),
  };
}

export type DeclarationFormModel = ReturnType<typeof useDeclarationForm>;