import { useEffect, useRef, useState } from 'preact/hooks';
import type { StaffMeResponse } from '../../domain/shared/api.ts';
import type { InstitutionLinkResponse } from '../../domain/institution/institution-api.ts';
import type { ApiFailure } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { QrCode } from '../reception/qr-code.tsx';
import { formatInstant } from '../reception/format.ts';
import { qrPngBlob, qrSvgFile, saveFile } from './qr-files.ts';
import { loadLink, reissueLink } from './institution-api.ts';
import { sectionFailure } from './section-failure.ts';
import { staffEn } from '../i18n/staff-en.ts';
import { staffJa } from '../i18n/staff-ja.ts';

type Load = { kind: 'loading' } | { kind: 'ready'; link: InstitutionLinkResponse } | { kind: 'failed'; failure: ApiFailure };

/** Loads the institution link (M1) for any role with `link.view`. */
export function useInstitutionLink(): [Load, (link: InstitutionLinkResponse) => void] {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  useEffect(() => {
    void loadLink().then((r) => setLoad(r.ok ? { kind: 'ready', link: r.data } : { kind: 'failed', failure: r.failure }));
  }, []);
  return [load, (link) => setLoad({ kind: 'ready', link })];
}

/** File names carry the institution code and the issue date, so an old QR file is recognisable. */
function fileBase(link: InstitutionLinkResponse): string {
  return `qr-${link.code}-${link.linkIssuedAt.slice(0, 10)}`;
}

/**
 * M1: the institution link with a copy button (with a fallback that selects the text), the QR
 * code as SVG and PNG, the A4 poster, and — for administrators — the reissue, which stops the
 * old link and QR at once.
 */
export function LinkSection({ me }: { me: StaffMeResponse }) {
  const { t, lang } = useI18n();
  const [load, setLink] = useInstitutionLink();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'fallback'>('idle');
  const [reissue, setReissue] = useState<'idle' | 'confirm' | 'working' | 'done' | { failure: ApiFailure }>('idle');
  const [downloadError, setDownloadError] = useState(false);
  const linkInput = useRef<HTMLInputElement>(null);

  if (load.kind === 'loading') return <p role="status">{t('staff.loading')}</p>;
  if (load.kind === 'failed') return <p class="message error" role="alert">{sectionFailure(t, load.failure)}</p>;
  const link = load.link;
  const canReissue = me.permissions.includes('institution.manage');

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(link.link);
      setCopy('copied');
    } catch {
      // Clipboard refused (permissions, an old browser, http): select the text for a manual copy.
      linkInput.current?.focus();
      linkInput.current?.select();
      setCopy('fallback');
    }
  }

  async function doReissue() {
    setReissue('working');
    const result = await reissueLink();
    if (result.ok) {
      setLink(result.data);
      setCopy('idle');
      setReissue('done');
    } else setReissue({ failure: result.failure });
  }

  return (
    <>
      <section class="card link-card" aria-labelledby="link-title">
        <h2 id="link-title">{t('inst.link.label')}</h2>
        <p>{t('inst.link.intro')}</p>
        <p class="institution-name">{link.name}</p>
        <label for="institution-link" class="visually-hidden">
          {t('inst.link.label')}
        </label>
        <input id="institution-link" class="link-input" ref={linkInput} readOnly value={link.link} onFocus={(e) => e.currentTarget.select()} />
        <p class="hint">
          {t('inst.link.issuedAt')}: {formatInstant(link.linkIssuedAt, lang)}
        </p>
        <div class="button-row">
          <button type="button" class="button primary" onClick={() => void copyLink()}>
            {t('inst.link.copy')}
          </button>
        </div>
        {copy !== 'idle' && (
          <p role="status" class={copy === 'copied' ? 'message success' : 'message warning'}>
            {copy === 'copied' ? t('inst.link.copied') : t('inst.link.copyFallback')}
          </p>
        )}
      </section>
      <section class="card qr-card" aria-labelledby="qr-title">
        <h2 id="qr-title">{t('inst.link.qr')}</h2>
        <QrCode value={link.link} label={t('inst.link.qrLabel', { name: link.name })} size={240} />
        <div class="button-row">
          <button type="button" class="button" onClick={() => saveFile(new Blob([qrSvgFile(link.link)], { type: 'image/svg+xml' }), `${fileBase(link)}.svg`)}>
            {t('inst.link.downloadSvg')}
          </button>
          <button
            type="button"
            class="button"
            onClick={() => {
              setDownloadError(false);
              qrPngBlob(link.link).then(
                (blob) => saveFile(blob, `${fileBase(link)}.png`),
                () => setDownloadError(true),
              );
            }}
          >
            {t('inst.link.downloadPng')}
          </button>
          <a class="button" href="/staff/poster">
            {t('inst.link.poster')}
          </a>
        </div>
        {downloadError && (
          <p class="message error" role="alert">
            {t('error.server')}
          </p>
        )}
      </section>
      <section class="card" aria-labelledby="reissue-title">
        <h2 id="reissue-title">{t('inst.link.reissue.title')}</h2>
        <p>{t('inst.link.reissue.body')}</p>
        {!canReissue && <p class="hint">{t('inst.link.reissue.adminOnly')}</p>}
        {canReissue && (reissue === 'confirm' || reissue === 'working') && (
          <div class="message warning" role="alertdialog" aria-modal="false" aria-labelledby="reissue-confirm">
            <p id="reissue-confirm">{t('inst.link.reissue.confirm')}</p>
            <div class="button-row">
              <button type="button" class="button danger" disabled={reissue === 'working'} onClick={() => void doReissue()}>
                {t('inst.link.reissue.yes')}
              </button>
              <button type="button" class="button" disabled={reissue === 'working'} onClick={() => setReissue('idle')}>
                {t('inst.link.reissue.no')}
              </button>
            </div>
          </div>
        )}
        {canReissue && reissue !== 'confirm' && reissue !== 'working' && (
          <button type="button" class="button" onClick={() => setReissue('confirm')}>
            {t('inst.link.reissue.button')}
          </button>
        )}
        {reissue === 'done' && (
          <p class="message success" role="status">
            {t('inst.link.reissue.done')}
          </p>
        )}
        {typeof reissue === 'object' && (
          <p class="message error" role="alert">
            {sectionFailure(t, reissue.failure)}
          </p>
        )}
      </section>
    </>
  );
}

/** The A4 poster (M1): the clinic name, the QR code and short steps in Japanese and English. */
export function PosterSection() {
  const { t } = useI18n();
  const [load] = useInstitutionLink();
  useEffect(() => {
    // Prints the poster alone on A4 (see styles.css).
    document.documentElement.classList.add('print-poster');
    return () => document.documentElement.classList.remove('print-poster');
  }, []);
  if (load.kind === 'loading') return <p role="status">{t('staff.loading')}</p>;
  if (load.kind === 'failed') return <p class="message error" role="alert">{sectionFailure(t, load.failure)}</p>;
  const link = load.link;
  return (
    <>
      <div class="poster-tools no-print">
        <p class="hint">{t('inst.poster.hint')}</p>
        <div class="button-row">
          <button type="button" class="button primary" onClick={() => window.print()}>
            {t('inst.poster.print')}
          </button>
          <a class="button" href="/staff/link">
            {t('inst.poster.back')}
          </a>
        </div>
      </div>
      <PosterSheet link={link} />
    </>
  );
}

function PosterSheet({ link }: { link: InstitutionLinkResponse }) {
  return (
    <article class="poster" aria-label={link.name}>
      <p class="poster-clinic">{link.name}</p>
      <PosterText lang="ja" />
      <div class="poster-qr">
        <QrCode value={link.link} label={`${link.name} QR`} size={300} />
      </div>
      <PosterText lang="en" />
      <p class="poster-url">
        <span lang="ja">{staffJa['inst.poster.orOpen']}</span> <span lang="en">{staffEn['inst.poster.orOpen']}</span>
        <br />
        <span class="poster-link">{link.link}</span>
      </p>
    </article>
  );
}

/** Both languages at once, whatever the console's language: the poster is for patients. */
function PosterText({ lang }: { lang: 'ja' | 'en' }) {
  const m = lang === 'ja' ? staffJa : staffEn;
  return (
    <div class={`poster-text poster-${lang}`} lang={lang}>
      <h2>{m['inst.poster.title']}</h2>
      <ol>
        <li>{m['inst.poster.step1']}</li>
        <li>{m['inst.poster.step2']}</li>
        <li>{m['inst.poster.step3']}</li>
      </ol>
      <p>{m['inst.poster.note']}</p>
    </div>
  );
}
