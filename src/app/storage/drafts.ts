import type { GuideOutcome } from '../../domain/fallback/fallback-guide.ts';
import { decryptJson, encryptJson, UnreadablePayloadError } from './crypto.ts';
import { database, DRAFTS, OUTBOX, type DraftRecord } from './db.ts';

/** A declaration being filled in, autosaved so nothing typed is lost when the tablet sleeps (D3, P4). */
export interface DeclarationDraft {
  id: string;
  linkToken: string;
  form: Record<string, unknown>;
  guide: GuideOutcome | null;
  updatedAt: number;
  /** Only what the result screen filled in; see DraftRecord. */
  prefilledOnly?: true;
}

/** What is encrypted: everything that may name the patient. */
interface DraftContent {
  form: Record<string, unknown>;
  guide: GuideOutcome | null;
}

/** Saves the draft, encrypted. A form already in the outbox is not saved again as a draft. */
export async function saveDraft(draft: DeclarationDraft): Promise<void> {
  const content: DraftContent = { form: draft.form, guide: draft.guide };
  const { keyId, payload } = await encryptJson(content, DRAFTS, draft.id);
  const record: DraftRecord = { id: draft.id, linkToken: draft.linkToken, updatedAt: draft.updatedAt, keyId, payload, ...(draft.prefilledOnly ? { prefilledOnly: true } : {}) };
  const db = await database();
  const tx = db.transaction([DRAFTS, OUTBOX], 'readwrite');
  // A late autosave after 送信 must not bring the submitted form back as a draft.
  if ((await tx.objectStore(OUTBOX).getKey(draft.id)) === undefined) await tx.objectStore(DRAFTS).put(record);
  await tx.done;
}

/** The newest draft for this link that can still be read; null when there is none. */
export async function loadDraft(linkToken: string): Promise<DeclarationDraft | null> {
  const db = await database();
  const records = await db.getAllFromIndex(DRAFTS, 'by-link', linkToken);
  records.sort((a, b) => b.updatedAt - a.updatedAt);
  for (const record of records) {
    try {
      const content = await decryptJson<DraftContent>(record.payload, record.keyId, DRAFTS, record.id);
      return {
        id: record.id,
        linkToken: record.linkToken,
        form: content.form,
        guide: content.guide,
        updatedAt: record.updatedAt,
        ...(record.prefilledOnly ? { prefilledOnly: true as const } : {}),
      };
    } catch (err) {
      // A draft whose key is gone cannot be shown; an older readable one may still help.
      if (!(err instanceof UnreadablePayloadError)) throw err;
    }
  }
  return null;
}

export async function deleteDraft(id: string): Promise<void> {
  const db = await database();
  await db.delete(DRAFTS, id);
}
