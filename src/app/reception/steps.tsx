import { useState } from 'preact/hooks';
import { CONSENT_CHOICES, type ConsentChoice } from '../../domain/consent/consent.ts';
import { isCardRegistrationMaintenance, jstDate } from '../../domain/shared/jst.ts';
import type { InstitutionPublicDto } from '../../domain/registration/reception-api.ts';
import { checkConsultationDate, PRESCRIPTION_FORMS, type PrescriptionForm } from '../../domain/registration/registration.ts';
import { asksConsultationDate, isRemoteConsultation, VISIT_TYPES } from '../../domain/shared/visit-type.ts';
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

/** The institution link's menu: register, query or update (U1), revoke everything (X3). */
export function MenuStep({ onChoose }: { onChoose: (mode: 'register' | 'query' | 'revokeAll') => void }) {
  const { t } = useI18n();
  return (
    <>
      <h2>{t('menu.title')}</h2>
      <div class="choice-list">
        {(['register', 'query', 'revokeAll'] as const).map((mode) => (
          <button key={mode} type="button" class="choice-button" onClick={() => onChoose(mode)}>
            <span class="choice-title">{t(`menu.${mode}`)}</span>
            <span class="choice-hint">{t(`menu.${mode}.hint`)}</span>
          </button>
        ))}
      </div>
      <p><a class="link-button" href={`${location.pathname.replace(/\/+$/, '')}/fallback`}>{t('fb.menuLink')}</a></p>
    </>
  );
}

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
        <li>{t('prep.pin')}</li>
        <li>
          {t('prep.registered')}{' '}
          <a href={MYNAPORTAL_URL} target="_blank" rel="noopener noreferrer">
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

/** S1–S4: 「すべて同意する」 plus an explicit yes or no for each item. */
export function ConsentStep({ flow, institution, update, next }: StepProps) {
  return <ConsentChoices answers={flow.answers} onAnswers={(answers) => update({ answers })} institution={institution} next={next} />;
}

export function ConsentChoices({
  answers,
  onAnswers,
  institution,
  next,
  title,
  nextLabel,
}: {
  answers: ConsentAnswers;
  onAnswers: (answers: ConsentAnswers) => void;
  institution: InstitutionPublicDto;
  next: () => void;
  title?: string;
  /** R10: the update flow's last step before its confirmation says 「更新内容を確認する」. */
  nextLabel?: string;
}) {
  const { t } = useI18n();
  const [showMissing, setShowMissing] = useState(false);
  const allYes = CONSENT_CHOICES.every((c) => answers[c] === true);
  const unanswered = CONSENT_CHOICES.filter((c) => answers[c] === undefined);
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
              <legend>{t(choiceLabel(choice, institution))}</legend>
              <p class="hint">
                {t(hintKey)}
                {choice === 'medication' && institution.settings.usesElectronicPrescription && ` ${t('consent.medication.dispensing')}`}
              </p>
              <div class="yes-no">
                <label class={answers[choice] === true ? 'checked' : ''}>
                  <input type="radio" name={`consent-${choice}`} checked={answers[choice] === true} onChange={() => set(choice, true)} />
                  {t('consent.yes')}
                </label>
                <label class={answers[choice] === false ? 'checked' : ''}>
                  <input type="radio" name={`consent-${choice}`} checked={answers[choice] === false} onChange={() => set(choice, false)} />
                  {t('consent.no')}
                </label>
              </div>
              {missing && <p class="field-error">{t('consent.answerThis')}</p>}
            </fieldset>
          );
        })}
      </div>
      {unanswered.length === 0 && CONSENT_CHOICES.every((c) => answers[c] === false) && <p class="message">{t('consent.none')}</p>}
      {showMissing && unanswered.length > 0 && (
        <p class="message error" role="alert">
          {t('consent.unanswered', { count: String(unanswered.length) })}
        </p>
      )}
      <button
        type="button"
        class="button primary wide"
        onClick={() => {
          if (unanswered.length > 0) setShowMissing(true);
          else next();
        }}
      >
        {nextLabel ?? t('flow.next')}
      </button>
    </>
  );
}

/** R3: the consultation date, today or later in Japan. */
export function DateStep({ flow, update, next }: StepProps) {
  return <DateField value={flow.consultationDate} onValue={(consultationDate) => update({ consultationDate })} next={next} />;
}

export function DateField({ value, onValue, next, nextLabel }: { value: string; onValue: (value: string) => void; next: () => void; nextLabel?: string }) {
  const { t } = useI18n();
  const [touched, setTouched] = useState(false);
  const problem = checkConsultationDate(value, new Date());
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (!problem) next();
      }}
    >
      <h2>{t('date.title')}</h2>
      <p>{t('date.lead')}</p>
      <div class="field">
        <label for="consultation-date">{t('date.label')}</label>
        <input
          id="consultation-date"
          type="date"
          min={jstDate(new Date())}
          value={value}
          onInput={(e) => onValue(e.currentTarget.value)}
          aria-invalid={touched && problem ? 'true' : undefined}
          aria-describedby={touched && problem ? 'consultation-date-error' : undefined}
        />
        {touched && problem && (
          <p class="field-error" id="consultation-date-error">
            {t(`date.error.${problem}`)}
          </p>
        )}
      </div>
      <button type="submit" class="button primary wide">
        {nextLabel ?? t('flow.next')}
      </button>
    </form>
  );
}

/** S5 / R4: electronic or paper prescription. */
export function PrescriptionStep({ flow, update, next }: StepProps) {
  return <PrescriptionChoice value={flow.prescriptionForm} onValue={(prescriptionForm) => update({ prescriptionForm })} next={next} />;
}

export function PrescriptionChoice({
  value,
  onValue,
  next,
  nextLabel,
}: {
  value: PrescriptionForm | null;
  onValue: (value: PrescriptionForm) => void;
  next: () => void;
  nextLabel?: string;
}) {
  const { t } = useI18n();
  const [touched, setTouched] = useState(false);
  return (
    <>
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
      {touched && !value && (
        <p class="field-error" role="alert">
          {t('rx.error')}
        </p>
      )}
      <button
        type="button"
        class="button primary wide"
        onClick={() => {
          setTouched(true);
          if (value) next();
        }}
      >
        {nextLabel ?? t('flow.next')}
      </button>
    </>
  );
}

/** R5: everything at a glance, with what the consent means for this visit type. */
export function ConfirmStep({
  flow,
  institution,
  asksDate,
  asksPrescription,
  onEdit,
  onSubmit,
  submitting,
  error,
}: StepProps & {
  asksDate: boolean;
  asksPrescription: boolean;
  onEdit: (step: FlowState['step']) => void;
  onSubmit: () => void;
  submitting: boolean;
  error: string | null;
}) {
  const { t, lang } = useI18n();
  const consented = CONSENT_CHOICES.filter((c) => flow.answers[c] === true);
  const visitType = flow.visitType!;
  return (
    <>
      <h2>{t('confirm.title')}</h2>
      <dl class="summary">
        <div>
          <dt>{t('confirm.visitType')}</dt>
          <dd>{t(`visit.${visitType}`)}</dd>
        </div>
        {asksConsultationDate(visitType) && (
          <div>
            <dt>{t('confirm.date')}</dt>
            <dd>
              {flow.consultationDate ? formatDate(flow.consultationDate, lang) : ''}
              {asksDate && (
                <button type="button" class="link-button" onClick={() => onEdit('date')}>
                  {t('confirm.edit')}
                </button>
              )}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('confirm.consents')}</dt>
          <dd>
            {consented.length === 0 ? t('confirm.noConsents') : consented.map((c) => t(choiceLabel(c, institution))).join('、')}
            <button type="button" class="link-button" onClick={() => onEdit('consent')}>
              {t('confirm.edit')}
            </button>
          </dd>
        </div>
        <div>
          <dt>{t('confirm.rx')}</dt>
          <dd>
            {asksPrescription && flow.prescriptionForm ? t(`rx.${flow.prescriptionForm}`) : t('confirm.notAsked')}
            {asksPrescription && (
              <button type="button" class="link-button" onClick={() => onEdit('prescription')}>
                {t('confirm.edit')}
              </button>
            )}
          </dd>
        </div>
      </dl>
      <p class="message notice">{t(`confirm.${visitType}Note`)}</p>
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      <button type="button" class="button primary wide" disabled={submitting} onClick={onSubmit}>
        {submitting ? t('confirm.submitting') : t('confirm.submit')}
      </button>
    </>
  );
}
