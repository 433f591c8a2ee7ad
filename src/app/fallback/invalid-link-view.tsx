import { useEffect, useState } from 'preact/hooks';
import { declarationSchema } from '../../domain/declaration/declaration-schema.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { LinkInvalidPage } from '../reception/link-invalid-page.tsx';
import { loadDraft, type DeclarationDraft } from '../storage/drafts.ts';
import { enqueueDeclaration } from '../storage/outbox.ts';
import { formStateFrom, hasContent } from './form-state.ts';

type DraftState =
  | { kind: 'none' }
  | { kind: 'kept'; draft: DeclarationDraft; sendable: boolean }
  | { kind: 'queued' }
  | { kind: 'failed'; draft: DeclarationDraft; sendable: boolean };

/**
 * The fallback of a link the server said is no longer valid (product rule of issue 15): the
 * invalid-link page, plus what happens to a declaration typed under the old link before it was
 * reissued. That draft is never deleted here; the nurse may queue it, and it then waits as
 * "needs attention" until the clinic's current link is opened on this device (issue 12 #13).
 */
export function InvalidLinkView({ token }: { token: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<DraftState>({ kind: 'none' });

  useEffect(() => {
    let current = true;
    void loadDraft(token)
      .then((draft) => {
        if (!current || !draft) return;
        const form = formStateFrom(draft.form, token);
        if (!hasContent(form)) return;
        setState({ kind: 'kept', draft, sendable: declarationSchema.safeParse(form).success });
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [token]);

  async function queue(draft: DeclarationDraft) {
    const parsed = declarationSchema.safeParse(formStateFrom(draft.form, token));
    if (!parsed.success) return;
    try {
      // The same path as 送信: the draft leaves storage in the outbox's transaction, not before.
      await enqueueDeclaration({ ...parsed.data }, draft.guide);
      setState({ kind: 'queued' });
    } catch {
      setState({ kind: 'failed', draft, sendable: true });
    }
  }

  return (
    <>
      <LinkInvalidPage />
      {(state.kind === 'kept' || state.kind === 'failed') && (
        <section class="card fb-invalid-draft" aria-labelledby="fb-invalid-draft-title" data-testid="invalid-link-draft">
          <h2 id="fb-invalid-draft-title">{t('fb.invalidLink.draftTitle')}</h2>
          <p>{t('fb.invalidLink.draftKept')}</p>
          {state.sendable ? (
            <>
              <p>{t('fb.invalidLink.draftQueueHint')}</p>
              <button type="button" class="button primary" onClick={() => void queue(state.draft)}>
                {t('fb.invalidLink.draftQueue')}
              </button>
            </>
          ) : (
            <p class="hint">{t('fb.invalidLink.draftNotSendable')}</p>
          )}
          {state.kind === 'failed' && (
            <p class="message error" role="alert">
              {t('fb.form.queueFailed')}
            </p>
          )}
        </section>
      )}
      {state.kind === 'queued' && (
        <p class="message notice" role="status">
          {t('fb.invalidLink.draftQueued')}
        </p>
      )}
    </>
  );
}
