import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type ConsumerConfig, type LogEntry, type Producer, type ProducerRecord } from 'kafkajs';

/** Where the adapter and kafkajs (warn and above) write. Plain strings: fits console, pino, Nest. */
export interface KafkaEventLogLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  logger: KafkaEventLogLogger;
  /** Partitions of each topic this connection creates. */
  partitions: number;
}

/**
 * The event log's clients of the cluster: the kafkajs client (its log lines go to our logger), the
 * admin client (topics, offsets) and the one producer; consumers are made from the same client.
 */
export class KafkaConnection {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly producer: Producer;
  private readonly topicsReady = new Map<string, Promise<void>>();

  constructor(private readonly options: KafkaConnectionOptions) {
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

  /** Connects the admin client, then the producer. */
  async connect(): Promise<void> {
    await this.admin.connect();
    await this.producer.connect();
  }

  /** Closes the producer, then the admin client. */
  async disconnect(): Promise<void> {
    await this.producer.disconnect();
    await this.admin.disconnect();
  }

  send(record: ProducerRecord): Promise<unknown> {
    return this.producer.send(record);
  }

  consumer(config: ConsumerConfig): Consumer {
    return this.kafka.consumer(config);
  }

  /**
   * The messages of `topic` that `group` has not committed yet: every partition's high watermark
   * minus the group's committed offset, or minus the low watermark where the group committed none.
   */
  async lag(topic: string, group: string): Promise<number> {
    const [ends, [committed]] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId: group, topics: [topic] })]);
    const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((sum, { partition, high, low }) => {
      const at = done.get(partition) ?? -1;
      return sum + Math.max(0, Number(high) - (at >= 0 ? at : Number(low)));
    }, 0);
  }

  /** Creates the topics that do not exist yet (once per topic and process; retried after a failure). */
  ensureTopics(topics: string[]): Promise<void> {
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
    const { partitions } = this.options;
    // Replication factor: the broker's default.replication.factor. `false`: another process made it first.
    await this.admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions })) });
    this.options.logger.info(`kafka topics created: ${missing.join(', ')} (${partitions} partitions)`);
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
    if (level === logLevel.ERROR && !retried) this.options.logger.error(line);
    else if (level <= logLevel.WARN) this.options.logger.warn(line);
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserializable]';
  }
}
