import { Hono } from 'hono';
import type { Db } from '../../../db/database.ts';
import type { AppEnv } from '../../../http/app-env.ts';
import { errorBody, handleError, NotFoundError } from '../../../http/errors.ts';
import { requestLog } from '../../../http/logger.ts';
import type { TestCaMaterial } from '../test-ca.ts';
import { createCardSimulatorRoutes } from './card-sim.routes.ts';

/** The simulator's public material, as the reception fetches it (no key ever leaves the simulator). */
export const SIM_CA_CERT_PATH = '/ca-cert.pem';
export const SIM_CRL_PATH = '/crl.pem';

/**
 * The card-app simulator as its own HTTP service (issue 12 #3): the card API at `/sim/api`, and
 * the demo CA's certificate and revocation list for the reception's trust set. It holds the CA
 * and card keys; the reception reaches it only over HTTP.
 */
export function createCardSimulatorApp(options: { db: Db; material: TestCaMaterial; now?: () => Date }): Hono<AppEnv> {
  const now = options.now ?? (() => new Date());
  const app = new Hono<AppEnv>();
  app.use(requestLog());
  app.use(async (c, next) => {
    c.set('db', options.db);
    c.set('dialect', 'sqlite');
    c.set('now', now);
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
  });
  const pem = (text: string) => new Response(text, { headers: { 'content-type': 'application/x-pem-file' } });
  app.get(SIM_CA_CERT_PATH, () => pem(options.material.caCertPem));
  app.get(SIM_CRL_PATH, () => pem(options.material.crlPem));
  app.route('/sim/api', createCardSimulatorRoutes(options.material));
  app.all('/sim/api/*', () => {
    throw new NotFoundError('There is no such API endpoint.');
  });
  app.notFound((c) => c.json(errorBody('not_found', 'The requested resource does not exist.'), 404));
  app.onError(handleError);
  return app;
}
