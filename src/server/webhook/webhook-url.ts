import { WEBHOOK_URL_MAX } from '../../domain/change-feed/change-feed.ts';

export type WebhookUrlProblem = 'not_url' | 'not_https' | 'credentials' | 'too_long';

/**
 * Only `https://` endpoints, no user:password in the URL, no fragment. `allowLocalHttp` (the
 * WEBHOOK_ALLOW_LOCAL_HTTP flag, tests and demos only) also admits `http://` to localhost,
 * 127.0.0.1 and [::1]. Where the name points is checked by the server (private addresses).
 */
export function checkWebhookUrl(value: string, allowLocalHttp: boolean): { ok: true; url: string } | { ok: false; problem: WebhookUrlProblem } {
  if (value.length > WEBHOOK_URL_MAX) return { ok: false, problem: 'too_long' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: 'not_url' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'credentials' };
  const localHttp = url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(allowLocalHttp && localHttp)) return { ok: false, problem: 'not_https' };
  url.hash = '';
  return { ok: true, url: url.toString() };
}
