import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Message, type Options } from 'amqplib';
import type { Task, TaskQueuePort } from '../../messaging.ports';
import {
  amqpUrlWithHeartbeat,
  assertTaskQueueName,
  errorText,
  failuresSoFar,
  publishableHeaders,
  redactAmqpUrl,
  TASK_HEADERS,
  taskHeaders,
  taskQueueDeclarations,
  taskQueueNames,
  truncate,
  type DeadLetterReason,
} from './rabbitmq-topology';

export interface RabbitMqTaskQueueLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

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

/** No connection to RabbitMQ within the wait; nothing was enqueued (or consumed). */
export class TaskQueueUnavailableError extends Error {
  override readonly name = 'TaskQueueUnavailableError';
}

const JSON_CONTENT_TYPE = 'application/json';
const HEARTBEAT_SECONDS = 15;
const CONNECT_TIMEOUT_MS = 10_000;
const RECONNECT_MIN_DELAY_MS = 100;
const RECONNECT_MAX_DELAY_MS = 5_000;
/** How long a consumer waits before settling a task whose retry could not be published. */
const REQUEUE_PAUSE_MS = 1_000;

const noop = () => undefined;

const consoleLogger: RabbitMqTaskQueueLogger = {
  info: noop,
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

/** A publish RabbitMQ accepted, but no queue took (`mandatory`): the queue was deleted since it was declared. */
class UnroutableError extends Error {
  override readonly name = 'UnroutableError';
}

/**
 * Publishes on a confirm channel and resolves once the broker confirmed the message: for a
 * persistent message to a quorum queue, once a majority of its replicas wrote it to disk.
 * `mandatory` plus a per-publish id turn a message no queue took into an error, not a silent drop.
 */
class ConfirmedPublisher {
  closed = false;
  private readonly returned = new Set<string>();

  constructor(readonly channel: ConfirmChannel) {
    channel.on('return', (message: Message) => {
      const id = (message.properties.headers as Record<string, unknown> | undefined)?.[TASK_HEADERS.publishId];
      if (typeof id === 'string') this.returned.add(id);
    });
    channel.once('close', () => (this.closed = true));
  }

  publish(queue: string, content: Buffer, options: Options.Publish, timeoutMs: number): Promise<void> {
    const publishId = randomUUID();
    const headers = { ...(options.headers as Record<string, unknown>), [TASK_HEADERS.publishId]: publishId };
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => settle(new Error(`RabbitMQ did not confirm the message to ${queue} within ${timeoutMs} ms (is the broker blocked by a resource alarm?)`)),
        timeoutMs,
      );
      try {
        this.channel.publish('', queue, content, { ...options, headers, mandatory: true }, (error: unknown) => {
          const wasReturned = this.returned.delete(publishId);
          if (error) settle(error instanceof Error ? error : new Error(String(error)));
          else if (wasReturned) settle(new UnroutableError(`RabbitMQ returned the message: no queue named ${queue}`));
          else settle();
        });
      } catch (error) {
        settle(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}

/** One connection to the broker with its publishing channel and the queues declared on it. */
class Live {
  lost = false;
  publisher: ConfirmedPublisher;
  readonly declared = new Map<string, Promise<void>>();
  constructor(readonly connection: ChannelModel) {}

  get usable(): boolean {
    return !this.lost && !this.publisher.closed;
  }
}

/** A consumer's channel on one connection. */
interface Attachment {
  readonly live: Live;
  readonly channel: ConfirmChannel;
  readonly publisher: ConfirmedPublisher;
  consumerTag?: string;
  closed: boolean;
}

/** A `consume` call: kept across reconnections, attached to each new connection. */
interface Registration {
  readonly queue: string;
  readonly handler: (task: Task<unknown>) => Promise<void>;
  attachment?: Attachment;
  attaching?: { live: Live; done: Promise<void> };
}

type State = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * Task queue over RabbitMQ (amqplib): one durable quorum queue per task queue, persistent
 * messages published on a confirm channel, manual acknowledgements, retries through a delay
 * queue, and a dead-letter queue (`rabbitmq-topology.ts` has the layout).
 *
 * The connection is re-established after it drops (broker restart, network): with backoff, the
 * queues are declared again and every consumer is registered again. Meanwhile `enqueue` waits
 * for the connection up to `connectionWaitMs`, then fails; it never drops a task silently.
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

  private readonly url: string;
  private readonly where: string;
  private readonly prefetch: number;
  private readonly maxDeliveries: number;
  private readonly retryDelayMs: number;
  private readonly connectionWaitMs: number;
  private readonly logger: RabbitMqTaskQueueLogger;

  private state: State = 'idle';
  private current?: Live;
  private lastError?: unknown;
  private reconnecting?: Promise<void>;
  private stopping?: Promise<void>;
  private readonly shutdown = new AbortController();
  private readonly registrations = new Set<Registration>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly publishing = new Set<Promise<void>>();
  private readonly waiters = new Set<() => void>();

  constructor(options: RabbitMqTaskQueueOptions) {
    this.url = amqpUrlWithHeartbeat(options.url, HEARTBEAT_SECONDS);
    this.where = redactAmqpUrl(options.url);
    this.prefetch = positiveInteger('prefetch', options.prefetch ?? 10);
    this.maxDeliveries = positiveInteger('maxDeliveries', options.maxDeliveries ?? 10);
    this.retryDelayMs = positiveInteger('retryDelayMs', options.retryDelayMs ?? 1000);
    this.connectionWaitMs = positiveInteger('connectionWaitMs', options.connectionWaitMs ?? 30_000);
    this.logger = options.logger ?? consoleLogger;
  }

  /** Connects; fails (and stops) if the broker does not answer within `connectionWaitMs`. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`RabbitMQ task queue: start() called when ${this.state}`);
    this.state = 'running';
    this.ensureReconnecting();
    try {
      await this.waitForConnection(Date.now() + this.connectionWaitMs);
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
        const live = await this.waitForConnection(deadline);
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

  // --- connection -------------------------------------------------------------------------

  private ensureReconnecting(): void {
    if (this.reconnecting || this.state !== 'running') return;
    this.reconnecting = this.reconnectLoop().finally(() => (this.reconnecting = undefined));
  }

  private async reconnectLoop(): Promise<void> {
    let delay = RECONNECT_MIN_DELAY_MS;
    let attempts = 0;
    const since = Date.now();
    while (this.state === 'running' && !this.current) {
      attempts += 1;
      try {
        const live = await this.open();
        if (this.state !== 'running') {
          await live.connection.close().catch(noop);
          return;
        }
        this.current = live;
        this.lastError = undefined;
        this.logger.info(`RabbitMQ task queue: connected to ${this.where}${attempts > 1 ? ` after ${attempts} attempts (${Date.now() - since} ms)` : ''}`);
        this.notify();
        for (const registration of this.registrations) this.background(this.keepAttached(live, registration));
        return;
      } catch (error) {
        this.lastError = error;
        if (attempts === 1 || attempts % 10 === 0) {
          this.logger.warn(`RabbitMQ task queue: cannot connect to ${this.where} (attempt ${attempts}): ${errorText(error)}; retrying`);
        }
        try {
          await sleep(delay / 2 + Math.random() * (delay / 2), undefined, { signal: this.shutdown.signal });
        } catch {
          return; // stopping
        }
        delay = Math.min(delay * 2, RECONNECT_MAX_DELAY_MS);
      }
    }
  }

  private async open(): Promise<Live> {
    const connection = await connect(this.url, {
      timeout: CONNECT_TIMEOUT_MS,
      clientProperties: { connection_name: `logisynapse task queue (pid ${process.pid})` },
    });
    const live = new Live(connection);
    connection.on('error', (error: unknown) => this.logger.warn(`RabbitMQ task queue: connection error: ${errorText(error)}`));
    connection.on('blocked', (reason: unknown) => this.logger.warn(`RabbitMQ task queue: the broker blocks publishing: ${String(reason)}`));
    connection.on('unblocked', () => this.logger.info('RabbitMQ task queue: the broker accepts publishing again'));
    connection.once('close', () => this.onConnectionLost(live));
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', (error: unknown) => this.logger.warn(`RabbitMQ task queue: publishing channel error: ${errorText(error)}`));
      live.publisher = new ConfirmedPublisher(channel);
      channel.once('close', () => {
        // The publishing channel is part of the connection's state: start over with a new connection.
        if (!live.lost && this.state === 'running') connection.close().catch(noop);
      });
    } catch (error) {
      await connection.close().catch(noop);
      throw error;
    }
    if (live.lost) throw new Error('the connection closed while it was being opened');
    return live;
  }

  private onConnectionLost(live: Live): void {
    live.lost = true;
    for (const registration of this.registrations) {
      if (registration.attachment?.live === live) registration.attachment = undefined;
    }
    if (this.current !== live) return;
    this.current = undefined;
    if (this.state === 'running') {
      this.logger.warn(`RabbitMQ task queue: lost the connection to ${this.where}; reconnecting`);
      this.ensureReconnecting();
    }
    this.notify();
  }

  /** The current connection, waiting for one (reconnection) until `deadline`. */
  private async waitForConnection(deadline: number): Promise<Live> {
    for (;;) {
      const live = this.current;
      if (live?.usable && (this.state === 'running' || this.state === 'stopping')) return live;
      if (this.state !== 'running') throw new Error(`RabbitMQ task queue is ${this.state}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const cause = this.lastError === undefined ? '' : `; last error: ${errorText(this.lastError)}`;
        throw new TaskQueueUnavailableError(`RabbitMQ task queue: no connection to ${this.where} within ${this.connectionWaitMs} ms${cause}`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(remaining, 1000));
        this.waiters.add(wake);
      });
    }
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private assertStarted(operation: string): void {
    if (this.state === 'idle') throw new Error(`RabbitMQ task queue: call start() before ${operation}()`);
    if (this.state === 'stopped') throw new Error(`RabbitMQ task queue: ${operation}() after stop()`);
  }

  /** Declares the task queue's three queues once per connection. */
  /**
   * The tasks waiting in each queue this adapter declared (ready, not yet delivered), asked of
   * the broker on a short-lived channel; empty while disconnected. Read by the depth gauge.
   */
  async queueDepths(): Promise<{ queue: string; tasks: number }[]> {
    const live = this.current;
    if (!live || this.state !== 'running') return [];
    const channel = await live.connection.createChannel();
    channel.on('error', noop); // a queue deleted behind our back closes only this channel
    try {
      const depths: { queue: string; tasks: number }[] = [];
      for (const [queue, declared] of live.declared) {
        if (!(await declared.then(() => true, () => false))) continue;
        depths.push({ queue, tasks: (await channel.checkQueue(queue)).messageCount });
      }
      return depths;
    } finally {
      await channel.close().catch(noop);
    }
  }

  private declare(live: Live, queue: string): Promise<void> {
    let declared = live.declared.get(queue);
    if (!declared) {
      declared = (async () => {
        // A short-lived channel: a refused declaration (406) closes only this channel.
        const channel = await live.connection.createChannel();
        channel.on('error', noop); // reported through the rejected assertQueue
        try {
          for (const queueDeclaration of taskQueueDeclarations(queue)) {
            await channel.assertQueue(queueDeclaration.name, { durable: true, arguments: queueDeclaration.arguments });
          }
        } catch (error) {
          throw new Error(
            `RabbitMQ task queue: declaring ${queue} failed: ${errorText(error)}` +
              (/PRECONDITION/.test(errorText(error)) ? ' (a queue of that name exists with other arguments; delete it or rename the task queue)' : ''),
            { cause: error },
          );
        } finally {
          await channel.close().catch(noop);
        }
      })();
      live.declared.set(queue, declared);
      declared.catch(() => live.declared.delete(queue));
    }
    return declared;
  }

  // --- publishing ---------------------------------------------------------------------------

  private async publishWithRetry(queue: string, content: Buffer, properties: Options.Publish): Promise<void> {
    const deadline = Date.now() + this.connectionWaitMs;
    for (;;) {
      const live = await this.waitForConnection(deadline);
      try {
        await this.declare(live, queue);
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
    while (this.state === 'running' && this.current === live && live.usable && this.registrations.has(registration)) {
      if (registration.attachment?.live === live && !registration.attachment.closed) return;
      try {
        await this.attach(live, registration);
        return;
      } catch (error) {
        if (!live.usable) return; // the next connection attaches it
        this.logger.error(`RabbitMQ task queue: cannot consume ${registration.queue}: ${errorText(error)}; retrying in ${delay} ms`);
        try {
          await sleep(delay, undefined, { signal: this.shutdown.signal });
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
    await this.declare(live, queue);
    const channel = await live.connection.createConfirmChannel();
    const attachment: Attachment = { live, channel, publisher: new ConfirmedPublisher(channel), closed: false };
    channel.on('error', (error: unknown) => this.logger.warn(`RabbitMQ task queue: consumer channel of ${queue}: ${errorText(error)}`));
    channel.once('close', () => {
      attachment.closed = true;
      if (registration.attachment !== attachment) return;
      registration.attachment = undefined;
      // Closed while the connection lives on (channel error, consumer cancelled): consume again.
      if (this.state === 'running' && this.current === live && live.usable) this.background(this.keepAttached(live, registration));
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
      await this.deadLetter(registration.queue, attachment, message, 'malformed-json', `malformed JSON: ${errorText(error)}`, failuresSoFar(headers));
      return;
    }
    try {
      await registration.handler({ payload, headers: taskHeaders(headers) });
    } catch (error) {
      const failures = failuresSoFar(headers) + 1;
      if (failures >= this.maxDeliveries) {
        await this.deadLetter(registration.queue, attachment, message, 'max-deliveries', errorText(error), failures);
      } else {
        await this.forward(attachment, message, taskQueueNames(registration.queue).retry, {
          headers: { [TASK_HEADERS.failures]: failures, [TASK_HEADERS.lastError]: truncate(errorText(error)) },
          expiration: String(this.retryDelayMs),
        });
      }
      return;
    }
    this.ack(attachment, message, registration.queue);
  }

  private async deadLetter(queue: string, attachment: Attachment, message: ConsumeMessage, reason: DeadLetterReason, lastError: string, failures: number): Promise<void> {
    this.logger.warn(`RabbitMQ task queue: task ${message.properties.messageId ?? '?'} of ${queue} goes to ${taskQueueNames(queue).deadLetter} (${reason}): ${truncate(lastError, 200)}`);
    await this.forward(attachment, message, taskQueueNames(queue).deadLetter, {
      headers: {
        [TASK_HEADERS.failures]: failures,
        [TASK_HEADERS.lastError]: truncate(lastError),
        [TASK_HEADERS.deadLetterReason]: reason,
        [TASK_HEADERS.sourceQueue]: queue,
        [TASK_HEADERS.deadLetteredAt]: new Date().toISOString(),
      },
    });
  }

  /**
   * Publishes a copy of `message` to `target` (retry or dead-letter queue), and acknowledges the
   * original once the broker confirmed the copy. If the channel dropped first, the original is
   * delivered again (at least once); if the broker refused the copy, the original goes back to
   * its queue after a pause.
   */
  private async forward(attachment: Attachment, message: ConsumeMessage, target: string, extra: { headers: Record<string, unknown>; expiration?: string }): Promise<void> {
    const { properties } = message;
    const headers = { ...taskHeaders(properties.headers as Record<string, unknown> | undefined), ...extra.headers };
    try {
      await attachment.publisher.publish(
        target,
        message.content,
        {
          persistent: true,
          contentType: (properties.contentType as string | undefined) ?? JSON_CONTENT_TYPE,
          contentEncoding: properties.contentEncoding as string | undefined,
          messageId: properties.messageId as string | undefined,
          timestamp: properties.timestamp as number | undefined,
          headers,
          expiration: extra.expiration,
        },
        this.connectionWaitMs,
      );
    } catch (error) {
      if (attachment.closed) return; // redelivered by the broker
      this.logger.error(`RabbitMQ task queue: could not move a task to ${target}: ${errorText(error)}; it goes back to its queue`);
      if (error instanceof UnroutableError) attachment.live.declared.delete(message.fields.routingKey);
      await sleep(REQUEUE_PAUSE_MS);
      try {
        attachment.channel.nack(message, false, true);
      } catch {
        // channel closed meanwhile: redelivered anyway
      }
      return;
    }
    this.ack(attachment, message, target);
  }

  private ack(attachment: Attachment, message: ConsumeMessage, queue: string): void {
    try {
      attachment.channel.ack(message);
    } catch (error) {
      this.logger.warn(
        `RabbitMQ task queue: could not acknowledge task ${message.properties.messageId ?? '?'} (${queue}): ${errorText(error)}; the broker delivers it again`,
      );
    }
  }

  // --- stopping -----------------------------------------------------------------------------

  private async close(timeoutMs: number): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.shutdown.abort();
    this.notify();

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

    this.state = 'stopped';
    await this.reconnecting;
    for (const registration of this.registrations) {
      if (registration.attachment && !registration.attachment.closed) await registration.attachment.channel.close().catch(noop);
    }
    this.registrations.clear();
    const live = this.current;
    this.current = undefined;
    if (live && !live.lost) {
      if (!live.publisher.closed) await live.publisher.channel.close().catch(noop);
      await live.connection.close().catch(noop);
    }
    this.notify();
  }

  private background(work: Promise<void>): void {
    work.catch((error: unknown) => this.logger.error(`RabbitMQ task queue: ${errorText(error)}`));
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`RabbitMQ task queue: ${name} must be a positive integer (got ${value})`);
  return value;
}
