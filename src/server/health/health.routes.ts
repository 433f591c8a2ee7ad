import { Hono } from 'hono';
import type { HealthResponse } from '../../domain/shared/api.ts';
import type { AppEnv } from '../http/app-env.ts';

export function healthRoutes(schemaVersion: string) {
  return new Hono<AppEnv>().get('/', (c) => {
    const body: HealthResponse = {
      status: 'ok',
      schemaVersion,
      database: c.var.dialect,
      time: c.var.now().toISOString(),
      cardRevocation: c.var.national.cardTrust.status(c.var.now()),
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });
}
