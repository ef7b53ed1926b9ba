import { metrics, type Meter, type ObservableResult } from '@opentelemetry/api';
import { boundedAttributes, GAUGES, platformMetrics, timed, type Failure, type Instruments } from '../telemetry/instruments';
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
    return this.inner.stop();
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
    return this.inner.stop();
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

/** What a broker can say of its backlog (the Kafka and RabbitMQ adapters), by its own (maybe prefixed) names. */
export interface BacklogSources {
  consumerLag?: () => Promise<{ topic: string; group: string; messages: number }[]>;
  queueDepths?: () => Promise<{ queue: string; tasks: number }[]>;
  /** KAFKA_TOPIC_PREFIX / AMQP_QUEUE_PREFIX: taken off the names, so the labels are the platform's own. */
  topicPrefix?: string;
  queuePrefix?: string;
}

const unprefixed = (name: string, prefix = '') => (prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name);

/**
 * The consumer-lag and queue-depth gauges, asked of the broker at each collection. A broker that
 * does not answer leaves the gauge without a value for that scrape (its outage shows elsewhere),
 * never fails the scrape. Answers a function that stops observing.
 */
export function observeBacklog(sources: BacklogSources, meter: Meter = metrics.getMeter('logisynapse')): () => void {
  const stops: (() => void)[] = [];
  if (sources.consumerLag) {
    const read = sources.consumerLag;
    const gauge = meter.createObservableGauge(GAUGES.consumerLag.name, { unit: GAUGES.consumerLag.unit, description: GAUGES.consumerLag.description });
    const callback = async (result: ObservableResult) => {
      const lags = await read().catch(() => []);
      for (const { topic, group, messages } of lags) {
        result.observe(messages, boundedAttributes({ 'messaging.destination.name': unprefixed(topic, sources.topicPrefix), 'messaging.consumer.group.name': group }));
      }
    };
    gauge.addCallback(callback);
    stops.push(() => gauge.removeCallback(callback));
  }
  if (sources.queueDepths) {
    const read = sources.queueDepths;
    const gauge = meter.createObservableGauge(GAUGES.taskQueueDepth.name, { unit: GAUGES.taskQueueDepth.unit, description: GAUGES.taskQueueDepth.description });
    const callback = async (result: ObservableResult) => {
      const depths = await read().catch(() => []);
      for (const { queue, tasks } of depths) result.observe(tasks, boundedAttributes({ 'messaging.destination.name': unprefixed(queue, sources.queuePrefix) }));
    };
    gauge.addCallback(callback);
    stops.push(() => gauge.removeCallback(callback));
  }
  return () => stops.forEach((stop) => stop());
}
