import { useEffect, useState } from 'preact/hooks';
import type { MyFactorsResponse } from '../../domain/staff/staff-auth.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { myFactors, newRecoveryCodes } from './auth-api.ts';
import { PasskeyEnrolment, RecoveryCodesCard, TotpEnrolment } from './staff-login.tsx';
import { failureMessage } from './section-failure.ts';

/** "My security": the signed-in person's second factors; add a passkey or new recovery codes. */
export function SecuritySection() {
  const { t } = useI18n();
  const [factors, setFactors] = useState<MyFactorsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  async function load() {
    const result = await myFactors();
    if (result.ok) setFactors(result.data);
    else setError(failureMessage(t, result.failure));
  }
  useEffect(() => {
    void load();
  }, []);

  const enrolled = (issued: string[]) => {
    setNotice(t('staffAuth.security.added'));
    if (issued.length > 0) setCodes(issued);
    void load();
  };

  if (codes) return <RecoveryCodesCard codes={codes} onDone={() => setCodes(null)} />;
  return (
    <section class="card" aria-labelledby="security-title">
      <h2 id="security-title">{t('staffAuth.security.title')}</h2>
      {error && (
        <p class="message error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p class="message success" role="status">
          {notice}
        </p>
      )}
      {factors && (
        <dl class="security-factors">
          <dt>{t('staffAuth.security.totp')}</dt>
          <dd>{factors.totp ? t('staffAuth.security.on') : t('staffAuth.security.off')}</dd>
          <dt>{t('staffAuth.security.passkeys')}</dt>
          <dd>{t('staffAuth.security.passkeyCount', { count: String(factors.passkeys.length) })}</dd>
          <dt>{t('staffAuth.security.recoveryLeft')}</dt>
          <dd>{t('staffAuth.security.recoveryCount', { count: String(factors.recoveryCodesLeft) })}</dd>
        </dl>
      )}
      <PasskeyEnrolment onEnrolled={enrolled} />
      {factors && !factors.totp && <TotpEnrolment onEnrolled={enrolled} />}
      <div class="enrol-option">
        <h3>{t('staffAuth.recovery.title')}</h3>
        <p>{t('staffAuth.security.newCodesHint')}</p>
        <button
          type="button"
          class="button"
          onClick={async () => {
            const result = await newRecoveryCodes();
            if (result.ok) setCodes(result.data.recoveryCodes);
            else setError(failureMessage(t, result.failure));
          }}
        >
          {t('staffAuth.security.newCodes')}
        </button>
      </div>
    </section>
  );
}
