import type { Context } from 'hono';
import type { z } from '../../domain/shared/zod.ts';
import { InvalidJsonError, UnsupportedMediaTypeError, ValidationError, validationErrorFrom } from './errors.ts';

/** What a field holding a NUL character is told: the message names the rule, never the value. */
export const NUL_MESSAGE = 'Must not contain the NUL character (U+0000).';

/**
 * Whether a string or key anywhere in a parsed body holds a NUL character. No field has a use for
 * one, and PostgreSQL cannot store it in text: it answered such a login id with a 500 where SQLite
 * said "wrong password" (found by the fuzz in the PostgreSQL lane). A loop, not recursion: a body
 * may nest 60,000 deep (the fuzz sends one), deeper than the call stack.
 */
export function containsNulCharacter(body: unknown): boolean {
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      pending.push(...(value as unknown[]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        pending.push(item);
      }
    }
  }
  return false;
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
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationErrorFrom(parsed.error);
  // The field is not named: some bodies (a passkey's answer) keep keys the client chose, and an
  // error must not echo what was sent. Looked for in what the schema kept: what it dropped is
  // never stored.
  if (containsNulCharacter(parsed.data)) throw new ValidationError({ '(body)': NUL_MESSAGE });
  return parsed.data;
}
