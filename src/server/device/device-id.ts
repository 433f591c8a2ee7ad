import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import { HeaderInvalidError } from '../http/errors.ts';
import { isUuid } from '../../domain/shared/ids.ts';


/** Each browser keeps a random device id (the `x-device-id` header); it names the device in the audit trail (X5). */
export function deviceId(c: Context<AppEnv>): string {
  const id = c.req.header('x-device-id') ?? '';
  if (!isUuid(id)) throw new HeaderInvalidError('The device id header is missing or malformed.', { 'x-device-id': 'Send a UUID.' });
  return id.toLowerCase();
}
