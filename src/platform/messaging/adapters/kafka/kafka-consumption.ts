import { KafkaJSError, type Consumer, type EachBatchPayload, type IHeaders, type KafkaMessage, type ProducerRecord } from 'kafkajs';
import type { EventHandler, EventMessage } from '../../messaging.ports';
import { describeError } from '../../../errors/describe-error';
import { inConsumerSpan } from '../../../telemetry/message-spans';
import type { KafkaEventLogLogger } from './kafka-connection';

/** Headers put on a dead-lettered message, next to its own headers. */
export const DLQ_HEADERS = {
  reason: 'x-dlq-reason',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  group: 'x-dlq-group',
  attempts: 'x-dlq-attempts',
} as const;

/** The dead-letter topic of `topic`. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

export interface Subscription {
  readonly topic: string;
  readonly group: string;
  readonly consumer: Consumer;
  readonly handler: EventHandler<unknown>;
  /** 1: one message per handler call. More: consecutive messages of a partition in one call. */
  readonly maxBatchSize: number;
}

export interface HandlerRetry {
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

type Outcome = 'handled' | 'dead-lettered' | 'abandoned';

/** Commit at least this often inside a long batch (and always at its end, and after a dead letter). */
const COMMIT_EVERY_MESSAGES = 100;
const COMMIT_EVERY_MS = 1_000;
const MAX_REASON_LENGTH = 1_000;

/**
 * What a subscription does with the batches kafkajs fetches for it: hands them to its handler,
 * retries, dead-letters, and resolves and commits the offsets of what was handled (see
 * `KafkaEventLog` for the delivery guarantees).
 */
export class TopicConsumption {
  constructor(
    private readonly logger: KafkaEventLogLogger,
    private readonly retry: HandlerRetry,
    /** Produces on the event log's producer (the dead letters). */
    private readonly send: (record: ProducerRecord) => Promise<unknown>,
  ) {}

  /**
   * Handles a fetched batch in chunks of `maxBatchSize` (1: message by message): each handled
   * chunk's offsets are resolved at once and committed at least every COMMIT_EVERY_* and at the end
   * of the batch (a dead letter right away). A chunk whose handler call fails is handled again
   * message by message. On stop or when the partition is taken away, the unhandled rest is left
   * uncommitted.
   */
  async consumeBatch(subscription: Subscription, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale } = payload;
    let lastCommit = Date.now();
    let sinceCommit = 0;
    const commit = async () => {
      await commitOffsetsIfNecessary(uncommittedOffsets());
      lastCommit = Date.now();
      sinceCommit = 0;
    };
    const live = () => isRunning() && !isStale();
    /** One message on its own (retries, dead letter); false when abandoned. */
    const one = async (message: KafkaMessage): Promise<boolean> => {
      const outcome = await this.deliver(subscription, batch.partition, message, heartbeat, live);
      if (outcome === 'abandoned') return false;
      resolveOffset(message.offset);
      sinceCommit += 1;
      if (outcome === 'dead-lettered' || sinceCommit >= COMMIT_EVERY_MESSAGES || Date.now() - lastCommit >= COMMIT_EVERY_MS) {
        await commit();
      }
      await heartbeat();
      return true;
    };
    try {
      const messages = batch.messages;
      const size = subscription.maxBatchSize;
      outer: for (let start = 0; start < messages.length; start += size) {
        if (!live()) break;
        const chunk = messages.slice(start, start + size);
        if (chunk.length > 1 && (await this.deliverChunk(subscription, batch.partition, chunk))) {
          resolveOffset(chunk[chunk.length - 1]!.offset);
          sinceCommit += chunk.length;
          if (sinceCommit >= COMMIT_EVERY_MESSAGES || Date.now() - lastCommit >= COMMIT_EVERY_MS) await commit();
          await heartbeat();
          continue;
        }
        for (const message of chunk) {
          if (!live() || !(await one(message))) break outer;
        }
      }
      await commit();
    } catch (error) {
      // Mostly a rebalance announced by heartbeat(): keep what was handled (the broker still takes
      // commits of the current generation while it prepares the rebalance), then let kafkajs rejoin.
      await commit().catch((commitError: unknown) =>
        this.logger.warn(`kafka group ${subscription.group} on ${subscription.topic}: commit after "${describeError(error)}" failed: ${describeError(commitError)}`),
      );
      throw isRunning() ? forKafkaJs(error) : error;
    }
  }

  /**
   * Calls the handler once with several messages; true when it resolved. False (nothing is retried
   * here) when a message cannot be decoded or the handler threw: the caller then delivers the
   * chunk message by message.
   */
  private async deliverChunk(subscription: Subscription, partition: number, raw: KafkaMessage[]): Promise<boolean> {
    const { topic, group, handler } = subscription;
    const decoded: EventMessage<unknown>[] = [];
    for (const message of raw) {
      try {
        decoded.push(decode(message));
      } catch {
        return false;
      }
    }
    try {
      // Several publishers' trace contexts: the chunk's span links them all.
      await inConsumerSpan({ system: 'kafka', destination: topic, group, headers: decoded.map((m) => m.headers) }, () => handler(decoded));
      return true;
    } catch (error) {
      const where = `${topic}[${partition}]@${raw[0]!.offset}..${raw[raw.length - 1]!.offset} (group ${group})`;
      this.logger.warn(`kafka handler failed on the batch ${where}: ${describeError(error)}; handling its messages one at a time`);
      return false;
    }
  }

  /** Calls the handler with one message, retrying with backoff; dead-letters what cannot be handled. */
  private async deliver(
    subscription: Subscription,
    partition: number,
    raw: KafkaMessage,
    heartbeat: () => Promise<void>,
    live: () => boolean,
  ): Promise<Outcome> {
    const { topic, group, handler } = subscription;
    const where = `${topic}[${partition}]@${raw.offset} (group ${group})`;
    let message: EventMessage<unknown>;
    try {
      message = decode(raw);
    } catch (error) {
      await this.deadLetter(subscription, partition, raw, describeError(error), 0);
      return 'dead-lettered';
    }

    const { attempts, initialBackoffMs, maxBackoffMs } = this.retry;
    let backoffMs = initialBackoffMs;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        // The handler runs in a span under the publisher's (no-op without an SDK).
        await inConsumerSpan({ system: 'kafka', destination: topic, group, headers: [message.headers] }, () => handler([message]));
        return 'handled';
      } catch (error) {
        lastError = error;
        this.logger.warn(`kafka handler failed on ${where}, attempt ${attempt}/${attempts}: ${describeError(error)}`);
      }
      if (attempt < attempts) {
        if (!(await pause(backoffMs, heartbeat, live))) {
          this.logger.info(`kafka consumer stopping or partition revoked: ${where} stays uncommitted and comes again`);
          return 'abandoned';
        }
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      }
    }
    await this.deadLetter(subscription, partition, raw, describeError(lastError), attempts);
    return 'dead-lettered';
  }

  private async deadLetter(subscription: Subscription, partition: number, raw: KafkaMessage, reason: string, attempts: number): Promise<void> {
    const { topic, group } = subscription;
    const trimmed = reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH)}…` : reason;
    await this.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: raw.key,
          value: raw.value,
          headers: {
            ...raw.headers,
            [DLQ_HEADERS.reason]: trimmed,
            [DLQ_HEADERS.originalTopic]: topic,
            [DLQ_HEADERS.originalPartition]: String(partition),
            [DLQ_HEADERS.originalOffset]: raw.offset,
            [DLQ_HEADERS.group]: group,
            [DLQ_HEADERS.attempts]: String(attempts),
          },
        },
      ],
    });
    this.logger.warn(`kafka message ${topic}[${partition}]@${raw.offset} (group ${group}) dead-lettered to ${deadLetterTopic(topic)}: ${trimmed}`);
  }
}

/** Group protocol errors kafkajs answers by rejoining the group; it needs them as they are. */
const GROUP_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'NOT_COORDINATOR_FOR_GROUP', 'UNKNOWN_MEMBER_ID']);

/**
 * What eachBatch throws. kafkajs restarts a consumer only after a retriable error; any other
 * (the dead-letter topic refused a message, a bug) would end the subscription for good, silently
 * but for one log line. Retriable instead: kafkajs retries the batch, then restarts the consumer.
 */
function forKafkaJs(error: unknown): unknown {
  if (error instanceof KafkaJSError) {
    const type = (error as KafkaJSError & { type?: string }).type;
    if (error.retriable || (type !== undefined && GROUP_ERRORS.has(type))) return error;
  }
  return new KafkaJSError(error instanceof Error ? error : String(error), { retriable: true });
}

function decode(raw: KafkaMessage): EventMessage<unknown> {
  if (raw.value === null) throw new Error('the message has no value');
  let payload: unknown;
  try {
    payload = JSON.parse(raw.value.toString('utf8'));
  } catch (error) {
    throw new Error(`the value is not valid JSON: ${describeError(error)}`, { cause: error });
  }
  return { key: raw.key?.toString('utf8') ?? '', payload, headers: decodeHeaders(raw.headers) };
}

/** Kafka header values are bytes and may repeat; the port has one string per name (the last wins). */
function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) decoded[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return decoded;
}

/** Waits `ms` in short steps, heartbeating; false as soon as the consumer stops or loses the partition. */
async function pause(ms: number, heartbeat: () => Promise<void>, live: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (!live()) return false;
    const left = until - Date.now();
    if (left <= 0) return true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, 100)));
    await heartbeat();
  }
}
