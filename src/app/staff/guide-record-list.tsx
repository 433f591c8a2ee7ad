import { useEffect, useState } from 'preact/hooks';
import type { GuideRecordItemDto } from '../../domain/fallback/guide-record.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { stepText } from '../fallback/step-text.ts';
import { formatDate, formatInstant } from '../reception/format.ts';
import { GuideOutcomeView } from './declaration-view.tsx';
import { guideRecordList } from './inbox-api.ts';

type List = { kind: 'loading' } | { kind: 'done'; items: GuideRecordItemDto[] } | { kind: 'failed' };

/**
 * Issue 5 §2: the decision-guide outcomes that ended without a declaration form, beside the
 * declaration inbox. Read-only: there is nothing to verify or claim on them; they are purged
 * after the institution's retention counted from receipt (D5).
 */
export function GuideRecordList() {
  const { t, lang } = useI18n();
  const [list, setList] = useState<List>({ kind: 'loading' });

  useEffect(() => {
    let current = true;
    void guideRecordList().then((result) => {
      if (current) setList(result.ok ? { kind: 'done', items: result.data.guideRecords } : { kind: 'failed' });
    });
    return () => {
      current = false;
    };
  }, []);

  return (
    <section class="card" aria-labelledby="guide-records-title">
      <h2 id="guide-records-title">{t('staffGr.title')}</h2>
      <p class="hint">{t('staffGr.lead')}</p>
      {list.kind === 'loading' && <p role="status">{t('staff.loading')}</p>}
      {list.kind === 'failed' && (
        <p class="message error" role="alert">
          {t('error.server')}
        </p>
      )}
      {list.kind === 'done' && (
        <>
          <p class="inbox-count">{t('staffGr.count', { count: String(list.items.length) })}</p>
          {list.items.length === 0 ? (
            <p class="message notice">{t('staffGr.empty')}</p>
          ) : (
            <ul class="inbox-list guide-record-list">
              {list.items.map((item) => (
                <li key={item.id}>
                  <details class="guide-record" data-testid="guide-record">
                    <summary>
                      <span class="inbox-name">{item.patientKana ? item.patientKana.normalize('NFKC') : t('staffGr.noName')}</span>
                      <span class="inbox-meta">
                        <span>{t('staffGr.visitDate', { date: formatDate(item.visitDate, lang) })}</span>
                        <span>{t(`fb.res.${item.outcome.resolution}`)}</span>
                        <span>{t('staffGr.receivedAt', { at: formatInstant(item.receivedAt, lang) })}</span>
                      </span>
                    </summary>
                    <GuideOutcomeView outcome={item.outcome} headingId={`guide-record-${item.id}`} />
                    <h3>{t('staffGr.steps')}</h3>
                    <ol>
                      {item.steps.map((step, n) => (
                        <li key={`${n}-${step}`}>{stepText(t, step, 'title')}</li>
                      ))}
                    </ol>
                    {item.note && (
                      <p>
                        <strong>{t('staffGr.note')}</strong> {item.note}
                      </p>
                    )}
                    <p class="hint">{t('staffGr.purgeAfter', { at: formatInstant(item.purgeAfter, lang) })}</p>
                  </details>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
