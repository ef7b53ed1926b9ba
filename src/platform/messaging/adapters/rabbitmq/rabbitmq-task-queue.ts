import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumeMessage, Options } from 'amqplib';
import type { Task, TaskQueuePort } from '../../messaging.ports';
import {
  RabbitMqConnection,
  RECONNECT_MAX_DELAY_MS,
  RECONNECT_MIN_DELAY_MS,
  TaskQueueUnavailableError,
  type Live,
  type RabbitMqTaskQueueLogger,
} from './rabbitmq-connection';
import { ConfirmedPublisher, UnroutableError } from './rabbitmq-publisher';
import { JSON_CONTENT_TYPE, TaskSettlement, type Attachment } from './rabbitmq-settlement';
import {
  amqpUrlWithHeartbeat,
  assertTaskQueueName,
  errorText,
  failuresSoFar,
  publishableHeaders,
  redactAmqpUrl,
  TASK_HEADERS,
  taskHeaders,
  taskQueueNames,
  truncate,
} from './rabbitmq-topology';

// Declared with the connection, which logs too; exported from here as before.
export { TaskQueueUnavailableError, type RabbitMqTaskQueueLogger } from './rabbitmq-connection';

export interface RabbitMqTaskQueueOptions {
  /** `amqp://user:password@host:5672/vhost` (`AMQP_URL`). A `heartbeat` query parameter is added (15 s) unless present. */
  url: string;
  /** Unacknowledged tasks per consumer, i.e. handlers running at once per `consume`. Default 10. */
  prefetch?: number;
  /** Handler calls per task, the first included, before the task goes to `<queue>.dlq`. Default 10. */
  maxDeliveries?: number;
  /** Pause before a task whose handler threw is delivered again. Default 1000 ms. */
  retryDelayMs?: number;
  /**
   * How long `start`, `enqueue` and `consume` wait for a connection (the broker is down or
   * restarting) before they fail; also bounds an enqueue's wait for the broker's confirm.
   * Default 30 000 ms.
   */
  connectionWaitMs?: number;
  logger?: RabbitMqTaskQueueLogger;
}

const HEARTBEAT_SECONDS = 15;

const noop = () => undefined;

const consoleLogger: RabbitMqTaskQueueLogger = {
  info: noop,
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

/** A `consume` call: kept across reconnections, attached to each new connection. */
interface Registration {
  readonly queue: string;
  readonly handler: (task: Task<unknown>) => Promise<void>;
  attachment?: Attachment;
  attaching?: { live: Live; done: Promise<void> };
}

/**
 * Task queue over RabbitMQ (amqplib): one durable quorum queue per task queue, persistent
 * messages published on a confirm channel, manual acknowledgements, retries through a delay
 * queue, and a dead-letter queue (`rabbitmq-topology.ts` has the layout).
 *
 * The connection is re-established after it drops (broker restart, network): with backoff, the
 * queues are declared again and every consumer is registered again (`rabbitmq-connection.ts`).
 * Meanwhile `enqueue` waits for the connection up to `connectionWaitMs`, then fails; it never
 * drops a task silently.
 * Delivery is at least once: a task whose handler finished but whose acknowledgement did not
 * reach the broker (the connection dropped in between) is delivered again.
 *
 * `dedupeKey` becomes the message's AMQP `messageId`; RabbitMQ does not drop a second message
 * with the same id, so handlers must tolerate a repeated key.
 *
 * Lifecycle: `start()` (connects; fails after `connectionWaitMs` without a broker), then
 * `enqueue`/`consume`, then `stop()`.
 */
export class RabbitMqTaskQueue implements TaskQueuePort {
  readonly adapterName = 'RabbitMQ quorum queues (amqplib)';

  private readonly prefetch: number;
  private readonly maxDeliveries: number;
  private readonly retryDelayMs: number;
  private readonly connectionWaitMs: number;
  private readonly logger: RabbitMqTaskQueueLogger;

  private readonly connection: RabbitMqConnection;
  private readonly settlement: TaskSettlement;
  private stopping?: Promise<void>;
  private readonly registrations = new Set<Registration>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly publishing = new Set<Promise<void>>();

  constructor(options: RabbitMqTaskQueueOptions) {
    const url = amqpUrlWithHeartbeat(options.url, HEARTBEAT_SECONDS);
    const where = redactAmqpUrl(options.url);
    this.prefetch = positiveInteger('prefetch', options.prefetch ?? 10);
    this.maxDeliveries = positiveInteger('maxDeliveries', options.maxDeliveries ?? 10);
    this.retryDelayMs = positiveInteger('retryDelayMs', options.retryDelayMs ?? 1000);
    this.connectionWaitMs = positiveInteger('connectionWaitMs', options.connectionWaitMs ?? 30_000);
    this.logger = options.logger ?? consoleLogger;
    this.settlement = new TaskSettlement(this.logger, this.connectionWaitMs);
    this.connection = new RabbitMqConnection({
      url,
      where,
      connectionWaitMs: this.connectionWaitMs,
      logger: this.logger,
      onConnected: (live) => {
        for (const registration of this.registrations) this.background(this.keepAttached(live, registration));
      },
      onLost: (live) => {
        for (const registration of this.registrations) {
          if (registration.attachment?.live === live) registration.attachment = undefined;
        }
      },
    });
  }

  /** Connects; fails (and stops) if the broker does not answer within `connectionWaitMs`. */
  async start(): Promise<void> {
    if (this.connection.state !== 'idle') throw new Error(`RabbitMQ task queue: start() called when ${this.connection.state}`);
    this.connection.run();
    try {
      await this.connection.waitForConnection(Date.now() + this.connectionWaitMs);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /**
   * Stops consuming (cancels every consumer), waits up to `timeoutMs` for running handlers and
   * enqueues to finish (their tasks are acknowledged, retried or dead-lettered as usual), then
   * closes the channels and the connection. Tasks still unacknowledged after the wait go back to
   * their queue. Idempotent.
   */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.stopping ??= this.close(options.timeoutMs ?? 30_000);
    return this.stopping;
  }

  async enqueue<T>(queue: string, task: Task<T>, options: { dedupeKey?: string } = {}): Promise<void> {
    this.assertStarted('enqueue');
    assertTaskQueueName(queue);
    const content = Buffer.from(JSON.stringify(task.payload) ?? 'null', 'utf8');
    const properties: Options.Publish = {
      persistent: true,
      contentType: JSON_CONTENT_TYPE,
      contentEncoding: 'utf-8',
      messageId: options.dedupeKey ?? randomUUID(),
      timestamp: Math.floor(Date.now() / 1000),
      headers: publishableHeaders(task.headers),
    };
    const publishing = this.publishWithRetry(queue, content, properties);
    this.publishing.add(publishing);
    try {
      await publishing;
    } finally {
      this.publishing.delete(publishing);
    }
  }

  async consume<T>(queue: string, handler: (task: Task<T>) => Promise<void>): Promise<void> {
    this.assertStarted('consume');
    assertTaskQueueName(queue);
    const registration: Registration = { queue, handler: handler as (task: Task<unknown>) => Promise<void> };
    this.registrations.add(registration);
    const deadline = Date.now() + this.connectionWaitMs;
    try {
      for (;;) {
        const live = await this.connection.waitForConnection(deadline);
        try {
          await this.attach(live, registration);
          return;
        } catch (error) {
          if (live.usable || Date.now() >= deadline) throw error;
          // The connection dropped while attaching; the reconnection attaches it, or we retry.
        }
      }
    } catch (error) {
      this.registrations.delete(registration);
      throw error;
    }
  }

  private assertStarted(operation: string): void {
    if (this.connection.state === 'idle') throw new Error(`RabbitMQ task queue: call start() before ${operation}()`);
    if (this.connection.state === 'stopped') throw new Error(`RabbitMQ task queue: ${operation}() after stop()`);
  }

  /**
   * The tasks waiting in each queue this adapter declared (ready, not yet delivered), asked of
   * the broker on a short-lived channel; empty while disconnected. Read by the depth gauge.
   */
  async queueDepths(): Promise<{ queue: string; tasks: number }[]> {
    const live = this.connection.current;
    if (!live || this.connection.state !== 'running') return [];
    return live.depths();
  }

  // --- publishing ---------------------------------------------------------------------------

  private async publishWithRetry(queue: string, content: Buffer, properties: Options.Publish): Promise<void> {
    const deadline = Date.now() + this.connectionWaitMs;
    for (;;) {
      const live = await this.connection.waitForConnection(deadline);
      try {
        await live.declare(queue);
        await live.publisher.publish(queue, content, properties, Math.max(1, deadline - Date.now()));
        return;
      } catch (error) {
        if (error instanceof UnroutableError) {
          live.declared.delete(queue); // deleted behind our back: declare it again
        } else if (live.usable) {
          throw error; // the broker refused it (nack, declaration refused, no confirm in time)
        }
        if (Date.now() >= deadline) {
          throw new TaskQueueUnavailableError(`RabbitMQ task queue: could not enqueue to ${queue} within ${this.connectionWaitMs} ms: ${errorText(error)}`, {
            cause: error,
          });
        }
        // The connection dropped before the confirm: publish again on the next one (same messageId).
      }
    }
  }

  // --- consuming ----------------------------------------------------------------------------

  /** Attaches `registration` to `live`, retrying with backoff while `live` is the current connection. */
  private async keepAttached(live: Live, registration: Registration): Promise<void> {
    let delay = RECONNECT_MIN_DELAY_MS;
    while (this.connection.state === 'running' && this.connection.current === live && live.usable && this.registrations.has(registration)) {
      if (registration.attachment?.live === live && !registration.attachment.closed) return;
      try {
        await this.attach(live, registration);
        return;
      } catch (error) {
        if (!live.usable) return; // the next connection attaches it
        this.logger.error(`RabbitMQ task queue: cannot consume ${registration.queue}: ${errorText(error)}; retrying in ${delay} ms`);
        try {
          await sleep(delay, undefined, { signal: this.connection.stopSignal });
        } catch {
          return;
        }
        delay = Math.min(delay * 2, RECONNECT_MAX_DELAY_MS * 6);
      }
    }
  }

  private attach(live: Live, registration: Registration): Promise<void> {
    if (registration.attachment?.live === live && !registration.attachment.closed) return Promise.resolve();
    if (registration.attaching?.live === live) return registration.attaching.done;
    const done = this.openConsumer(live, registration).finally(() => {
      if (registration.attaching?.done === done) registration.attaching = undefined;
    });
    registration.attaching = { live, done };
    return done;
  }

  private async openConsumer(live: Live, registration: Registration): Promise<void> {
    const { queue } = registration;
    await live.declare(queue);
    const channel = await live.connection.createConfirmChannel();
    const attachment: Attachment = { live, channel, publisher: new ConfirmedPublisher(channel), closed: false };
    channel.on('error', (error: unknown) => this.logger.warn(`RabbitMQ task queue: consumer channel of ${queue}: ${errorText(error)}`));
    channel.once('close', () => {
      attachment.closed = true;
      if (registration.attachment !== attachment) return;
      registration.attachment = undefined;
      // Closed while the connection lives on (channel error, consumer cancelled): consume again.
      if (this.connection.state === 'running' && this.connection.current === live && live.usable) this.background(this.keepAttached(live, registration));
    });
    try {
      await channel.prefetch(this.prefetch);
      const { consumerTag } = await channel.consume(queue, (message) => this.onDelivery(registration, attachment, message), { noAck: false });
      attachment.consumerTag = consumerTag;
    } catch (error) {
      await channel.close().catch(noop);
      throw error;
    }
    registration.attachment = attachment;
  }

  private onDelivery(registration: Registration, attachment: Attachment, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer (the queue was deleted): declare and consume again.
      this.logger.warn(`RabbitMQ task queue: the broker cancelled the consumer of ${registration.queue}; consuming again`);
      attachment.live.declared.delete(registration.queue);
      attachment.channel.close().catch(noop);
      return;
    }
    const handling = this.handle(registration, attachment, message).catch((error: unknown) =>
      this.logger.error(`RabbitMQ task queue: handling a task of ${registration.queue} failed unexpectedly: ${errorText(error)}`),
    );
    this.inFlight.add(handling);
    void handling.finally(() => this.inFlight.delete(handling));
  }

  private async handle(registration: Registration, attachment: Attachment, message: ConsumeMessage): Promise<void> {
    const headers = message.properties.headers as Record<string, unknown> | undefined;
    let payload: unknown;
    try {
      payload = JSON.parse(message.content.toString('utf8'));
    } catch (error) {
      await this.settlement.deadLetter(registration.queue, attachment, message, 'malformed-json', `malformed JSON: ${errorText(error)}`, failuresSoFar(headers));
      return;
    }
    try {
      await registration.handler({ payload, headers: taskHeaders(headers) });
    } catch (error) {
      const failures = failuresSoFar(headers) + 1;
      if (failures >= this.maxDeliveries) {
        await this.settlement.deadLetter(registration.queue, attachment, message, 'max-deliveries', errorText(error), failures);
      } else {
        await this.settlement.forward(attachment, message, taskQueueNames(registration.queue).retry, {
          headers: { [TASK_HEADERS.failures]: failures, [TASK_HEADERS.lastError]: truncate(errorText(error)) },
          expiration: String(this.retryDelayMs),
        });
      }
      return;
    }
    this.settlement.ack(attachment, message, registration.queue);
  }

  // --- stopping -----------------------------------------------------------------------------

  private async close(timeoutMs: number): Promise<void> {
    if (this.connection.state === 'idle' || this.connection.state === 'stopped') {
      await this.connection.markStopped();
      return;
    }
    this.connection.beginStopping();

    await Promise.all(
      [...this.registrations].map(async ({ attachment }) => {
        if (attachment?.consumerTag && !attachment.closed) await attachment.channel.cancel(attachment.consumerTag).catch(noop);
      }),
    );

    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 || this.publishing.size > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        this.logger.warn(
          `RabbitMQ task queue: stopping with ${this.inFlight.size} handler(s) and ${this.publishing.size} enqueue(s) still running after ${timeoutMs} ms; their tasks are delivered again`,
        );
        break;
      }
      const timer = new AbortController();
      await Promise.race([Promise.allSettled([...this.inFlight, ...this.publishing]), sleep(remaining, undefined, { signal: timer.signal }).catch(noop)]);
      timer.abort();
    }

    await this.connection.markStopped();
    for (const registration of this.registrations) {
      if (registration.attachment && !registration.attachment.closed) await registration.attachment.channel.close().catch(noop);
    }
    this.registrations.clear();
    await this.connection.close();
  }

  private background(work: Promise<void>): void {
    work.catch((error: unknown) => this.logger.error(`RabbitMQ task queue: ${errorText(error)}`));
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`RabbitMQ task queue: ${name} must be a positive integer (got ${value})`);
  return value;
}
