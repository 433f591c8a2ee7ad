import { useI18n } from '../i18n/i18n.tsx';

export function StartPage() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('start.title')}</h1>
      <p class="lead">{t('start.lead')}</p>
      <div class="cards">
        <section class="card" aria-labelledby="start-patient">
          <h2 id="start-patient">{t('start.patient.title')}</h2>
          <p>{t('start.patient.body')}</p>
          <p>{t('start.patient.card')}</p>
        </section>
        <section class="card" aria-labelledby="start-staff">
          <h2 id="start-staff">{t('start.staff.title')}</h2>
          <p>{t('start.staff.body')}</p>
          <a class="button primary" href="/staff">
            {t('start.staff.button')}
          </a>
        </section>
      </div>
    </>
  );
}
