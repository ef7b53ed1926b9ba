import { badInput } from '../errors/domain-error';

/**
 * Text PostgreSQL cannot hold (ADR 0030): U+0000 (`text` and `jsonb` refuse it: "invalid byte
 * sequence" / "unsupported Unicode escape sequence"), and a lone UTF-16 surrogate, which has no
 * UTF-8 form (the driver would store U+FFFD instead, `jsonb` refuses its `\uD800` escape). Every
 * edge refuses such text before anything starts, so it can never reach a workflow that stores it
 * later and fails there for good.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` cannot be stored as PostgreSQL text, or null when it can. */
export function postgresTextProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate (not valid Unicode text)';
  return null;
}

export interface UnstorableText {
  /** Where it is: `fromAddress.name`, `shipmentIds[2]`. */
  path: string;
  problem: string;
}

export interface TextLimits {
  /** Longest string accepted anywhere in the value (a belt; fields have their own, tighter, limits). */
  maxLength?: number;
}

/** Deep enough for any request message of ours; deeper nesting is refused as such. */
const MAX_DEPTH = 16;

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * The first string in `value` (walked through objects and arrays) that PostgreSQL cannot hold, or
 * that is longer than `limits.maxLength`; null when there is none.
 */
export function findUnstorableText(value: unknown, path = '', limits: TextLimits = {}, depth = 0): UnstorableText | null {
  if (typeof value === 'string') {
    const problem = postgresTextProblem(value);
    if (problem) return { path, problem };
    if (limits.maxLength !== undefined && value.length > limits.maxLength) return { path, problem: `must be at most ${limits.maxLength} characters` };
    return null;
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null;
  if (depth >= MAX_DEPTH) return { path, problem: 'is nested too deeply' };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnstorableText(value[i], `${path}[${i}]`, limits, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const found = findUnstorableText(item, join(path, key), limits, depth + 1);
    if (found) return found;
  }
  return null;
}

/** The message an edge answers for `found`: the field named, its value never repeated. */
export const unstorableTextMessage = (found: UnstorableText) => `${found.path || 'value'} ${found.problem}`;

/** Throws BAD_USER_INPUT (naming the field) when `value` holds text PostgreSQL cannot store. */
export function assertStorableText(value: unknown, path = '', limits: TextLimits = {}): void {
  const found = findUnstorableText(value, path, limits);
  if (found) throw badInput(unstorableTextMessage(found), { field: found.path });
}

/** How much of a client's value an error message repeats. */
export const MAX_ECHOED_CHARACTERS = 64;

/** A client's value as an error message may show it: JSON-quoted, at most 64 characters, then "…". */
export function clientValue(value: unknown, max = MAX_ECHOED_CHARACTERS): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

const QUOTED = /"(?:[^"\\]|\\.)*"/g;

/**
 * An error message ready to leave: every quoted part (where GraphQL and our messages put the
 * client's values) cut to 64 characters, and the whole to `maxLength`.
 */
export function capErrorMessage(message: string, maxLength = 2000): string {
  const quotedCut = message.replace(QUOTED, (quoted) => (quoted.length > MAX_ECHOED_CHARACTERS + 2 ? `${quoted.slice(0, MAX_ECHOED_CHARACTERS + 1)}…"` : quoted));
  return quotedCut.length > maxLength ? `${quotedCut.slice(0, maxLength)}…` : quotedCut;
}
