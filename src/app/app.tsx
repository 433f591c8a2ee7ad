import { useEffect, useState } from 'preact/hooks';
import lazy from 'preact-iso/lazy';
import { LocationProvider, Route, Router } from 'preact-iso/router';
import { Header } from './components/header.tsx';
import { UpdatePrompt } from './components/update-prompt.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { StartPage } from './pages/start-page.tsx';
import { registerServiceWorker } from './sw-bridge.ts';

// Staff screens are a separate chunk: a patient's phone never downloads them.
const StaffPage = lazy(() => import('./pages/staff-page.tsx'));
// The patient reception is its own chunk too, and so is the card-app simulator.
const ReceptionPage = lazy(() => import('./reception/reception-page.tsx'));
const CardAppPage = lazy(() => import('./card-app/card-app-page.tsx'));
const StaffLifecyclePage = lazy(() => import('./staff/staff-lifecycle-page.tsx'));

export function App() {
  const [applyUpdate, setApplyUpdate] = useState<(() => void) | null>(null);
  useEffect(() => registerServiceWorker((apply) => setApplyUpdate(() => apply)), []);
  return (
    <I18nProvider>
      <LocationProvider>
        <Header />
        <main id="main" tabIndex={-1}>
          <Router>
            <Route path="/" component={StartPage} />
            <Route path="/staff" component={StaffPage} />
            <Route path="/staff/:section" component={StaffLifecyclePage} />
            <Route path="/i/:token" component={ReceptionPage} />
            <Route path="/card-app" component={CardAppPage} />
            <Route default component={NotFoundPage} />
          </Router>
        </main>
        {applyUpdate && <UpdatePrompt onApply={applyUpdate} onLater={() => setApplyUpdate(null)} />}
      </LocationProvider>
    </I18nProvider>
  );
}
