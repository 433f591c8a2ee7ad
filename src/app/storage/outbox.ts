import type { DeclarationReceipt } from '../../domain/declaration/declaration-api.ts';
import type { GuideOutcome } from '../../domain/fallback/fallback-guide.ts';
import type { GuideRecord, GuideRecordReceipt } from '../../domain/fallback/guide-record.ts';
import { OUTBOX_SYNC_TAG } from '../../domain/shared/sw-messages.ts';
import type { DeclarationKeyDto, SealedEnvelope, SealedKind } from '../../domain/declaration/sealed-envelope.ts';
import { api } from '../api-client.ts';
import { deviceId } from '../device-id.ts';
import { onServiceWorkerMessage, requestBackgroundSync } from '../sw-bridge.ts';
import { currentDeviceKey, decryptJson, encryptJson, UnreadablePayloadError } from './crypto.ts';
import { database, DRAFTS, OUTBOX, type DeviceKeyRecord, type OutboxError, type OutboxRecord, type OutboxRecordKind } from './db.ts';
import { institutionKeyFor, rememberInstitutionKey } from './institution-keys.ts';
import { sealJson } from './seal.ts';

/**
 * The outbox of submitted declarations (P4). Our own store with explicit states, never workbox
 * background-sync (STYLE): queued → sending → acknowledged (purged) | rejected (4xx, kept with the
 * server's reason) | attention (link reissued or device revoked: kept, sent again once a valid link
 * of the institution is opened, issue 12 #13). An entry leaves the device only once the server has
 * returned its receipt; the form's client id makes every resend harmless (the server stores it once).
 *
 * issue 12 #7: what waits is sealed to the institution's public key (seal.ts), which nothing on
 * the device can open. Only when no key could be had yet (queued offline on a device that never
 * reached the institution) is it kept encrypted with the device key, and sealed on the next pass.
 */

export type OutboxState = 'queued' | 'sending' | 'rejected' | 'attention';

/** Refusals that mean "not here, not now", not "this form is wrong" (issue 12 #13). */
const REROUTABLE = new Set(['link_invalid', 'device_revoked']);
/** How long queueing waits for an uncached institution key before keeping the form device-encrypted. */
const KEY_LOOKUP_MS = 5_000;

export interface OutboxEntrySummary {
  id: string;
  /** A declaration form, or a guide outcome without a form (issue 5 §2). */
  kind: OutboxRecordKind;
  state: OutboxState;
  attempts: number;
  queuedAt: number;
  lastError: OutboxError | null;
}

export interface FlushResult {
  sent: number;
  rejected: number;
  /** Readable entries still to send (queued, or left 'sending'). */
  waiting: number;
  /** Entries whose key is gone: never sent, never counted above. */
  unreadable: number;
}

export type OutboxListener = (entries: OutboxEntrySummary[], unreadable: number) => void;

type SubmittedForm = Record<string, unknown> & { id: string; linkToken: string };

/** What is encrypted for a declaration: the form and the guide's outcome, exactly as they will be sent. */
interface OutboxContent {
  form: SubmittedForm;
  guide: GuideOutcome | null;
}

/** What is encrypted for a guide outcome without a form: the record, exactly as it will be sent. */
interface GuideRecordContent {
  record: GuideRecord;
}

type AnyContent = OutboxContent | GuideRecordContent;

const isGuideRecordContent = (content: AnyContent): content is GuideRecordContent => 'record' in content;

const LOCK_NAME = 'zaitaku.outbox.flush';
const CHANNEL_NAME = 'zaitaku.outbox';
/** issue 21 #3: the retry while entries wait starts at 5 s and doubles to 5 min; a success, `online` or the page shown resets it. */
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 300_000;
/** A hung connection must not hold the sender's lock for ever; a signature is at most ~200 kB. */
const SEND_TIMEOUT_MS = 60_000;
/** Without Web Locks, a 'sending' entry younger than this belongs to another tab's pass. */
const CLAIM_LEASE_MS = SEND_TIMEOUT_MS + 15_000;

// ---------------------------------------------------------------------------------------------
// Reading and changing records.

/** Sendable: sealed (no device key needed), or encrypted with the device key still here. */
function isReadable(record: OutboxRecord, key: DeviceKeyRecord | null): boolean {
  if (record.envelope) return true;
  return !record.unreadable && key !== null && record.keyId === key.keyId && record.payload !== undefined;
}

const isWaiting = (state: OutboxState) => state === 'queued' || state === 'sending';

/** Where a content goes and what is sent (the server's request body, before sealing). */
function requestOf(content: AnyContent): { kind: SealedKind; id: string; linkToken: string; body: Record<string, unknown> } {
  if (isGuideRecordContent(content)) return { kind: 'guideRecord', id: content.record.id, linkToken: content.record.linkToken, body: { ...content.record } };
  return { kind: 'declaration', id: content.form.id, linkToken: content.form.linkToken, body: content.guide ? { ...content.form, guideOutcome: content.guide } : content.form };
}

/**
 * The stored form of a content: sealed to the institution when its key is known (cached, or asked
 * for now), else encrypted with the device key until a pass can seal it.
 */
async function protect(content: AnyContent): Promise<Pick<OutboxRecord, 'envelope' | 'keyId' | 'payload' | 'linkToken'>> {
  const request = requestOf(content);
  const signal = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(KEY_LOOKUP_MS) : undefined;
  const key = await institutionKeyFor(request.linkToken, signal).catch(() => null);
  if (key) return { envelope: await sealJson(key, request.kind, request.id, request.linkToken, request.body) };
  const { keyId, payload } = await encryptJson(content, OUTBOX, request.id);
  return { keyId, payload, linkToken: request.linkToken };
}

/** The record with its device-encrypted content replaced by the envelope (a new content: a new rev). */
function sealedRecord(record: OutboxRecord, envelope: SealedEnvelope): OutboxRecord {
  const next: OutboxRecord = { ...record, rev: crypto.randomUUID(), envelope };
  delete next.payload;
  delete next.keyId;
  delete next.linkToken;
  delete next.unreadable;
  return next;
}

function summaryOf(record: OutboxRecord): OutboxEntrySummary {
  return { id: record.id, kind: record.kind ?? 'declaration', state: record.state, attempts: record.attempts, queuedAt: record.queuedAt, lastError: record.lastError };
}

async function snapshot(): Promise<{ entries: OutboxEntrySummary[]; unreadable: number }> {
  const db = await database();
  const [records, key] = await Promise.all([db.getAll(OUTBOX), currentDeviceKey()]);
  const readable = records.filter((r) => isReadable(r, key)).sort((a, b) => a.queuedAt - b.queuedAt);
  return { entries: readable.map(summaryOf), unreadable: records.length - readable.length };
}

/**
 * Applies `next` to the record in one transaction, only if its content is still the one we read
 * (`rev`): a send that ends late never overwrites a newer version, nor revives a cleared one.
 */
async function change(id: string, rev: string, next: (record: OutboxRecord) => OutboxRecord | null): Promise<OutboxRecord | null> {
  const db = await database();
  const tx = db.transaction(OUTBOX, 'readwrite');
  const current = await tx.store.get(id);
  const updated = current && current.rev === rev ? next(current) : null;
  if (updated) await tx.store.put(updated);
  await tx.done;
  return updated;
}

async function removeIfUnchanged(id: string, rev: string): Promise<void> {
  const db = await database();
  const tx = db.transaction(OUTBOX, 'readwrite');
  const current = await tx.store.get(id);
  if (current && current.rev === rev) await tx.store.delete(id);
  await tx.done;
}

// ---------------------------------------------------------------------------------------------
// Change notification, in this tab and across tabs.

const listeners = new Set<OutboxListener>();
let channel: BroadcastChannel | null | undefined;
let notifying = false;
let notifyAgain = false;

function broadcastChannel(): BroadcastChannel | null {
  if (channel === undefined) {
    channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null;
    if (channel) channel.onmessage = () => void notifyLocal();
  }
  return channel;
}

/** Reads the outbox once for however many changes arrive meanwhile. */
async function notifyLocal(): Promise<void> {
  if (listeners.size === 0) return;
  if (notifying) {
    notifyAgain = true;
    return;
  }
  notifying = true;
  try {
    do {
      notifyAgain = false;
      const { entries, unreadable } = await snapshot();
      for (const listener of listeners) listener(entries, unreadable);
    } while (notifyAgain);
  } catch {
    // Storage unavailable: listeners keep what they last had.
  } finally {
    notifying = false;
  }
}

function changed(): void {
  void notifyLocal();
  broadcastChannel()?.postMessage('changed');
}

/** Calls `listener` at once with the current entries, then on every change (other tabs too). */
export function subscribeOutbox(listener: OutboxListener): () => void {
  listeners.add(listener);
  broadcastChannel();
  snapshot().then(
    ({ entries, unreadable }) => {
      if (listeners.has(listener)) listener(entries, unreadable);
    },
    () => undefined,
  );
  return () => listeners.delete(listener);
}

export async function outboxSummaries(): Promise<OutboxEntrySummary[]> {
  return (await snapshot()).entries;
}

/** How many entries cannot be read any more (their key was cleared); they are never sent. */
export async function unreadableOutboxCount(): Promise<number> {
  return (await snapshot()).unreadable;
}

// ---------------------------------------------------------------------------------------------
// Enqueue, discard, clear.

/** Encrypts and stores the form as 'queued', removes its draft in the same transaction, then tries to send. */
export async function enqueueDeclaration(form: SubmittedForm, guide: GuideOutcome | null): Promise<void> {
  const content: OutboxContent = { form, guide };
  const record: OutboxRecord = {
    id: form.id,
    state: 'queued',
    rev: crypto.randomUUID(),
    attempts: 0,
    queuedAt: Date.now(),
    lastAttemptAt: null,
    lastError: null,
    ...(await protect(content)),
  };
  const db = await database();
  const tx = db.transaction([OUTBOX, DRAFTS], 'readwrite');
  await tx.objectStore(OUTBOX).put(record);
  await tx.objectStore(DRAFTS).delete(form.id);
  await tx.done;
  changed();
  flushInBackground();
}

/**
 * Encrypts and stores a guide outcome without a form (issue 5 §2) as 'queued', then tries to
 * send. The caller validated it with guideRecordSchema; its id is the idempotency key.
 */
export async function enqueueGuideRecord(record: GuideRecord): Promise<void> {
  const content: GuideRecordContent = { record };
  const entry: OutboxRecord = {
    id: record.id,
    kind: 'guideRecord',
    state: 'queued',
    rev: crypto.randomUUID(),
    attempts: 0,
    queuedAt: Date.now(),
    lastAttemptAt: null,
    lastError: null,
    ...(await protect(content)),
  };
  const db = await database();
  await db.put(OUTBOX, entry);
  changed();
  flushInBackground();
}

/** Removes a rejected (or needing attention) entry: a staff choice after reading the reason. Other states are left alone. */
export async function discardRejected(id: string): Promise<void> {
  const db = await database();
  const tx = db.transaction(OUTBOX, 'readwrite');
  const record = await tx.store.get(id);
  if (record?.state === 'rejected' || record?.state === 'attention') await tx.store.delete(id);
  await tx.done;
  changed();
}

/** Staff "clear this device": every draft and outbox entry, sent or not. The caller confirms first. */
export async function clearDevice(): Promise<void> {
  const db = await database();
  const tx = db.transaction([DRAFTS, OUTBOX], 'readwrite');
  await Promise.all([tx.objectStore(DRAFTS).clear(), tx.objectStore(OUTBOX).clear(), tx.done]);
  changed();
}

/**
 * A valid link of an institution was opened on this device (its public details came back, so the
 * link is current and the device allowed): remember its key, re-address this institution's
 * entries to the link (sealed ones are recognised by the institution key id), put those needing
 * attention back in the queue, and send (issue 12 #13). The server's idempotency by id makes a
 * form that had in fact arrived harmless. Returns how many entries were changed.
 */
export async function noteInstitutionLink(linkToken: string, key: DeclarationKeyDto): Promise<number> {
  await rememberInstitutionKey(linkToken, key);
  const db = await database();
  const tx = db.transaction(OUTBOX, 'readwrite');
  let moved = 0;
  for (const record of await tx.store.getAll()) {
    if (record.state === 'rejected' || record.state === 'sending') continue;
    const sameInstitution = record.envelope ? record.envelope.keyId === key.keyId : record.linkToken === linkToken;
    if (!sameInstitution) continue;
    const readdress = record.envelope !== undefined && record.envelope.linkToken !== linkToken;
    const requeue = record.state === 'attention';
    if (!readdress && !requeue) continue;
    const next: OutboxRecord = { ...record, rev: crypto.randomUUID(), state: 'queued', lastError: requeue ? null : record.lastError };
    if (readdress && record.envelope) next.envelope = { ...record.envelope, linkToken };
    await tx.store.put(next);
    moved++;
  }
  await tx.done;
  if (moved > 0) {
    changed();
    flushInBackground();
  }
  return moved;
}

// ---------------------------------------------------------------------------------------------
// Sending.

type SendOutcome = { kind: 'acknowledged' } | { kind: 'rejected'; error: OutboxError } | { kind: 'retry'; offline: boolean; error: OutboxError };

function isReceiptFor(data: unknown, id: string): boolean {
  const receipt = data as Partial<DeclarationReceipt> | null;
  return typeof receipt?.id === 'string' && receipt.id.toLowerCase() === id.toLowerCase() && typeof receipt.receivedAt === 'string';
}

/** Sends begun while the browser said it was offline: some engines hold them open; `online` ends them (retried at once). */
const offlineSends = new Set<AbortController>();

async function send(kind: SealedKind, id: string, body: unknown): Promise<SendOutcome> {
  const path = kind === 'guideRecord' ? '/public/guide-records' : '/public/declarations';
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), SEND_TIMEOUT_MS);
  if (!navigator.onLine) offlineSends.add(controller);
  let result;
  try {
    result = await api<DeclarationReceipt | GuideRecordReceipt>(path, { method: 'POST', body, headers: { 'x-device-id': deviceId() }, signal: controller.signal, signed: true });
  } finally {
    clearTimeout(timeout);
    offlineSends.delete(controller);
  }
  if (result.ok) {
    // Only the receipt lets the device forget the entry (a portal page answering 200 is not one).
    if (isReceiptFor(result.data, id)) return { kind: 'acknowledged' };
    return { kind: 'retry', offline: false, error: { code: 'unexpected_response', message: 'The server did not confirm receipt.' } };
  }
  const failure = result.failure;
  if (failure.kind === 'network') return { kind: 'retry', offline: true, error: { code: 'network', message: 'The connection failed.' } };
  const error: OutboxError = {
    code: failure.code,
    message: failure.message ?? `HTTP ${failure.status}`,
    ...(failure.fields ? { fields: failure.fields } : {}),
  };
  // A refusal is final only when it is our server's (a proxy's 4xx carries no error code),
  // and not one of the "try later" statuses.
  const final = failure.status >= 400 && failure.status < 500 && failure.status !== 408 && failure.status !== 429 && failure.code !== 'unknown';
  return final ? { kind: 'rejected', error } : { kind: 'retry', offline: false, error };
}

/**
 * Whether this pass may take the entry. Under the cross-tab lock a 'sending' entry was left by a
 * sender that died; without Web Locks it may be another tab's send under way, so it is taken only
 * once its lease has run out. Checked inside the claiming transaction (IndexedDB serialises them).
 */
function claimable(r: OutboxRecord, exclusive: boolean): boolean {
  if (r.state === 'queued') return true;
  return r.state === 'sending' && (exclusive || Date.now() - (r.lastAttemptAt ?? 0) > CLAIM_LEASE_MS);
}

/** One pass over the outbox, oldest first. `exclusive`: the caller holds the cross-tab lock. */
async function pass(exclusive: boolean): Promise<FlushResult> {
  const db = await database();
  const key = await currentDeviceKey();
  const candidates = (await db.getAll(OUTBOX)).filter((r) => claimable(r, exclusive) && isReadable(r, key)).sort((a, b) => a.queuedAt - b.queuedAt);
  let sent = 0;
  let rejected = 0;
  for (let record of candidates) {
    let kind: SealedKind;
    let body: unknown;
    if (record.envelope) {
      kind = record.envelope.kind;
      body = record.envelope;
    } else {
      let content: AnyContent;
      try {
        content = await decryptJson<AnyContent>(record.payload!, record.keyId!, OUTBOX, record.id);
      } catch (err) {
        if (!(err instanceof UnreadablePayloadError)) throw err;
        await change(record.id, record.rev, (r) => ({ ...r, unreadable: true }));
        changed();
        continue;
      }
      const request = requestOf(content);
      kind = request.kind;
      body = request.body;
      // Sealed as soon as the institution's key can be had; then only the envelope is kept.
      const institutionKey = await institutionKeyFor(request.linkToken).catch(() => null);
      if (institutionKey) {
        const envelope = await sealJson(institutionKey, request.kind, request.id, request.linkToken, request.body);
        const sealed = await change(record.id, record.rev, (r) => (claimable(r, exclusive) ? sealedRecord(r, envelope) : null));
        if (!sealed) continue;
        record = sealed;
        body = envelope;
        changed();
      }
      // No key (offline, or the link refused): sent as it is; the answer decides as for any entry.
    }
    const claimed = await change(record.id, record.rev, (r) =>
      claimable(r, exclusive) ? { ...r, state: 'sending', attempts: r.attempts + 1, lastAttemptAt: Date.now() } : null,
    );
    if (!claimed) continue;
    changed();
    const outcome = await send(kind, record.id, body);
    if (outcome.kind === 'acknowledged') {
      await removeIfUnchanged(record.id, record.rev);
      sent++;
    } else if (outcome.kind === 'rejected' && REROUTABLE.has(outcome.error.code)) {
      // issue 12 #13: kept as "needs attention", sent again once a valid link of the institution is opened.
      await change(record.id, record.rev, (r) => ({ ...r, state: 'attention', lastError: outcome.error }));
    } else if (outcome.kind === 'rejected') {
      await change(record.id, record.rev, (r) => ({ ...r, state: 'rejected', lastError: outcome.error }));
      rejected++;
    } else {
      await change(record.id, record.rev, (r) => ({ ...r, state: 'queued', lastError: outcome.error }));
    }
    changed();
    // No connection: the rest would fail the same way; they wait for the next trigger.
    if (outcome.kind === 'retry' && outcome.offline) break;
  }
  const after = await snapshot();
  return { sent, rejected, waiting: after.entries.filter((e) => isWaiting(e.state)).length, unreadable: after.unreadable };
}

/** One sender across tabs where the browser has Web Locks (else per-entry leases); within the page, one pass at a time anyway. */
function withSenderLock(work: (exclusive: boolean) => Promise<FlushResult>): Promise<FlushResult> {
  if ('locks' in navigator && typeof navigator.locks.request === 'function') return navigator.locks.request(LOCK_NAME, () => work(true));
  return work(false);
}

let running: Promise<FlushResult> | null = null;
let rerun: Promise<FlushResult> | null = null;

/**
 * Sends what waits. A call during a pass gets the pass that follows it (so an entry queued
 * meanwhile is included), and any number of such calls share that one pass.
 */
export function flushOutbox(): Promise<FlushResult> {
  if (!running) {
    running = withSenderLock(pass)
      .then(
        (result) => {
          afterFlush(result);
          return result;
        },
        (err: unknown) => {
          afterFlush(null);
          throw err;
        },
      )
      .finally(() => {
        running = null;
      });
    return running;
  }
  rerun ??= running
    .catch(() => undefined)
    .then(() => {
      rerun = null;
      return flushOutbox();
    });
  return rerun;
}

function flushInBackground(): void {
  flushOutbox().catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// When to send.

let syncStarted = false;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let retryDelay = RETRY_FIRST_MS;

/**
 * After each pass (`null`: it failed): while something waits, one retry after the back-off delay
 * (5 s, doubling to 5 min; reset by a pass that sent something, by `online` and by the page being
 * shown), since Safari and Firefox have no Background Sync and an `online` event may come before
 * the connection works. A Background Sync is asked for only while the browser knows it is
 * offline: it then fires when the connection returns. Asked for while "online" (a server down, a
 * portal), Chromium fires it at once and the sync, flush and re-register would spin.
 */
function afterFlush(result: FlushResult | null): void {
  if (!syncStarted) return;
  if (retryTimer !== null) clearTimeout(retryTimer);
  retryTimer = null;
  if (result && result.sent > 0) retryDelay = RETRY_FIRST_MS;
  if (result && result.waiting === 0) {
    retryDelay = RETRY_FIRST_MS;
    return;
  }
  retryTimer = setTimeout(() => {
    retryTimer = null;
    // Only the timer's own tries lengthen the wait: passes run by events never push it back.
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
    flushInBackground();
  }, retryDelay);
  if (!navigator.onLine) void requestBackgroundSync(OUTBOX_SYNC_TAG);
}

/** `online` or the page shown: the back-off starts again, and a send left hanging from offline ends. */
function flushNow(): void {
  retryDelay = RETRY_FIRST_MS;
  if (navigator.onLine) for (const controller of offlineSends) controller.abort();
  flushInBackground();
}

/**
 * Flushes at start, when the network returns, when the page becomes visible (or comes back from
 * the back-forward cache), on the back-off timer while entries wait, and when the service worker
 * relays a Background Sync. All of them go through flushOutbox, which runs one pass at a time
 * (a trigger during a pass shares the one pass that follows). Background Sync only adds chances
 * (Safari and Firefox have none); nothing depends on it. Safe to call more than once.
 */
export function startOutboxSync(): void {
  if (syncStarted) return;
  syncStarted = true;
  window.addEventListener('online', flushNow);
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) flushNow();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') flushNow();
  });
  onServiceWorkerMessage('FLUSH_OUTBOX', flushInBackground);
  flushInBackground();
}
