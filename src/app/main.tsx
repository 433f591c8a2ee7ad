import { render } from 'preact';
import { App } from './app.tsx';
import { prepareLanguage } from './i18n/i18n.tsx';
import './styles.css';

// The English catalogue is fetched first when English was chosen; Japanese ships with the entry.
void prepareLanguage().then(() => render(<App />, document.getElementById('app')!));
