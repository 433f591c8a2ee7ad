import { rememberedClinicLink } from '../fallback/last-link.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function StartPage() {
  const { t } = useI18n();
  // The installed app opens here: offer the outage fallback of the clinic this device used (issue 5 §1).
  const clinicLink = rememberedClinicLink();
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
        {clinicLink && (
          <section class="card" aria-labelledby="start-fallback">
            <h2 id="start-fallback">{t('start.fallback.title')}</h2>
            <p>{t('start.fallback.body')}</p>
            <a class="button" href={`/i/${encodeURIComponent(clinicLink)}/fallback`}>
              {t('fb.menuLink')}
            </a>
          </section>
        )}
      </div>
    </>
  );
}
