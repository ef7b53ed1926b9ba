import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type ChannelModel } from 'amqplib';
import { ConfirmedPublisher } from './rabbitmq-publisher';
import { errorText, taskQueueDeclarations } from './rabbitmq-topology';

export interface RabbitMqTaskQueueLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** No connection to RabbitMQ within the wait; nothing was enqueued (or consumed). */
export class TaskQueueUnavailableError extends Error {
  override readonly name = 'TaskQueueUnavailableError';
}

const CONNECT_TIMEOUT_MS = 10_000;
export const RECONNECT_MIN_DELAY_MS = 100;
export const RECONNECT_MAX_DELAY_MS = 5_000;

const noop = () => undefined;

/** One connection to the broker with its publishing channel and the queues declared on it. */
export class Live {
  lost = false;
  publisher: ConfirmedPublisher;
  readonly declared = new Map<string, Promise<void>>();
  constructor(readonly connection: ChannelModel) {}

  get usable(): boolean {
    return !this.lost && !this.publisher.closed;
  }

  /** Declares the task queue's three queues once per connection. */
  declare(queue: string): Promise<void> {
    let declared = this.declared.get(queue);
    if (!declared) {
      declared = (async () => {
        // A short-lived channel: a refused declaration (406) closes only this channel.
        const channel = await this.connection.createChannel();
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
      this.declared.set(queue, declared);
      declared.catch(() => this.declared.delete(queue));
    }
    return declared;
  }

  /** The tasks waiting in each queue declared on this connection, asked on a short-lived channel. */
  async depths(): Promise<{ queue: string; tasks: number }[]> {
    const channel = await this.connection.createChannel();
    channel.on('error', noop); // a queue deleted behind our back closes only this channel
    try {
      const depths: { queue: string; tasks: number }[] = [];
      for (const [queue, declared] of this.declared) {
        if (!(await declared.then(() => true, () => false))) continue;
        depths.push({ queue, tasks: (await channel.checkQueue(queue)).messageCount });
      }
      return depths;
    } finally {
      await channel.close().catch(noop);
    }
  }
}

export type ConnectionState = 'idle' | 'running' | 'stopping' | 'stopped';

export interface RabbitMqConnectionOptions {
  /** The URL to connect with (heartbeat included). */
  url: string;
  /** The URL without credentials, for log lines and errors. */
  where: string;
  connectionWaitMs: number;
  logger: RabbitMqTaskQueueLogger;
  /** `live` has become the current connection: attach the consumers to it. */
  onConnected(live: Live): void;
  /** `live` closed: drop what was attached to it. */
  onLost(live: Live): void;
}

/**
 * The task queue's connection to the broker and its lifecycle state: connects, and after a drop
 * (broker restart, network) reconnects with backoff for as long as it runs; callers wait for a
 * connection up to a deadline.
 */
export class RabbitMqConnection {
  private stateNow: ConnectionState = 'idle';
  private live?: Live;
  private lastError?: unknown;
  private reconnecting?: Promise<void>;
  private readonly shutdown = new AbortController();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: RabbitMqConnectionOptions) {}

  get state(): ConnectionState {
    return this.stateNow;
  }

  get current(): Live | undefined {
    return this.live;
  }

  /** Aborted once stopping begins: ends every backoff pause. */
  get stopSignal(): AbortSignal {
    return this.shutdown.signal;
  }

  /** idle → running: connects in the background, and again after every drop. */
  run(): void {
    this.stateNow = 'running';
    this.ensureReconnecting();
  }

  /** running → stopping: no new connection; whoever waits for one wakes up. */
  beginStopping(): void {
    this.stateNow = 'stopping';
    this.shutdown.abort();
    this.notify();
  }

  /** → stopped, once a connection attempt under way has ended. */
  async markStopped(): Promise<void> {
    this.stateNow = 'stopped';
    await this.reconnecting;
  }

  /** Closes the current connection and its publishing channel. */
  async close(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    if (live && !live.lost) {
      if (!live.publisher.closed) await live.publisher.channel.close().catch(noop);
      await live.connection.close().catch(noop);
    }
    this.notify();
  }

  /** The current connection, waiting for one (reconnection) until `deadline`. */
  async waitForConnection(deadline: number): Promise<Live> {
    for (;;) {
      const live = this.live;
      if (live?.usable && (this.stateNow === 'running' || this.stateNow === 'stopping')) return live;
      if (this.stateNow !== 'running') throw new Error(`RabbitMQ task queue is ${this.stateNow}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const cause = this.lastError === undefined ? '' : `; last error: ${errorText(this.lastError)}`;
        throw new TaskQueueUnavailableError(`RabbitMQ task queue: no connection to ${this.options.where} within ${this.options.connectionWaitMs} ms${cause}`);
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

  private ensureReconnecting(): void {
    if (this.reconnecting || this.stateNow !== 'running') return;
    this.reconnecting = this.reconnectLoop().finally(() => (this.reconnecting = undefined));
  }

  private async reconnectLoop(): Promise<void> {
    const { logger, where } = this.options;
    let delay = RECONNECT_MIN_DELAY_MS;
    let attempts = 0;
    const since = Date.now();
    while (this.stateNow === 'running' && !this.live) {
      attempts += 1;
      try {
        const live = await this.open();
        if (this.stateNow !== 'running') {
          await live.connection.close().catch(noop);
          return;
        }
        this.live = live;
        this.lastError = undefined;
        logger.info(`RabbitMQ task queue: connected to ${where}${attempts > 1 ? ` after ${attempts} attempts (${Date.now() - since} ms)` : ''}`);
        this.notify();
        this.options.onConnected(live);
        return;
      } catch (error) {
        this.lastError = error;
        if (attempts === 1 || attempts % 10 === 0) {
          logger.warn(`RabbitMQ task queue: cannot connect to ${where} (attempt ${attempts}): ${errorText(error)}; retrying`);
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
    const { logger } = this.options;
    const connection = await connect(this.options.url, {
      timeout: CONNECT_TIMEOUT_MS,
      clientProperties: { connection_name: `logisynapse task queue (pid ${process.pid})` },
    });
    const live = new Live(connection);
    connection.on('error', (error: unknown) => logger.warn(`RabbitMQ task queue: connection error: ${errorText(error)}`));
    connection.on('blocked', (reason: unknown) => logger.warn(`RabbitMQ task queue: the broker blocks publishing: ${String(reason)}`));
    connection.on('unblocked', () => logger.info('RabbitMQ task queue: the broker accepts publishing again'));
    connection.once('close', () => this.onConnectionLost(live));
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', (error: unknown) => logger.warn(`RabbitMQ task queue: publishing channel error: ${errorText(error)}`));
      live.publisher = new ConfirmedPublisher(channel);
      channel.once('close', () => {
        // The publishing channel is part of the connection's state: start over with a new connection.
        if (!live.lost && this.stateNow === 'running') connection.close().catch(noop);
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
    this.options.onLost(live);
    if (this.live !== live) return;
    this.live = undefined;
    if (this.stateNow === 'running') {
      this.options.logger.warn(`RabbitMQ task queue: lost the connection to ${this.options.where}; reconnecting`);
      this.ensureReconnecting();
    }
    this.notify();
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
