import { useEffect, useState } from 'preact/hooks';
import lazy from 'preact-iso/lazy';
import { LocationProvider, Route, Router } from 'preact-iso/router';
import { Header } from './components/header.tsx';
import { UpdatePrompt } from './components/update-prompt.tsx';
import { I18nProvider, loadSections, type Section } from './i18n/i18n.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { StartPage } from './pages/start-page.tsx';
import { registerServiceWorker } from './sw-bridge.ts';
import { afterFirstScreen } from './after-first-screen.ts';
import { clinicLinkPath } from '../domain/registration/clinic-link-path.ts';

/** A lazy route whose chunk needs section catalogues: both load before its first render. */
const withSections = <M,>(load: () => Promise<M>, ...sections: Section[]) => () =>
  Promise.all([load(), loadSections(...sections)]).then(([module]) => module);

// Staff screens are a separate chunk: a patient's phone never downloads them, nor their strings.
// The staff console shows fallback strings too (guide records, declarations in the inbox).
const StaffPage = lazy(withSections(() => import('./pages/staff-page.tsx'), 'staff', 'fallback'));
// The patient reception is its own chunk too, and so is the card-app simulator.
const ReceptionPage = lazy(() => import('./reception/reception-page.tsx'));
const CardAppPage = lazy(() => import('./card-app/card-app-page.tsx'));
const StaffLifecyclePage = lazy(withSections(() => import('./staff/staff-lifecycle-page.tsx'), 'staff', 'fallback'));
// The outage fallback (guide, declaration form, print view) works offline from its precached chunk.
const FallbackPage = lazy(withSections(() => import('./fallback/fallback-page.tsx'), 'fallback'));
// Issue 12 #15: enrolling a clinic tablet; staff use it, so it carries the staff strings.
const EnrolPage = lazy(withSections(() => import('./reception/enrol-page.tsx'), 'staff'));

/**
 * Loads the chunk of the route the page opens on before the first render, where the server has
 * already drawn that route's first screen (issue 18 #1): the first render then draws the same
 * screen over it instead of an empty router waiting for its chunk.
 */
export function preloadRoute(pathname: string): Promise<unknown> {
  const page = clinicLinkPath(pathname)?.page;
  return page === 'reception' ? ReceptionPage.preload() : page === 'fallback' ? FallbackPage.preload() : Promise.resolve();
}

export function App() {
  const [applyUpdate, setApplyUpdate] = useState<(() => void) | null>(null);
  useEffect(() => registerServiceWorker((apply) => setApplyUpdate(() => apply)), []);
  // Unsent declarations go out whenever they can (P4), from any page. The outbox and IndexedDB
  // code loads after the first paint: the first screen does not need it (issue 18 #3).
  useEffect(() => {
    afterFirstScreen(() => {
      void import('./storage/index.ts').then((storage) => {
        storage.startOutboxSync();
        void storage.requestPersistentStorage();
      });
    });
  }, []);
  return (
    <I18nProvider>
      <LocationProvider>
        <Header />
        <main id="main" tabIndex={-1}>
          <Router>
            <Route path="/" component={StartPage} />
            <Route path="/staff" component={StaffPage} />
            <Route path="/staff/:section" component={StaffLifecyclePage} />
            <Route path="/staff/:section/:id" component={StaffLifecyclePage} />
            <Route path="/i/:token" component={ReceptionPage} />
            <Route path="/i/:token/fallback/:view?" component={FallbackPage} />
            <Route path="/i/:token/enrol" component={EnrolPage} />
            <Route path="/card-app" component={CardAppPage} />
            <Route default component={NotFoundPage} />
          </Router>
        </main>
        {applyUpdate && <UpdatePrompt onApply={applyUpdate} onLater={() => setApplyUpdate(null)} />}
      </LocationProvider>
    </I18nProvider>
  );
}
