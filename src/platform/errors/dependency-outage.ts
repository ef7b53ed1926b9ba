import { DomainError, unavailable } from './domain-error';

/**
 * A dependency (the database, Temporal, a broker) did not answer within the deadline the caller
 * gave it. Thrown by code that bounds a call itself (the webhook's durable write).
 */
export class DependencyTimeoutError extends Error {
  override readonly name = 'DependencyTimeoutError';
  constructor(
    readonly dependency: string,
    readonly timeoutMs: number,
  ) {
    super(`${dependency} did not answer within ${timeoutMs} ms`);
  }
}

/** Resolves as `work` does, or rejects with a DependencyTimeoutError after `timeoutMs`. */
export async function withDeadline<T>(dependency: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DependencyTimeoutError(dependency, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Socket errors: the peer is not there, went away, or the network cannot reach it. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that cannot serve now: class 08 (connection exception), 53300 (too many
 * connections), 57P01-57P03 (shutting down, crashed, starting up), 57014 (statement timeout).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P0[1-3]|57014)$/;

/**
 * What node-postgres and its pool say, without a code, when a connection ends or cannot be had,
 * and Temporal's `Connection.connect` when the server does not answer.
 */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Query read timeout',
  'Failed to connect before the deadline',
];

/** gRPC status codes (Temporal's client, another module's server) that say "not reachable now". */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** kafkajs errors of a broker that cannot be reached (any of them, however wrapped). */
const KAFKA_CONNECTION_ERRORS = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound']);

/**
 * True when `error` says a dependency is down or did not answer in time, rather than that the
 * request or our code is wrong: such a request is worth retrying later (UNAVAILABLE), never a
 * 500. Looks through the wrappers drivers and clients put around the cause (`cause`,
 * `AggregateError.errors`, TypeORM's `driverError`, kafkajs' `originalError`), a few levels deep.
 */
export function isDependencyOutage(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: Array<{ value: unknown; depth: number }> = [{ value: error, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value !== 'object' || value === null || seen.has(value) || depth > 5) continue;
    seen.add(value);
    if (value instanceof DomainError) {
      if (value.code === 'UNAVAILABLE') return true;
      continue;
    }
    if (saysUnavailable(value as Record<string, unknown>)) return true;
    const fields = value as { cause?: unknown; errors?: unknown; driverError?: unknown; originalError?: unknown };
    for (const inner of [fields.cause, fields.driverError, fields.originalError, ...(Array.isArray(fields.errors) ? fields.errors : [])]) {
      pending.push({ value: inner, depth: depth + 1 });
    }
  }
  return false;
}

function saysUnavailable(error: Record<string, unknown>): boolean {
  const { code, name, message } = error;
  if (error instanceof DependencyTimeoutError) return true;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  // A gRPC ServiceError: a numeric code next to `details` (grpc-js, and Temporal's client through it).
  if ((code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) && typeof error.details === 'string') return true;
  if (typeof name === 'string' && KAFKA_CONNECTION_ERRORS.has(name)) return true;
  // Temporal's client when its connection cannot be made at all.
  if (name === 'TransportError') return true;
  return typeof message === 'string' && CONNECTION_MESSAGES.some((text) => message.startsWith(text));
}

/** What every transport answers for a dependency outage: UNAVAILABLE (HTTP 503, gRPC UNAVAILABLE). */
export const DEPENDENCY_UNAVAILABLE_MESSAGE = 'A service this request needs is unavailable; retry later';

/**
 * The platform error for `error` when it is a dependency outage (a DomainError UNAVAILABLE that
 * says nothing about the dependency's address or driver), else null.
 */
export function asDependencyOutage(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error.code === 'UNAVAILABLE' ? error : null;
  return isDependencyOutage(error) ? unavailable(DEPENDENCY_UNAVAILABLE_MESSAGE) : null;
}

/** One line for the log: the error's own message and its first cause's (no stack: it is not a bug). */
export function outageSummary(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let i = 0; i < 3 && current; i++) {
    const { name, message, code } = current as { name?: unknown; message?: unknown; code?: unknown };
    parts.push([name, code, message].filter((part) => typeof part === 'string' || typeof part === 'number').join(' '));
    const fields = current as { cause?: unknown; driverError?: unknown; errors?: unknown };
    current = fields.cause ?? fields.driverError ?? (Array.isArray(fields.errors) ? fields.errors[0] : undefined);
  }
  return parts.filter(Boolean).join(' <- ');
}
