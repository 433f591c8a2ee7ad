import type { Context } from 'hono';
import type { z } from '../../domain/shared/zod.ts';
import { InvalidJsonError, UnsupportedMediaTypeError, ValidationError, validationErrorFrom } from './errors.ts';

/** What a field holding a NUL character is told: the message names the rule, never the value. */
export const NUL_MESSAGE = 'Must not contain the NUL character (U+0000).';

/**
 * The path (as validation errors name fields) of the first string or key in a parsed body that
 * holds a NUL character, or null. No field has a use for one, and PostgreSQL cannot store it in
 * text: it answered such a login id with a 500 where SQLite said "wrong password" (found by the
 * fuzz in the PostgreSQL lane).
 */
export function nulCharacterPath(value: unknown, path: readonly (string | number)[] = []): string | null {
  const here = (): string => (path.length > 0 ? path.join('.') : '(body)');
  if (typeof value === 'string') return value.includes('\u0000') ? here() : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulCharacterPath(value[i], [...path, i]);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return here();
      const found = nulCharacterPath(item, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}

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
  const nulAt = nulCharacterPath(body);
  if (nulAt !== null) throw new ValidationError({ [nulAt]: NUL_MESSAGE });
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationErrorFrom(parsed.error);
  return parsed.data;
}
