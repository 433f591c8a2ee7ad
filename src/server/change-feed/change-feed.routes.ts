import { Hono } from 'hono';
import { parseCursor, parseFeedLimit } from '../../domain/change-feed/change-feed.ts';
import { requireApiClient } from '../api-client/api-client-auth.ts';
import type { AppEnv } from '../http/app-env.ts';
import { FeedCursorInvalidError } from './change-feed-errors.ts';
import { changesAfter, recordExpiredConsents } from './change-feed.service.ts';

/**
 * Issue 19 #3 (mounted at /api/feed): `GET /changes?after=<cursor>&limit=<n>` for API clients
 * with `feed.read`. Only the client's institution's events, in order, after the cursor; a cursor
 * that is malformed, or beyond the end of this institution's feed (forged, or another
 * institution's), is refused with 400 `feed_cursor_invalid`.
 */
export const changeFeedRoutes = new Hono<AppEnv>().get('/changes', requireApiClient('feed.read'), async (c) => {
  // Each parameter at most once: `after=1&after=9` names no one cursor.
  if ((c.req.queries('after')?.length ?? 0) > 1 || (c.req.queries('limit')?.length ?? 0) > 1) throw new FeedCursorInvalidError();
  const after = parseCursor(c.req.query('after'));
  const limit = parseFeedLimit(c.req.query('limit'));
  if (after === null || limit === null) throw new FeedCursorInvalidError();
  const institutionId = c.var.apiClient.institutionId;
  // Expiries that have happened are recorded before the read, so a poll never misses one.
  await recordExpiredConsents(c.var.db, c.var.now(), institutionId);
  return c.json(await changesAfter(c.var.db, institutionId, after, limit));
});
