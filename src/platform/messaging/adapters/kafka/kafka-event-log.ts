import { context } from '@opentelemetry/api';
import type { EventHandler, EventLogPort, EventMessage, SubscribeOptions } from '../../messaging.ports';
import { describeError } from '../../../errors/describe-error';
import { publishContext, traceHeaders } from '../../../telemetry/message-spans';
import { KafkaConnection, type KafkaEventLogLogger } from './kafka-connection';
import { deadLetterTopic, TopicConsumption, type Subscription } from './kafka-consumption';
import { subscriptionAwareAssigner } from './subscription-aware-assigner';

// Declared with the parts that use them; exported from here as before.
export type { KafkaEventLogLogger } from './kafka-connection';
export { DLQ_HEADERS, deadLetterTopic } from './kafka-consumption';

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
 *
 * The cluster's clients are in `kafka-connection.ts`, the handling of fetched batches in
 * `kafka-consumption.ts`.
 */
export class KafkaEventLog implements EventLogPort {
  readonly adapterName: string;
  private readonly connection: KafkaConnection;
  private readonly consumption: TopicConsumption;
  private readonly logger: KafkaEventLogLogger;
  private readonly subscriptions = new Map<string, Subscription>();
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: KafkaEventLogOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaEventLog needs at least one broker');
    this.adapterName = `Kafka (kafkajs) at ${options.brokers.join(',')}`;
    this.logger = options.logger ?? console;
    const retry = {
      attempts: Math.max(1, options.handlerRetry?.attempts ?? 5),
      initialBackoffMs: options.handlerRetry?.initialBackoffMs ?? 200,
      maxBackoffMs: options.handlerRetry?.maxBackoffMs ?? 5_000,
    };
    this.connection = new KafkaConnection({
      brokers: options.brokers,
      clientId: options.clientId,
      logger: this.logger,
      partitions: options.topicPartitions ?? 3,
    });
    this.consumption = new TopicConsumption(this.logger, retry, (record) => this.connection.send(record));
  }

  /** Connects the admin client and the producer and creates `options.topics` when missing. */
  start(): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('KafkaEventLog is stopped'));
    this.starting ??= (async () => {
      await this.connection.connect();
      await this.connection.ensureTopics(this.options.topics ?? []);
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
            this.logger.warn(`kafka consumer ${group} on ${topic} did not disconnect cleanly: ${describeError(error)}`);
            return true;
          });
          if (!stopped) this.logger.error(`kafka consumer ${group} on ${topic} still busy after ${timeoutMs} ms; closing anyway`);
        }),
      );
      await this.connection.disconnect();
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
      [...this.subscriptions.values()].map(async ({ topic, group }) => ({ topic, group, messages: await this.connection.lag(topic, group) })),
    );
  }

  async publish<T>(topic: string, message: EventMessage<T>): Promise<void> {
    await this.start();
    await this.connection.ensureTopics([topic]);
    // W3C trace context (a no-op without an OpenTelemetry SDK): the produce runs in the context
    // the message carries, e.g. the request that wrote it to the outbox, or else the caller's; the
    // kafkajs instrumentation's send span, under it, then goes in the headers.
    await context.with(publishContext(message.headers), () =>
      this.connection.send({
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
    await this.connection.ensureTopics([topic, deadLetterTopic(topic)]);
    if (this.stopping) throw new Error('KafkaEventLog is stopped');
    if (this.subscriptions.has(id)) throw duplicate();

    const tuning = this.options.consumer ?? {};
    const consumer = this.connection.consumer({
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
      const line = `kafka consumer ${group} on ${topic} crashed: ${describeError(payload.error)}`;
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
      // Offsets are committed by this adapter, after the handler resolved (see TopicConsumption.consumeBatch).
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.consumption.consumeBatch(subscription, payload),
    });
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
