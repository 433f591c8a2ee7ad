/**
 * Record ids are random UUIDs. A path parameter is checked against this before any query, so an
 * id that cannot exist (a NUL byte, which PostgreSQL refuses in text, or a megabyte of text) is
 * simply "not found" instead of reaching the database.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
