/**
 * Event log: ordered facts that several consumer groups read (`shipment.created`,
 * `carrier.status.updates`). Kafka in production, pg-boss publish/subscribe embedded.
 */
export interface EventMessage<T> {
  /** Partitioning key: the shipment id or tracking number. */
  key: string;
  payload: T;
  headers: Record<string, string>;
}

export type EventHandler<T> = (messages: EventMessage<T>[]) => Promise<void>;

export interface SubscribeOptions {
  /**
   * The most messages one handler call may get. Without it the adapter chooses (Kafka: one at a
   * time; pg-boss: up to 50). A handler that asks for more applies them in one unit of work; when
   * such a call throws, the adapter hands the same messages over again one at a time (each with its
   * own retries and dead-lettering), so one bad message cannot hold back or poison the others.
   */
  maxBatchSize?: number;
}

export interface EventLogPort {
  readonly adapterName: string;
  /**
   * Stops consuming and closes the adapter's own connections; every adapter has it (nothing to
   * close is a no-op), so the module that owns it stops it without knowing which one it is.
   */
  stop(): Promise<void>;
  publish<T>(topic: string, message: EventMessage<T>): Promise<void>;
  /**
   * Delivers every message of `topic` to one member of `group`, at least once. A batch counts as
   * handled when the handler resolves; if it throws, the batch is delivered again (possibly split
   * into smaller batches). Handlers must be idempotent.
   */
  subscribe<T>(topic: string, group: string, handler: EventHandler<T>, options?: SubscribeOptions): Promise<void>;
}

export const EVENT_LOG = Symbol('EVENT_LOG');

/** Task queue: work for one consumer (`tasks.email.send`). RabbitMQ in production. */
export interface Task<T> {
  payload: T;
  headers: Record<string, string>;
}

export interface TaskQueuePort {
  readonly adapterName: string;
  /**
   * Stops consuming and closes the adapter's own connections; every adapter has it (nothing to
   * close is a no-op), so the module that owns it stops it without knowing which one it is.
   */
  stop(): Promise<void>;
  /**
   * Resolves once the task is durably queued. `dedupeKey` is a best-effort optimisation, never a
   * guarantee: an adapter may drop a task whose key belongs to a task still queued (pg-boss
   * does; RabbitMQ only carries it as the message id). Tasks with distinct keys are all
   * delivered. Handlers must be idempotent: delivery is at least once.
   */
  enqueue<T>(queue: string, task: Task<T>, options?: { dedupeKey?: string }): Promise<void>;
  /** Delivers each task at least once; a task whose handler throws is retried, then dead-lettered. */
  consume<T>(queue: string, handler: (task: Task<T>) => Promise<void>): Promise<void>;
}

export const TASK_QUEUE = Symbol('TASK_QUEUE');

export const TOPICS = {
  shipmentCreated: 'shipment.created',
  carrierStatusUpdates: 'carrier.status.updates',
} as const;

export const QUEUES = {
  emailSend: 'tasks.email.send',
} as const;
