import { badInput } from '../errors/domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its textual form (any case): what the database's `uuid` columns accept. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * The ids a batched look-up asks the database for: each once, lowercase (the form PostgreSQL
 * answers with, so answers can be keyed by them), and only UUIDs: anything else names no row, so
 * it is simply absent from the answer rather than a failed uuid cast. More than `max` ids is the
 * caller's mistake (BAD_USER_INPUT).
 */
export function uuidsToLookUp(ids: readonly unknown[], max: number, what: string): string[] {
  if (ids.length > max) throw badInput(`at most ${max} ${what} per look-up, got ${ids.length}`);
  return [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
}
