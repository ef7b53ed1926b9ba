import { context } from '@opentelemetry/api';
import {
  Kafka,
  KafkaJSError,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import type { EventHandler, EventLogPort, EventMessage, SubscribeOptions } from '../../messaging.ports';
import { subscriptionAwareAssigner } from './subscription-aware-assigner';
import { inConsumerSpan, publishContext, traceHeaders } from '../../../telemetry/message-spans';

/** Where the adapter and kafkajs (warn and above) write. Plain strings: fits console, pino, Nest. */
export interface KafkaEventLogLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface KafkaEventLogOptions {
  /** `host:port` of one or more brokers (`KAFKA_BROKERS`, comma-separated, split by the caller). */
  brokers: string[];
  clientId: string;
  /** Default: `console`. */
  logger?: KafkaEventLogLogger;
  /**
   * Partitions of each topic this adapter creates (topics, their `.dlq`). Default 3. Existing
   * topics are left alone. It bounds how many members of one group can share a topic; raising it
   * later moves keys to other partitions (per-key order breaks once), so choose it up front.
   */
  topicPartitions?: number;
  /** Topics `start()` creates when missing (e.g. `Object.values(TOPICS)`). */
  topics?: string[];
  /** Consumer group timing (kafkajs defaults: 30000 / 60000 / 3000 / 5000 ms). */
  consumer?: {
    /**
     * A member that sends no heartbeat for this long leaves the group. kafkajs heartbeats only
     * between messages (no background thread), so one handler call must stay well under it.
     */
    sessionTimeout?: number;
    rebalanceTimeout?: number;
    heartbeatInterval?: number;
    maxWaitTimeInMs?: number;
  };
  /** A failing handler is called again this many times in all, then its message is dead-lettered. */
  handlerRetry?: {
    /** Default 5. */
    attempts?: number;
    /** Wait before the second attempt, doubled each time. Default 200 ms. */
    initialBackoffMs?: number;
    /** Default 5000 ms. */
    maxBackoffMs?: number;
  };
  /** How long `stop()` waits for running handlers before it closes the producer anyway. Default 30 s. */
  stopTimeoutMs?: number;
}

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

interface Subscription {
  readonly topic: string;
  readonly group: string;
  readonly consumer: Consumer;
  readonly handler: EventHandler<unknown>;
  /** 1: one message per handler call. More: consecutive messages of a partition in one call. */
  readonly maxBatchSize: number;
}

type Outcome = 'handled' | 'dead-lettered' | 'abandoned';

/** Commit at least this often inside a long batch (and always at its end, and after a dead letter). */
const COMMIT_EVERY_MESSAGES = 100;
const COMMIT_EVERY_MS = 1_000;
const MAX_REASON_LENGTH = 1_000;

/**
 * Event log over Kafka (kafkajs). One topic per event type, key = `message.key` (so one shipment's
 * events stay in order on one partition), one consumer group per `group`.
 *
 * Delivery is at least once: a message's offset is committed only after its handler resolved, so
 * a process that dies in between gets the message again on the next member (handlers are
 * idempotent). By default messages are handed to the handler one at a time (`[message]`), so a
 * message that cannot be processed neither blocks its partition nor makes the good ones run again:
 * it is retried with backoff, then published to `<topic>.dlq` with the reason, and the partition
 * moves on. A subscriber that asks for `maxBatchSize` > 1 gets up to that many consecutive messages
 * of one partition per call; when such a call throws, the same messages are handed over again one
 * at a time, with the retries and dead-lettering above (so a good message of a failed batch runs
 * twice: handlers are idempotent).
 */
export class KafkaEventLog implements EventLogPort {
  readonly adapterName: string;
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly producer: Producer;
  private readonly logger: KafkaEventLogLogger;
  private readonly partitions: number;
  private readonly retry: { attempts: number; initialBackoffMs: number; maxBackoffMs: number };
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly topicsReady = new Map<string, Promise<void>>();
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: KafkaEventLogOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaEventLog needs at least one broker');
    this.adapterName = `Kafka (kafkajs) at ${options.brokers.join(',')}`;
    this.logger = options.logger ?? console;
    this.partitions = options.topicPartitions ?? 3;
    this.retry = {
      attempts: Math.max(1, options.handlerRetry?.attempts ?? 5),
      initialBackoffMs: options.handlerRetry?.initialBackoffMs ?? 200,
      maxBackoffMs: options.handlerRetry?.maxBackoffMs ?? 5_000,
    };
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => this.logKafkaJs(entry),
    });
    this.admin = this.kafka.admin();
    this.producer = this.kafka.producer({
      // Exactly one copy per send even when kafkajs retries it; needs acks from all in-sync replicas.
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The Java client's murmur2 partitioner (kafkajs 2's default; naming it silences its warning),
      // so other clients put a key on the same partition.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Connects the admin client and the producer and creates `options.topics` when missing. */
  start(): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('KafkaEventLog is stopped'));
    this.starting ??= (async () => {
      await this.admin.connect();
      await this.producer.connect();
      await this.ensureTopics(this.options.topics ?? []);
      this.logger.info(`kafka event log connected to ${this.options.brokers.join(',')} as ${this.options.clientId}`);
    })().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /**
   * Stops every consumer (each waits for the message its handler is working on, commits what was
   * handled and leaves its group), then closes the producer and the admin client.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting?.catch(() => undefined);
      const timeoutMs = this.options.stopTimeoutMs ?? 30_000;
      await Promise.all(
        [...this.subscriptions.values()].map(async ({ topic, group, consumer }) => {
          const stopped = await withTimeout(consumer.disconnect(), timeoutMs).catch((error: unknown) => {
            this.logger.warn(`kafka consumer ${group} on ${topic} did not disconnect cleanly: ${errorMessage(error)}`);
            return true;
          });
          if (!stopped) this.logger.error(`kafka consumer ${group} on ${topic} still busy after ${timeoutMs} ms; closing anyway`);
        }),
      );
      await this.producer.disconnect();
      await this.admin.disconnect();
    })();
    return this.stopping;
  }

  /**
   * Each subscription's lag: the messages of its topic that its group has not committed yet
   * (every partition's high watermark minus the group's committed offset, or minus the low
   * watermark where the group committed none). Read by the consumer-lag gauge at each scrape.
   */
  async consumerLag(): Promise<{ topic: string; group: string; messages: number }[]> {
    return Promise.all(
      [...this.subscriptions.values()].map(async ({ topic, group }) => {
        const [ends, [committed]] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId: group, topics: [topic] })]);
        const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        const messages = ends.reduce((sum, { partition, high, low }) => {
          const at = done.get(partition) ?? -1;
          return sum + Math.max(0, Number(high) - (at >= 0 ? at : Number(low)));
        }, 0);
        return { topic, group, messages };
      }),
    );
  }

  async publish<T>(topic: string, message: EventMessage<T>): Promise<void> {
    await this.start();
    await this.ensureTopics([topic]);
    // W3C trace context (a no-op without an OpenTelemetry SDK): the produce runs in the context
    // the message carries, e.g. the request that wrote it to the outbox, or else the caller's; the
    // kafkajs instrumentation's send span, under it, then goes in the headers.
    await context.with(publishContext(message.headers), () =>
      this.producer.send({
        topic,
        acks: -1,
        messages: [{ key: message.key, value: JSON.stringify(message.payload ?? null), headers: { ...traceHeaders(), ...message.headers } }],
      }),
    );
  }

  async subscribe<T>(topic: string, group: string, handler: EventHandler<T>, options: SubscribeOptions = {}): Promise<void> {
    await this.start();
    const id = `${topic}\u0000${group}`;
    const duplicate = () => new Error(`already subscribed to ${topic} as group ${group} (one consumer per topic and group)`);
    if (this.subscriptions.has(id)) throw duplicate();
    await this.ensureTopics([topic, deadLetterTopic(topic)]);
    if (this.stopping) throw new Error('KafkaEventLog is stopped');
    if (this.subscriptions.has(id)) throw duplicate();

    const tuning = this.options.consumer ?? {};
    const consumer = this.kafka.consumer({
      groupId: group,
      partitionAssigners: [subscriptionAwareAssigner],
      allowAutoTopicCreation: false,
      ...(tuning.sessionTimeout !== undefined && { sessionTimeout: tuning.sessionTimeout }),
      ...(tuning.rebalanceTimeout !== undefined && { rebalanceTimeout: tuning.rebalanceTimeout }),
      ...(tuning.heartbeatInterval !== undefined && { heartbeatInterval: tuning.heartbeatInterval }),
      ...(tuning.maxWaitTimeInMs !== undefined && { maxWaitTimeInMs: tuning.maxWaitTimeInMs }),
    });
    const maxBatchSize = Math.max(1, Math.floor(options.maxBatchSize ?? 1));
    const subscription: Subscription = { topic, group, consumer, handler: handler as EventHandler<unknown>, maxBatchSize };
    // Registered before connecting, so a concurrent stop() disconnects it too.
    this.subscriptions.set(id, subscription);
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = payload.memberAssignment[topic] ?? [];
      this.logger.info(`kafka group ${group} joined on ${topic}: partitions [${partitions.join(',')}]`);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const line = `kafka consumer ${group} on ${topic} crashed: ${errorMessage(payload.error)}`;
      if (payload.restart) this.logger.warn(`${line} (kafkajs restarts it)`);
      else this.logger.error(`${line} (kafkajs gave up: this subscription receives nothing until the process restarts)`);
    });

    await consumer.connect();
    // A group with no committed offset starts at the beginning of the topic, not at its end:
    // whatever was published before the group's first member subscribed (a new consumer deployed
    // after the producer, a topic created by publish()) is delivered too. An existing group goes
    // on from its committed offsets. The flip side: a group whose offsets expired
    // (`offsets.retention.minutes`, 7 days by default) reads the retained log again, which
    // idempotent handlers absorb.
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      // Offsets are committed by this adapter, after the handler resolved (see consumeBatch).
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.consumeBatch(subscription, payload),
    });
  }

  /**
   * Handles a fetched batch in chunks of `maxBatchSize` (1: message by message): each handled
   * chunk's offsets are resolved at once and committed at least every COMMIT_EVERY_* and at the end
   * of the batch (a dead letter right away). A chunk whose handler call fails is handled again
   * message by message. On stop or when the partition is taken away, the unhandled rest is left
   * uncommitted.
   */
  private async consumeBatch(subscription: Subscription, payload: EachBatchPayload): Promise<void> {
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
        this.logger.warn(`kafka group ${subscription.group} on ${subscription.topic}: commit after "${errorMessage(error)}" failed: ${errorMessage(commitError)}`),
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
      this.logger.warn(`kafka handler failed on the batch ${where}: ${errorMessage(error)}; handling its messages one at a time`);
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
      await this.deadLetter(subscription, partition, raw, errorMessage(error), 0);
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
        this.logger.warn(`kafka handler failed on ${where}, attempt ${attempt}/${attempts}: ${errorMessage(error)}`);
      }
      if (attempt < attempts) {
        if (!(await pause(backoffMs, heartbeat, live))) {
          this.logger.info(`kafka consumer stopping or partition revoked: ${where} stays uncommitted and comes again`);
          return 'abandoned';
        }
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      }
    }
    await this.deadLetter(subscription, partition, raw, errorMessage(lastError), attempts);
    return 'dead-lettered';
  }

  private async deadLetter(subscription: Subscription, partition: number, raw: KafkaMessage, reason: string, attempts: number): Promise<void> {
    const { topic, group } = subscription;
    const trimmed = reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH)}…` : reason;
    await this.producer.send({
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

  /** Creates the topics that do not exist yet (once per topic and process; retried after a failure). */
  private ensureTopics(topics: string[]): Promise<void> {
    const pending = [...new Set(topics)].filter((topic) => !this.topicsReady.has(topic));
    if (pending.length > 0) {
      const ready = this.createMissingTopics(pending);
      for (const topic of pending) this.topicsReady.set(topic, ready);
      ready.catch(() => {
        for (const topic of pending) if (this.topicsReady.get(topic) === ready) this.topicsReady.delete(topic);
      });
    }
    return Promise.all(topics.map((topic) => this.topicsReady.get(topic))).then(() => undefined);
  }

  private async createMissingTopics(topics: string[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    // Replication factor: the broker's default.replication.factor. `false`: another process made it first.
    await this.admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: this.partitions })) });
    this.logger.info(`kafka topics created: ${missing.join(', ')} (${this.partitions} partitions)`);
  }

  /**
   * kafkajs logs at warn and above go to our logger. A protocol error in a response ("The
   * coordinator is loading", "This server is not the leader") is logged by kafkajs at error level
   * although kafkajs retries it; what still fails after the retries surfaces as a thrown error, so
   * those lines are warnings here.
   */
  private logKafkaJs({ namespace, level, log }: LogEntry): void {
    const fields: Record<string, unknown> = { ...log };
    const message = fields.message;
    for (const noise of ['message', 'timestamp', 'logger', 'stack']) delete fields[noise];
    const extra = Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
    const line = `kafkajs ${namespace}: ${String(message)}${extra}`;
    const retried = namespace === 'Connection' && String(message).startsWith('Response ');
    if (level === logLevel.ERROR && !retried) this.logger.error(line);
    else if (level <= logLevel.WARN) this.logger.warn(line);
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
    throw new Error(`the value is not valid JSON: ${errorMessage(error)}`, { cause: error });
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

/** Resolves true when `promise` settles first, false after `ms`. */
async function withTimeout(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserializable]';
  }
}
