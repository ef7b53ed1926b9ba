import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Link } from '@opentelemetry/api';
import { describeError } from '../errors/describe-error';

const tracer = trace.getTracer('logisynapse.messaging');

/** The trace context that message headers carry (W3C `traceparent`), or undefined. */
function carried(headers: Record<string, string> | undefined): Context | undefined {
  if (!headers?.traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, headers);
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/**
 * The context to publish a message in: the one its headers carry when they carry one (a message
 * relayed from the outbox, written by a request that is long over), otherwise the caller's.
 */
export function publishContext(headers: Record<string, string> | undefined): Context {
  return carried(headers) ?? context.active();
}

/** Headers that carry the caller's trace context (nothing without an active span). */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

export interface ConsumedMessages {
  system: 'kafka' | 'rabbitmq';
  destination: string;
  group: string;
  /** The headers of each message handled by this call. */
  headers: (Record<string, string> | undefined)[];
}

/**
 * Runs a consumer's handling of messages in a `<destination> process` span (OpenTelemetry's
 * messaging conventions): one message's span is a child of the span that published it, so the
 * consumer is in the producer's trace; a batch's span links every message's publisher instead.
 * The handler sees the span as active, so what it does (queries, its own attributes) goes in it.
 */
export async function inConsumerSpan<T>(messages: ConsumedMessages, handle: () => Promise<T>): Promise<T> {
  const contexts = messages.headers.map(carried);
  const single = messages.headers.length === 1;
  const parent = single ? (contexts[0] ?? ROOT_CONTEXT) : ROOT_CONTEXT;
  const links: Link[] = single ? [] : contexts.flatMap((c) => (c ? [{ context: trace.getSpanContext(c)! }] : []));
  const span = tracer.startSpan(
    `${messages.destination} process`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': messages.system,
        'messaging.operation.type': 'process',
        'messaging.destination.name': messages.destination,
        'messaging.consumer.group.name': messages.group,
        ...(single ? {} : { 'messaging.batch.message_count': messages.headers.length }),
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), handle);
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
    throw error;
  } finally {
    span.end();
  }
}
