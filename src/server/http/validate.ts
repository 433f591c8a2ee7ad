import type { Context } from 'hono';
import type { z } from '../../domain/shared/zod.ts';
import { InvalidJsonError, UnsupportedMediaTypeError, validationErrorFrom } from './errors.ts';

/** Reads and validates a JSON body. Bad JSON and schema failures become the one error shape. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError();
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new InvalidJsonError();
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationErrorFrom(parsed.error);
  return parsed.data;
}
