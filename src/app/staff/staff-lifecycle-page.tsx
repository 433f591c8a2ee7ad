import { useRoute } from 'preact-iso/router';
import { NotFoundPage } from '../pages/not-found-page.tsx';
import { AuditSection } from './audit-section.tsx';
import { ApiClientsSection } from './api-clients-section.tsx';
import { WebhooksSection } from './webhooks-section.tsx';
import { BatchSection } from './batch-section.tsx';
import { ConsentDashboardSection } from './consent-dashboard-section.tsx';
import { ClinicalSection } from './clinical-section.tsx';
import { InboxSection } from './inbox-section.tsx';
import { ListsSection } from './lists-section.tsx';
import { PersonSection } from './person-section.tsx';
import { RequerySection } from './requery-section.tsx';
import { RevokeSection } from './revoke-section.tsx';
import { StaffShell } from './staff-shell.tsx';
import { AccountsSection } from './accounts-section.tsx';
import { SecuritySection } from './security-section.tsx';
import { DevicesSection } from './devices-section.tsx';
import { LinkSection, PosterSection } from './link-section.tsx';
import { RegisterPage } from './register-page.tsx';
import { SettingsSection } from './settings-section.tsx';

/**
 * The staff lifecycle screens (/staff/revoke, /staff/requery, /staff/batch, /staff/lists,
 * /staff/inbox): revocation at the clinic (X1, X2), re-query (Q1–Q5), the batch query before
 * visits (Q6), the lists (V2–V5) and the inbox of outage declarations (F6, D5). A separate
 * chunk: it may use zod, and a patient's phone never downloads it.
 */
export default function StaffLifecyclePage() {
  const { params } = useRoute();
  // Only these sections have pages below them (/staff/inbox/<id>, /staff/persons/<ref>, /staff/clinical/<ref>).
  if (params.id !== undefined && params.section !== 'inbox' && params.section !== 'persons' && params.section !== 'clinical') return <NotFoundPage />;
  switch (params.section) {
    case 'revoke':
      return <StaffShell section="revoke">{() => <RevokeSection />}</StaffShell>;
    case 'requery':
      return <StaffShell section="requery">{() => <RequerySection />}</StaffShell>;
    case 'batch':
      return <StaffShell section="batch">{() => <BatchSection />}</StaffShell>;
    case 'lists':
      return <StaffShell section="lists">{() => <ListsSection />}</StaffShell>;
    case 'inbox':
      return <StaffShell section="inbox">{() => <InboxSection id={params.id} />}</StaffShell>;
    case 'security':
      return <StaffShell section="security">{() => <SecuritySection />}</StaffShell>;
    case 'accounts':
      return <StaffShell section="accounts">{(me) => <AccountsSection selfId={me.staff.id} />}</StaffShell>;
    // Institution set-up (issue 6 §1): registration is public, the rest need a session.
    case 'register':
      return <RegisterPage />;
    case 'link':
      return <StaffShell section="link">{(me) => <LinkSection me={me} />}</StaffShell>;
    case 'poster':
      return <StaffShell section="poster">{() => <PosterSection />}</StaffShell>;
    case 'settings':
      return <StaffShell section="settings">{() => <SettingsSection />}</StaffShell>;
    case 'devices':
      return <StaffShell section="devices">{() => <DevicesSection />}</StaffShell>;
    case 'consents':
      return <StaffShell section="consents">{() => <ConsentDashboardSection />}</StaffShell>;
    case 'persons':
      if (params.id === undefined) return <NotFoundPage />;
      return <StaffShell section="persons">{(me) => <PersonSection personRef={params.id!} me={me} />}</StaffShell>;
    case 'clinical':
      return <StaffShell section="clinical">{(me) => <ClinicalSection me={me} personRef={params.id} />}</StaffShell>;
    case 'audit':
      return <StaffShell section="audit">{(me) => <AuditSection me={me} />}</StaffShell>;
    // Issue 19 #2: credentials of the clinic's own systems (administrators).
    case 'api-clients':
      return <StaffShell section="apiClients">{() => <ApiClientsSection />}</StaffShell>;
    // Issue 19 #3: the change feed's webhook endpoint and its dead letters (administrators).
    case 'webhooks':
      return <StaffShell section="webhooks">{() => <WebhooksSection />}</StaffShell>;
    default:
      return <NotFoundPage />;
  }
}
