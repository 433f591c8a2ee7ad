import { render } from 'preact';
import { App, preloadRoute } from './app.tsx';
import { keepEarlyTaps } from './early-taps.ts';
import { prepareLanguage } from './i18n/i18n.tsx';
import { prefetchInstitution } from './reception/early-institution.ts';
import './styles.css';

// On a clinic link, the clinic's details are on their way before the page's code has arrived.
prefetchInstitution(location.pathname, location.search);

const root = document.getElementById('app')!;
// A drawn screen's buttons are on the screen before the app: a tap on one is kept until then.
const replayEarlyTap = keepEarlyTaps(root);

// The English catalogue is fetched first when English was chosen; Japanese ships with the entry.
// A clinic link's first screen may be in the page already (the server rendered it, issue 18 #1):
// its route's chunk is loaded first, and the first render updates that markup in place (Preact
// reuses the elements it finds), so nothing on the screen disappears or moves.
// The language comes first: a route's section catalogues load in the language then chosen.
void prepareLanguage()
  .then(() => preloadRoute(location.pathname))
  .then(() => {
    render(<App />, root);
    replayEarlyTap();
  });
