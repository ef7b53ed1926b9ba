import type { Task, TaskQueuePort } from './messaging.ports';

/**
 * Puts every queue of a task queue under a prefix (`staging.`, or one per test run), so several
 * deployments can share one RabbitMQ broker without taking each other's tasks (as
 * PrefixedEventLog does for topics).
 */
export class PrefixedTaskQueue implements TaskQueuePort {
  readonly adapterName: string;

  constructor(
    readonly inner: TaskQueuePort,
    private readonly prefix: string,
  ) {
    this.adapterName = `${inner.adapterName}, queues prefixed "${prefix}"`;
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  enqueue<T>(queue: string, task: Task<T>, options?: { dedupeKey?: string }): Promise<void> {
    return this.inner.enqueue(this.prefix + queue, task, options);
  }

  consume<T>(queue: string, handler: (task: Task<T>) => Promise<void>): Promise<void> {
    return this.inner.consume(this.prefix + queue, handler);
  }
}
