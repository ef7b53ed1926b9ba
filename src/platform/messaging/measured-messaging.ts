import { boundedAttributes, platformMetrics, timed, type Failure, type Instruments } from '../telemetry/instruments';
import type { EventHandler, EventLogPort, EventMessage, SubscribeOptions, Task, TaskQueuePort } from './messaging.ports';

const outcome = (failure: Failure) => (failure ? 'error' : 'ok');

/**
 * The event log with every publish and every consumed batch measured, per topic (the topics are
 * the platform's own, listed in TOPICS: a bounded label). Stopping stops the wrapped log.
 */
export class MeasuredEventLog implements EventLogPort {
  readonly adapterName: string;

  constructor(
    readonly inner: EventLogPort,
    private readonly m: Instruments = platformMetrics(),
  ) {
    this.adapterName = inner.adapterName;
  }

  stop(): Promise<void> {
    return this.inner.stop?.() ?? Promise.resolve();
  }

  publish<T>(topic: string, message: EventMessage<T>): Promise<void> {
    return timed(
      () => this.inner.publish(topic, message),
      (seconds, failure) => this.m.eventLogPublishDuration.record(seconds, boundedAttributes({ 'messaging.destination.name': topic, outcome: outcome(failure) })),
    );
  }

  subscribe<T>(topic: string, group: string, handler: EventHandler<T>, options?: SubscribeOptions): Promise<void> {
    const measured: EventHandler<T> = (messages) =>
      timed(
        () => handler(messages),
        (seconds, failure) => {
          const attributes = boundedAttributes({ 'messaging.destination.name': topic, outcome: outcome(failure) });
          this.m.eventLogProcessDuration.record(seconds, attributes);
          this.m.eventLogConsumedMessages.add(messages.length, attributes);
        },
      );
    return this.inner.subscribe(topic, group, measured, options);
  }
}

/** The task queue with every enqueue and every handled task measured, per queue (QUEUES: bounded). */
export class MeasuredTaskQueue implements TaskQueuePort {
  readonly adapterName: string;

  constructor(
    readonly inner: TaskQueuePort,
    private readonly m: Instruments = platformMetrics(),
  ) {
    this.adapterName = inner.adapterName;
  }

  stop(): Promise<void> {
    return this.inner.stop?.() ?? Promise.resolve();
  }

  enqueue<T>(queue: string, task: Task<T>, options?: { dedupeKey?: string }): Promise<void> {
    return timed(
      () => this.inner.enqueue(queue, task, options),
      (seconds, failure) => this.m.taskQueueEnqueueDuration.record(seconds, boundedAttributes({ 'messaging.destination.name': queue, outcome: outcome(failure) })),
    );
  }

  consume<T>(queue: string, handler: (task: Task<T>) => Promise<void>): Promise<void> {
    return this.inner.consume<T>(queue, (task) =>
      timed(
        () => handler(task),
        (seconds, failure) => this.m.taskQueueProcessDuration.record(seconds, boundedAttributes({ 'messaging.destination.name': queue, outcome: outcome(failure) })),
      ),
    );
  }
}
