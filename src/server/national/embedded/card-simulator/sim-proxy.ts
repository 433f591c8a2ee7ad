import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../../../http/app-env.ts';
import { NotFoundError, PayloadTooLargeError } from '../../../http/errors.ts';
import type { CardSimulatorLink } from './sim-link.ts';
import { CardSimulatorUnavailableError } from './card-sim-errors.ts';

const MAX_BODY_BYTES = 16 * 1024;

/**
 * `/sim/api` on the reception's origin, forwarded to the simulator process (issue 12 #3), so the
 * card-app page stays same-origin. Only the simulator's own routes are forwarded, and only the
 * body, its type and the status come back.
 */
export function cardSimulatorProxy(link: CardSimulatorLink): Hono<AppEnv> {
  const forward = async (c: Context<AppEnv>) => {
    const method = c.req.method;
    const init: RequestInit = { method, headers: { accept: 'application/json' } };
    if (method !== 'GET' && method !== 'HEAD') {
      init.headers = { accept: 'application/json', 'content-type': c.req.header('content-type') ?? 'application/octet-stream' };
      init.body = await c.req.arrayBuffer();
    }
    let upstream: Response;
    let body: ArrayBuffer;
    try {
      upstream = await link(c.req.path, init);
      body = await upstream.arrayBuffer();
    } catch {
      throw new CardSimulatorUnavailableError();
    }
    return new Response(body, {
      status: upstream.status,
      headers: { 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' },
    });
  };
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new PayloadTooLargeError();
    },
  });
  return new Hono<AppEnv>()
    .use(async (c, next) => {
      await next();
      c.res.headers.set('Cache-Control', 'no-store');
    })
    .get('/cards', forward)
    .get('/cards/:id', forward)
    .post('/cards/:id/sign', limit, forward)
    .all('/*', () => {
      // An unknown simulator path is a JSON 404, not the app's HTML shell (the static fallback).
      throw new NotFoundError('There is no such API endpoint.');
    });
}
