import { useRoute } from 'preact-iso/router';
import { NotFoundPage } from '../pages/not-found-page.tsx';
import { ListsSection } from './lists-section.tsx';
import { RequerySection } from './requery-section.tsx';
import { RevokeSection } from './revoke-section.tsx';
import { StaffShell } from './staff-shell.tsx';

/**
 * The staff lifecycle screens (/staff/revoke, /staff/requery, /staff/lists): revocation at the
 * clinic (X1, X2), re-query (Q1–Q5) and the lists (V2–V5). A separate chunk: it may use zod, and
 * a patient's phone never downloads it.
 */
export default function StaffLifecyclePage() {
  const { params } = useRoute();
  switch (params.section) {
    case 'revoke':
      return <StaffShell section="revoke">{() => <RevokeSection />}</StaffShell>;
    case 'requery':
      return <StaffShell section="requery">{() => <RequerySection />}</StaffShell>;
    case 'lists':
      return <StaffShell section="lists">{() => <ListsSection />}</StaffShell>;
    default:
      return <NotFoundPage />;
  }
}
