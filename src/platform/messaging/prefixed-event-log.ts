import type { EventHandler, EventLogPort, EventMessage, SubscribeOptions } from './messaging.ports';

/**
 * Puts every topic of an event log under a prefix (`staging.`, or one per test run), so several
 * deployments can share one Kafka cluster without reading each other's events.
 */
export class PrefixedEventLog implements EventLogPort {
  readonly adapterName: string;

  constructor(
    readonly inner: EventLogPort,
    private readonly prefix: string,
  ) {
    this.adapterName = `${inner.adapterName}, topics prefixed "${prefix}"`;
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  publish<T>(topic: string, message: EventMessage<T>): Promise<void> {
    return this.inner.publish(this.prefix + topic, message);
  }

  subscribe<T>(topic: string, group: string, handler: EventHandler<T>, options?: SubscribeOptions): Promise<void> {
    return this.inner.subscribe(this.prefix + topic, group, handler, options);
  }
}
