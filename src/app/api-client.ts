import type { ApiErrorBody, ErrorCode } from '../domain/shared/api.ts';

/** What a failed call tells the screen: a server error code, or that the network failed. */
export type ApiFailure =
  | { kind: 'network' }
  | {
      kind: 'server';
      status: number;
      code: ErrorCode | 'unknown';
      /** The server's fixed sentence (English, never echoing input), for a reason kept on the device. */
      message?: string;
      fields?: Record<string, string>;
      /** Extra facts some errors carry, such as the PIN attempts left on a simulated card. */
      attemptsRemaining?: number;
    };

export type ApiResult<T> = { ok: true; data: T } | { ok: false; failure: ApiFailure };

/** The one way the app talks to the server (`/api`, and the simulator's `/sim/api`): JSON in, JSON out, errors as values, never thrown. */
export async function api<T>(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    base?: '/api' | '/sim/api';
    signal?: AbortSignal;
    /** Issue 12 #15: an enrolled tablet signs this request (the institution's public endpoints); others send it as is. */
    signed?: boolean;
  } = {},
): Promise<ApiResult<T>> {
  let response: Response;
  const url = `${init.base ?? '/api'}${path}`;
  const method = init.method ?? 'GET';
  const body = init.body === undefined ? null : JSON.stringify(init.body);
  try {
    // Loaded on first use: only the outbox and the reception sign, and only enrolled tablets have a key.
    const signature = init.signed ? await (await import('./device-key.ts')).signatureHeaders(method, url.split('?')[0]!, body ?? '') : {};
    response = await fetch(url, {
      method,
      headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers, ...signature },
      body,
      credentials: 'same-origin',
      signal: init.signal ?? null,
    });
  } catch {
    return { ok: false, failure: { kind: 'network' } };
  }
  return toResult<T>(response);
}

/**
 * Sends a file's bytes as they are (a CSV upload, text/csv) and reads the JSON answer the same way
 * as `api`. The content type carries the charset the page detected.
 */
export async function apiUpload<T>(path: string, body: Uint8Array<ArrayBuffer>, contentType: string, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body, credentials: 'same-origin' });
  } catch {
    return { ok: false, failure: { kind: 'network' } };
  }
  return toResult<T>(response);
}

/**
 * Sent on `window` when the server answers `session_locked` (issue 12 #10): the staff console
 * shows its lock screen, whichever screen made the call.
 */
export const SESSION_LOCKED_EVENT = 'zaitaku:session-locked';

async function toResult<T>(response: Response): Promise<ApiResult<T>> {
  if (response.status === 204) return { ok: true, data: undefined as T };
  const json: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, data: json as T };
  const error = (json as (ApiErrorBody & { error: { attemptsRemaining?: unknown } }) | null)?.error;
  if (error?.code === 'session_locked' && typeof window !== 'undefined') window.dispatchEvent(new Event(SESSION_LOCKED_EVENT));
  return {
    ok: false,
    failure: {
      kind: 'server',
      status: response.status,
      code: error?.code ?? 'unknown',
      ...(typeof error?.message === 'string' ? { message: error.message } : {}),
      ...(error?.fields ? { fields: error.fields } : {}),
      ...(typeof error?.attemptsRemaining === 'number' ? { attemptsRemaining: error.attemptsRemaining } : {}),
    },
  };
}
