import { inMemoryMetrics } from '../../../test/support/in-memory-metrics';
import { MeasuredEventLog, MeasuredTaskQueue, observeBacklog } from './measured-messaging';
import type { EventHandler, EventLogPort, Task, TaskQueuePort } from './messaging.ports';

describe('measured messaging', () => {
  it('measures publishes and consumed batches per topic, passing results and errors through', async () => {
    const metrics = inMemoryMetrics();
    let subscribed: EventHandler<unknown> | undefined;
    let failPublish = false;
    const inner: EventLogPort = {
      adapterName: 'test',
      stop: async () => undefined,
      publish: async () => {
        if (failPublish) throw new Error('broker down');
      },
      subscribe: async (_topic, _group, handler) => {
        subscribed = handler as EventHandler<unknown>;
      },
    };
    const log = new MeasuredEventLog(inner, metrics.instruments);
    await log.publish('shipment.created', { key: 'k', payload: {}, headers: {} });
    failPublish = true;
    await expect(log.publish('shipment.created', { key: 'k', payload: {}, headers: {} })).rejects.toThrow('broker down');
    const seen: number[] = [];
    await log.subscribe('carrier.status.updates', 'g', async (batch) => {
      seen.push(batch.length);
      if (batch.length === 1) throw new Error('handler failed');
    });
    await subscribed!([{ key: 'a', payload: 1, headers: {} }, { key: 'b', payload: 2, headers: {} }]);
    await expect(subscribed!([{ key: 'c', payload: 3, headers: {} }])).rejects.toThrow('handler failed');
    expect(seen).toEqual([2, 1]);

    const points = await metrics.collect();
    const of = (name: string) => points.filter((p) => p.name === name).map((p) => [p.attributes['messaging.destination.name'], p.attributes.outcome, p.value]);
    expect(of('logisynapse.event_log.publish.duration').sort()).toEqual([
      ['shipment.created', 'error', 1],
      ['shipment.created', 'ok', 1],
    ]);
    expect(of('logisynapse.event_log.consumed').sort()).toEqual([
      ['carrier.status.updates', 'error', 1],
      ['carrier.status.updates', 'ok', 2],
    ]);
  });

  it('measures enqueued and handled tasks per queue; a topic or queue of no one is "other"', async () => {
    const metrics = inMemoryMetrics();
    let consumer: ((task: Task<unknown>) => Promise<void>) | undefined;
    const inner: TaskQueuePort = {
      adapterName: 'test',
      stop: async () => undefined,
      enqueue: async () => undefined,
      consume: async (_queue, handler) => {
        consumer = handler as (task: Task<unknown>) => Promise<void>;
      },
    };
    const queue = new MeasuredTaskQueue(inner, metrics.instruments);
    await queue.enqueue('tasks.email.send', { payload: {}, headers: {} });
    await queue.enqueue('tenant-42-private-queue', { payload: {}, headers: {} });
    await queue.consume('tasks.email.send', async () => undefined);
    await consumer!({ payload: {}, headers: {} });
    const points = await metrics.collect();
    expect(points.filter((p) => p.name === 'logisynapse.task_queue.enqueue.duration').map((p) => p.attributes['messaging.destination.name']).sort()).toEqual([
      'other',
      'tasks.email.send',
    ]);
    expect(points.find((p) => p.name === 'logisynapse.task_queue.process.duration')).toMatchObject({
      attributes: { 'messaging.destination.name': 'tasks.email.send', outcome: 'ok' },
      value: 1,
    });
  });
});

describe('observeBacklog', () => {
  it("reports each subscription's lag and each queue's depth under the platform's own names", async () => {
    const m = inMemoryMetrics();
    const stop = observeBacklog(
      {
        consumerLag: async () => [{ topic: 'run-1.carrier.status.updates', group: 'shipments', messages: 42 }],
        queueDepths: async () => [
          { queue: 'run-1.tasks.email.send', tasks: 7 },
          { queue: 'run-1.someone-elses-queue', tasks: 1 },
        ],
        topicPrefix: 'run-1.',
        queuePrefix: 'run-1.',
      },
      m.meter,
    );
    const points = await m.collect();
    expect(points).toEqual(
      expect.arrayContaining([
        { name: 'logisynapse.event_log.consumer.lag', attributes: { 'messaging.destination.name': 'carrier.status.updates', 'messaging.consumer.group.name': 'shipments' }, value: 42 },
        { name: 'logisynapse.task_queue.depth', attributes: { 'messaging.destination.name': 'tasks.email.send' }, value: 7 },
        // a name that is not the platform's never becomes a label value of its own
        { name: 'logisynapse.task_queue.depth', attributes: { 'messaging.destination.name': 'other' }, value: 1 },
      ]),
    );
    stop();
  });

  it('leaves a gauge without a value, and the collection whole, when the broker does not answer', async () => {
    const m = inMemoryMetrics();
    m.instruments.shipmentsCreated.add(1);
    observeBacklog({ consumerLag: () => Promise.reject(new Error('broker down')), queueDepths: () => Promise.reject(new Error('broker down')) }, m.meter);
    const points = await m.collect();
    expect(points.map((p) => p.name)).toEqual(['logisynapse.shipments.created']);
  });
});
