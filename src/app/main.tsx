import { render } from 'preact';
import { App } from './app.tsx';
import { prepareLanguage } from './i18n/i18n.tsx';
import { prefetchInstitution } from './reception/early-institution.ts';
import './styles.css';

// On a clinic link, the clinic's details are on their way before the page's code has arrived.
prefetchInstitution(location.pathname, location.search);

// The English catalogue is fetched first when English was chosen; Japanese ships with the entry.
void prepareLanguage().then(() => render(<App />, document.getElementById('app')!));
