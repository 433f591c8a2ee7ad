import { useEffect, useState } from 'preact/hooks';
import { DeclarationScreen } from './declaration-screen.tsx';
import { GuideScreen } from './guide-screen.tsx';
import { InvalidLinkView } from './invalid-link-view.tsx';
import { isInvalidLink, rememberClinicLink, rememberInvalidLink } from './last-link.ts';
import { PrintScreen } from './print-screen.tsx';
import { loadInstitution } from '../reception/early-institution.ts';
import { embeddedClinicLink } from '../reception/embedded-clinic-link.ts';

/**
 * The outage fallback at /i/<token>/fallback (issue 5 §1–3): the decision guide, the declaration
 * form (…/form) and its print view (…/print). A lazy chunk of its own, precached by the service
 * worker; nothing here waits for the server, so it opens with the network cut off. The institution
 * link token comes from the URL and is only carried along with the form.
 *
 * A reissued link's fallback says the link is no longer valid (product rule of issue 15): when the
 * server can be asked, the same link check as the reception's; the answer is remembered on the
 * device, so the page says so offline too. Without an answer (offline, server down) the guide opens.
 *
 * Persistent storage is asked for at start-up (app.tsx); a refusal is no longer a banner here
 * (issue 16 §6: patients cannot act on it): staff read it in their settings (persistentStorageResult).
 */
export default function FallbackPage({ token, view }: { token: string; view?: string }) {
  // The server may have drawn this page already (issue 18 #1), as the guide or, for a link no
  // longer valid, as the refusal: the first render draws the same.
  const [drawnInvalid] = useState(() => {
    const drawn = embeddedClinicLink(token);
    return drawn !== null && 'invalid' in drawn;
  });
  const [invalid, setInvalid] = useState(() => drawnInvalid || isInvalidLink(token));

  useEffect(() => {
    // The server's answer in the page counts as the link check's answer.
    if (drawnInvalid) rememberInvalidLink(token);
    setInvalid(isInvalidLink(token));
    rememberClinicLink(token);
    let current = true;
    void loadInstitution(token, null).then((result) => {
      if (!current) return;
      if (result.ok) rememberClinicLink(token);
      else if (result.failure.kind === 'server' && result.failure.code === 'link_invalid') {
        rememberInvalidLink(token);
        setInvalid(true);
      }
    });
    return () => {
      current = false;
    };
  }, [token]);

  if (invalid) return <InvalidLinkView token={token} />;
  return (
    <div class={`fb-page fb-view-${view ?? 'guide'}`}>
      {view === 'form' ? <DeclarationScreen token={token} /> : view === 'print' ? <PrintScreen token={token} /> : <GuideScreen token={token} />}
    </div>
  );
}
