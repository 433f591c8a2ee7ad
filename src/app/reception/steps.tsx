import { useState } from 'preact/hooks';
import { CONSENT_CHOICES, type ConsentChoice } from '../../domain/consent/consent.ts';
import { isCardRegistrationMaintenance } from '../../domain/shared/jst.ts';
import type { InstitutionPublicDto } from '../../domain/registration/reception-api.ts';
import { checkConsultationDate, PRESCRIPTION_FORMS, type ConsultationDateProblem, type PrescriptionForm } from '../../domain/registration/registration.ts';
import { asksConsultationDate, isRemoteConsultation, VISIT_TYPES, type VisitType } from '../../domain/shared/visit-type.ts';
import { WithTerms } from '../components/term.tsx';
import { DateRead, useTypedDate } from '../components/typed-date.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/ja.ts';
import type { FlowState } from './flow-state.ts';
import { formatDate } from './format.ts';

export interface StepProps {
  flow: FlowState;
  institution: InstitutionPublicDto;
  update: (patch: Partial<FlowState>) => void;
  next: () => void;
}

/** Mynaportal, where a card is registered for health-insurance use (R2). */
const MYNAPORTAL_URL = 'https://myna.go.jp/';

/**
 * The institution link's menu (issue 16 §2): register, query or update (U1), revoke everything
 * (X3), and the outage guide. Registering starts from the visit type chosen here, so the menu and
 * the choice of visit type are one screen.
 */
export function MenuStep({ onRegister, onChoose }: { onRegister: (visitType: VisitType) => void; onChoose: (mode: 'query' | 'revokeAll') => void }) {
  const { t } = useI18n();
  return (
    <>
      <h2>{t('menu.title')}</h2>
      <section class="menu-group" aria-labelledby="menu-register">
        <h3 id="menu-register">{t('menu.register')}</h3>
        <p class="hint">{t('menu.register.chooseVisit')}</p>
        <div class="choice-list">
          {VISIT_TYPES.map((type) => (
            <button key={type} type="button" class="choice-button" onClick={() => onRegister(type)}>
              <span class="choice-title">{t(`visit.${type}`)}</span>
              <span class="choice-hint">{t(`visit.${type}.hint`)}</span>
            </button>
          ))}
        </div>
      </section>
      <section class="menu-group" aria-labelledby="menu-others">
        <h3 id="menu-others">{t('menu.others')}</h3>
        <div class="choice-list">
          {(['query', 'revokeAll'] as const).map((mode) => (
            <button key={mode} type="button" class="choice-button" onClick={() => onChoose(mode)}>
              <span class="choice-title">{t(`menu.${mode}`)}</span>
              <span class="choice-hint">{t(`menu.${mode}.hint`)}</span>
            </button>
          ))}
        </div>
      </section>
      <p>
        <a class="link-button" href={`${location.pathname.replace(/\/+$/, '')}/fallback`}>
          {t('fb.menuLink')}
        </a>
      </p>
    </>
  );
}

/** Kept for a flow saved at this step by an earlier version: the menu now asks the visit type. */
export function VisitTypeStep({ update, next }: StepProps) {
  const { t } = useI18n();
  return (
    <>
      <h2>{t('visit.choose.title')}</h2>
      <div class="choice-list">
        {VISIT_TYPES.map((type) => (
          <button
            key={type}
            type="button"
            class="choice-button"
            onClick={() => {
              update({ visitType: type });
              next();
            }}
          >
            <span class="choice-title">{t(`visit.${type}`)}</span>
            <span class="choice-hint">{t(`visit.${type}.hint`)}</span>
          </button>
        ))}
      </div>
    </>
  );
}

/**
 * R2, R11 and P6: what the patient needs before starting. R11 (002 l.2712–2718, 3064–3090): the
 * latest card app, an IC card reader on a PC; online patients check their Mynaportal login
 * beforehand; where staff are present, the patient holds the card and staff never note the My Number (P1).
 */
export function PreparationStep({ flow, next }: StepProps) {
  const { t } = useI18n();
  const maintenance = isCardRegistrationMaintenance(new Date());
  const remote = flow.visitType !== null && isRemoteConsultation(flow.visitType);
  return (
    <>
      <h2>{t('prep.title')}</h2>
      <ul class="checklist">
        <li>{t('prep.card')}</li>
        <li>
          <WithTerms text={t('prep.pin')} />
        </li>
        <li>
          {t('prep.registered')}{' '}
          {/* A full 44 px target although it ends a sentence (issue 16 §6): patients aged 70+ tap it. */}
          <a class="link-button" href={MYNAPORTAL_URL} target="_blank" rel="noopener noreferrer">
            {t('prep.registerLink')}
          </a>
        </li>
        <li>{t('prep.cardApp')}</li>
        <li>{t('prep.pcReader')}</li>
        {remote && <li>{t('prep.onlineLogin')}</li>}
      </ul>
      {maintenance && (
        <p class="message notice" role="note">
          {t('prep.maintenance')}
        </p>
      )}
      <p class="message warning">{t('prep.faceOnly')}</p>
      {!remote && <p class="hint">{t('prep.noMyNumber')}</p>}
      <button type="button" class="button primary wide" onClick={next}>
        {t('prep.ready')}
      </button>
    </>
  );
}

export function choiceLabel(choice: ConsentChoice, institution: InstitutionPublicDto): MessageKey {
  if (choice === 'medication' && !institution.settings.usesClinicalInfo) return 'consent.medicationOnly';
  return `consent.${choice}`;
}

export type ConsentAnswers = FlowState['answers'];

/** Whether the consent screen's answers are complete: every item, and the date and form where asked. */
function consentFormProblems(answers: ConsentAnswers, date: { value: string } | null, prescription: { value: PrescriptionForm | null } | null) {
  return {
    unanswered: CONSENT_CHOICES.filter((c) => answers[c] === undefined).length,
    date: date ? checkConsultationDate(date.value, new Date()) : null,
    prescription: prescription !== null && !prescription.value,
  };
}

/**
 * S1–S5, R3, R5 (issue 16 §2): the choices, the consultation date and the prescription form where
 * asked, and what the consent means, on one screen with one button, as in the national service.
 * Nothing unanswered passes: the button names what is missing instead.
 */
export function ConsentForm({
  answers,
  onAnswers,
  institution,
  title,
  date,
  prescription,
  note,
  submitLabel,
  submitting = false,
  error = null,
  onSubmit,
}: {
  answers: ConsentAnswers;
  onAnswers: (answers: ConsentAnswers) => void;
  institution: InstitutionPublicDto;
  title?: string;
  date: { value: string; onValue: (value: string) => void } | null;
  prescription: { value: PrescriptionForm | null; onValue: (value: PrescriptionForm) => void } | null;
  note?: string;
  submitLabel: string;
  submitting?: boolean;
  error?: string | null;
  onSubmit: () => void;
}) {
  const { t } = useI18n();
  const [showMissing, setShowMissing] = useState(false);
  const problems = consentFormProblems(answers, date, prescription);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setShowMissing(true);
        if (problems.unanswered === 0 && !problems.date && !problems.prescription) onSubmit();
      }}
    >
      {date && <DateInput value={date.value} onValue={date.onValue} problem={showMissing ? problems.date : null} />}
      <ConsentChoices answers={answers} onAnswers={onAnswers} institution={institution} title={title} showMissing={showMissing} />
      {prescription && <PrescriptionFields value={prescription.value} onValue={prescription.onValue} showMissing={showMissing} />}
      {note && <p class="message notice">{note}</p>}
      {showMissing && problems.unanswered > 0 && (
        <p class="message error" role="alert">
          {t('consent.unanswered', { count: String(problems.unanswered) })}
        </p>
      )}
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="button primary wide" disabled={submitting}>
        {submitting ? t('confirm.submitting') : submitLabel}
      </button>
    </form>
  );
}

/** S1–S4: 「すべて同意する」 plus an explicit yes or no for each item. */
function ConsentChoices({
  answers,
  onAnswers,
  institution,
  title,
  showMissing,
}: {
  answers: ConsentAnswers;
  onAnswers: (answers: ConsentAnswers) => void;
  institution: InstitutionPublicDto;
  title: string | undefined;
  showMissing: boolean;
}) {
  const { t } = useI18n();
  const allYes = CONSENT_CHOICES.every((c) => answers[c] === true);
  const set = (choice: ConsentChoice, value: boolean) => onAnswers({ ...answers, [choice]: value });

  return (
    <>
      <h2>{title ?? t('consent.title')}</h2>
      <p>{t('consent.lead')}</p>
      <button
        type="button"
        class={`button wide ${allYes ? 'selected' : 'primary'}`}
        aria-pressed={allYes}
        onClick={() => onAnswers(Object.fromEntries(CONSENT_CHOICES.map((c) => [c, true])))}
      >
        {allYes ? `✓ ${t('consent.allOn')}` : t('consent.all')}
      </button>
      <div class="consent-items">
        {CONSENT_CHOICES.map((choice) => {
          const hintKey: MessageKey =
            choice === 'medication' && !institution.settings.usesClinicalInfo ? 'consent.medicationOnly.hint' : (`consent.${choice}.hint`);
          const missing = showMissing && answers[choice] === undefined;
          return (
            <fieldset key={choice} class={`consent-item${missing ? ' missing' : ''}`}>
              <legend>
                <WithTerms text={t(choiceLabel(choice, institution))} />
              </legend>
              <p class="hint">
                <WithTerms text={t(hintKey)} />
                {choice === 'medication' && institution.settings.usesElectronicPrescription && ` ${t('consent.medication.dispensing')}`}
              </p>
              <div class="yes-no">
                <label class={answers[choice] === true ? 'checked' : ''}>
                  <input type="radio" name={`consent-${choice}`} checked={answers[choice] === true} onChange={() => set(choice, true)} />
                  <span class="choice-text">{t('consent.yes')}</span>
                </label>
                <label class={answers[choice] === false ? 'checked' : ''}>
                  <input type="radio" name={`consent-${choice}`} checked={answers[choice] === false} onChange={() => set(choice, false)} />
                  <span class="choice-text">{t('consent.no')}</span>
                </label>
              </div>
              {missing && <p class="field-error">{t('consent.answerThis')}</p>}
            </fieldset>
          );
        })}
      </div>
      {CONSENT_CHOICES.every((c) => answers[c] === false) && <p class="message">{t('consent.none')}</p>}
    </>
  );
}

/** R3: the consultation date, today or later in Japan, typed in 和暦 or 西暦 (issue 16 #1). */
function DateInput({ value, onValue, problem }: { value: string; onValue: (value: string) => void; problem: ConsultationDateProblem | null }) {
  const { t } = useI18n();
  const date = useTypedDate(value, onValue);
  const describedBy = ['consultation-date-hint', 'consultation-date-read', problem ? 'consultation-date-error' : ''].filter(Boolean).join(' ');
  return (
    <div class="form-part">
      <h2>{t('date.title')}</h2>
      <p>{t('date.lead')}</p>
      <div class="field">
        <label for="consultation-date">{t('date.label')}</label>
        <p class="field-hint hint" id="consultation-date-hint">
          {t('date.hint')}
        </p>
        <input
          id="consultation-date"
          type="text"
          autocomplete="off"
          value={date.text}
          onInput={(e) => date.onInput(e.currentTarget.value)}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={describedBy}
        />
        <DateRead id="consultation-date-read" date={date.understood} />
        {problem && (
          <p class="field-error" id="consultation-date-error">
            {t(`date.error.${problem}`)}
          </p>
        )}
      </div>
    </div>
  );
}

/** S5 / R4: electronic or paper prescription. */
function PrescriptionFields({ value, onValue, showMissing }: { value: PrescriptionForm | null; onValue: (value: PrescriptionForm) => void; showMissing: boolean }) {
  const { t } = useI18n();
  return (
    <div class="form-part">
      <h2>{t('rx.title')}</h2>
      <p>{t('rx.lead')}</p>
      <fieldset class="choice-list">
        <legend class="visually-hidden">{t('rx.title')}</legend>
        {PRESCRIPTION_FORMS.map((form) => (
          <label key={form} class={`choice-button${value === form ? ' checked' : ''}`}>
            <input type="radio" name="prescription-form" checked={value === form} onChange={() => onValue(form)} />
            <span class="choice-title">{t(`rx.${form}`)}</span>
            <span class="choice-hint">{t(`rx.${form}.hint`)}</span>
          </label>
        ))}
      </fieldset>
      {showMissing && !value && (
        <p class="field-error" role="alert">
          {t('rx.error')}
        </p>
      )}
    </div>
  );
}

/** The registration's consent screen: choices, date and form where asked, R5's note, 「同意内容を登録する」. */
export function ConsentStep({
  flow,
  institution,
  update,
  asks,
  onSubmit,
  submitting,
  error,
}: StepProps & { asks: { date: boolean; prescription: boolean }; onSubmit: () => void; submitting: boolean; error: string | null }) {
  const { t, lang } = useI18n();
  const visitType = flow.visitType!;
  const appDate = asksConsultationDate(visitType) && !asks.date && flow.consultationDate ? formatDate(flow.consultationDate, lang) : null;
  return (
    <>
      {appDate && (
        // R10: for online the 診療日 is part of what is confirmed; from an app it is shown, not asked.
        <dl class="summary">
          <div>
            <dt>{t('confirm.date')}</dt>
            <dd>
              <span class="nowrap">{appDate}</span>
              <span class="hint app-date-note">{t('date.fromApp')}</span>
            </dd>
          </div>
        </dl>
      )}
      <ConsentForm
        answers={flow.answers}
        onAnswers={(answers) => update({ answers })}
        institution={institution}
        date={asks.date ? { value: flow.consultationDate, onValue: (consultationDate) => update({ consultationDate }) } : null}
        prescription={asks.prescription ? { value: flow.prescriptionForm, onValue: (prescriptionForm) => update({ prescriptionForm }) } : null}
        note={t(`confirm.${visitType}Note`)}
        submitLabel={t('confirm.submit')}
        submitting={submitting}
        error={error}
        onSubmit={onSubmit}
      />
    </>
  );
}
