/**
 * The RabbitMQ topology of one task queue, and the headers the adapter adds to a task's own.
 *
 * For a task queue `Q` there are three durable quorum queues, all reached through the default
 * exchange (routing key = queue name):
 *
 * - `Q`: the tasks. Its delivery limit is a backstop for a task whose handler never settles it
 *   (the process dies while handling it, again and again): after `POISON_DELIVERY_LIMIT` such
 *   deliveries the broker dead-letters it to `Q.dlq` itself.
 * - `Q.retry`: a task whose handler threw waits here for its per-message TTL (the retry delay),
 *   then the broker dead-letters it back to `Q` (at-least-once dead-lettering: the broker keeps
 *   the message until `Q` has confirmed it). A queue expires messages only at its head, so the
 *   delay is one fixed value (`retryDelayMs`), not a growing backoff; processes sharing `Q` with
 *   different delays would hold short delays behind long ones.
 * - `Q.dlq`: tasks that failed `maxDeliveries` times, or whose body is not JSON, with the reason.
 *   Nothing consumes it; an operator looks at it and moves tasks back by hand.
 *
 * Queue arguments are fixed (nothing here depends on the adapter's options), so every process
 * declares `Q` the same way whatever its `maxDeliveries` or `retryDelayMs`: RabbitMQ refuses a
 * declaration whose arguments differ from the existing queue's (406 PRECONDITION_FAILED).
 */

/** A backstop against a task that kills its consumer; handler failures are counted in a header. */
export const POISON_DELIVERY_LIMIT = 20;

export interface TaskQueueNames {
  readonly main: string;
  readonly retry: string;
  readonly deadLetter: string;
}

export function taskQueueNames(queue: string): TaskQueueNames {
  return { main: queue, retry: `${queue}.retry`, deadLetter: `${queue}.dlq` };
}

/** The longest task queue name: the retry queue's name must fit AMQP's 255 bytes. */
const MAX_QUEUE_NAME_BYTES = 255 - '.retry'.length;

export function assertTaskQueueName(queue: string): void {
  if (queue.length === 0) throw new Error('RabbitMQ task queue: the queue name is empty');
  if (Buffer.byteLength(queue, 'utf8') > MAX_QUEUE_NAME_BYTES) {
    throw new Error(`RabbitMQ task queue: queue name "${queue.slice(0, 40)}…" is longer than ${MAX_QUEUE_NAME_BYTES} bytes`);
  }
  if (queue.startsWith('amq.')) throw new Error(`RabbitMQ task queue: queue names starting with "amq." are reserved by RabbitMQ (${queue})`);
}

type QueueArguments = Record<string, string | number>;

const QUORUM: QueueArguments = { 'x-queue-type': 'quorum' };

/** Dead-letter through the default exchange to `target`, keeping the message until it is confirmed there. */
const deadLetterTo = (target: string): QueueArguments => ({
  'x-dead-letter-exchange': '',
  'x-dead-letter-routing-key': target,
  // At-least-once dead-lettering needs `reject-publish` overflow (no length limit is set, so it never applies).
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
});

/** The arguments of each queue, in the order to declare them (targets first). */
export function taskQueueDeclarations(queue: string): { name: string; arguments: QueueArguments }[] {
  const names = taskQueueNames(queue);
  return [
    { name: names.deadLetter, arguments: { ...QUORUM } },
    { name: names.main, arguments: { ...QUORUM, ...deadLetterTo(names.deadLetter), 'x-delivery-limit': POISON_DELIVERY_LIMIT } },
    { name: names.retry, arguments: { ...QUORUM, ...deadLetterTo(names.main) } },
  ];
}

/** Headers the adapter sets; they never reach a handler. */
export const TASK_HEADERS = {
  /** How many times a handler has thrown on this task so far. */
  failures: 'x-logisynapse-failures',
  /** The last handler error (or why the task was dead-lettered without one), truncated. */
  lastError: 'x-logisynapse-last-error',
  /** On a task in `Q.dlq`: `max-deliveries` or `malformed-json`. */
  deadLetterReason: 'x-logisynapse-dead-letter-reason',
  /** On a task in `Q.dlq`: the task queue it came from, and when (ISO 8601). */
  sourceQueue: 'x-logisynapse-queue',
  deadLetteredAt: 'x-logisynapse-dead-lettered-at',
  /** A random id per publish, to match a `basic.return` (unroutable) to its publish. */
  publishId: 'x-logisynapse-publish-id',
} as const;

export type DeadLetterReason = 'max-deliveries' | 'malformed-json';

const ADAPTER_PREFIX = 'x-logisynapse-';
/** Headers the broker adds on dead-lettering and redelivery (`x-last-death-*` from RabbitMQ 3.13). */
const BROKER_HEADERS = new Set(['x-death', 'x-delivery-count', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason']);
const isInternal = (name: string) => name.startsWith(ADAPTER_PREFIX) || name.startsWith('x-last-death-') || BROKER_HEADERS.has(name);

/** The task's own headers, as the producer gave them (string values), from a delivered message's headers. */
export function taskHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (isInternal(name) || value === undefined || value === null) continue;
    result[name] = headerString(value);
  }
  return result;
}

/** The headers to publish for a task: its own, minus any that would pass for the adapter's. */
export function publishableHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (isInternal(name)) throw new Error(`RabbitMQ task queue: header "${name}" is reserved for the adapter or the broker`);
    result[name] = value;
  }
  return result;
}

/** How many times a handler has already thrown on this task (0 for a new task). */
export function failuresSoFar(headers: Record<string, unknown> | undefined): number {
  const value = headers?.[TASK_HEADERS.failures];
  const count = typeof value === 'number' ? value : Number(typeof value === 'string' ? value : NaN);
  return Number.isInteger(count) && count > 0 ? count : 0;
}

function headerString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** Keeps a header value well below AMQP's frame size. */
export function truncate(text: string, max = 1000): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}

/** The broker's address without credentials, for logs and error messages. */
export function redactAmqpUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparsable AMQP URL)';
  }
}

/**
 * The URL to connect with: a heartbeat of `heartbeatSeconds` unless the URL sets one, so a dead
 * broker or network path is noticed within about two heartbeats instead of the server's 60 s.
 */
export function amqpUrlWithHeartbeat(url: string, heartbeatSeconds: number): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`RabbitMQ task queue: AMQP_URL is not a URL (expected amqp://user:password@host:5672/vhost)`);
  }
  if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:') {
    throw new Error(`RabbitMQ task queue: AMQP_URL must start with amqp:// or amqps:// (got ${parsed.protocol}//)`);
  }
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(heartbeatSeconds));
  return parsed.toString();
}
