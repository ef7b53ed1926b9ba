import type { Task, TaskQueuePort } from '../../src/platform/messaging/messaging.ports';
import { eventually } from '../support/poll';
import { ConnectionPool, quietPeriod, uniqueName, type BrokerConnection, type BrokerHarness, type MessagingContractOptions } from './messaging.harness';

export type TaskQueueHarness = BrokerHarness<TaskQueuePort>;
export type TaskQueueConnection = BrokerConnection<TaskQueuePort>;

interface Payload {
  id: string;
  to?: string;
}

/** Tasks a consumer was handed, in order, with the consumer that got each. */
class Received {
  readonly tasks: { consumer: string; task: Task<Payload> }[] = [];

  handler(consumer: string) {
    return (task: Task<Payload>) => {
      this.tasks.push({ consumer, task });
      return Promise.resolve();
    };
  }

  ids(): string[] {
    return this.tasks.map((t) => t.task.payload.id);
  }
}

const task = (id: string): Task<Payload> => ({ payload: { id, to: `${id}@example.com` }, headers: { 'x-task': id } });

/**
 * Contract of the task queue port (`tasks.email.send`): each task reaches one consumer with its
 * headers, a task queued before any consumer runs waits for it, a dedupe key drops a second
 * task while the first is still queued, and a handler that throws gets the task again.
 */
export function describeTaskQueueContract(
  adapterName: string,
  factory: () => Promise<TaskQueueHarness>,
  options: MessagingContractOptions = {},
): void {
  const describeFn = options.describe ?? describe;
  const timeoutMs = options.deliveryTimeoutMs ?? 30_000;
  const quietMs = options.quietPeriodMs ?? 1_500;

  describeFn(`task queue port contract: ${adapterName}`, () => {
    let harness: TaskQueueHarness | undefined;
    const connections = new ConnectionPool<TaskQueuePort>(() => harness!);
    let producer: TaskQueueConnection;

    const waitFor = (description: string, done: () => boolean) =>
      eventually(description, () => Promise.resolve(done() ? true : undefined), { timeoutMs, intervalMs: 50 });

    beforeAll(async () => {
      harness = await factory();
      producer = await connections.connect();
    });

    afterAll(async () => {
      try {
        await connections.closeAll();
      } finally {
        await harness?.dispose();
      }
    });

    it('delivers a task with its payload and headers', async () => {
      const queue = uniqueName('round-trip');
      const received = new Received();
      const consumer = await connections.connect();
      await consumer.port.consume(queue, received.handler('consumer'));
      const sent: Task<unknown> = {
        payload: { template: 'welcome', to: 'hippo@example.com', vars: { name: 'Mr Hippo 📦', lines: ['a', 'b'] } },
        headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'tenant-id': 'tenant-1' },
      };
      await producer.port.enqueue(queue, sent);
      await waitFor('the task', () => received.tasks.length >= 1);
      expect(received.tasks[0]!.task).toEqual(sent);
      await consumer.close();
    });

    it('keeps tasks enqueued before any consumer runs, and delivers them when one starts', async () => {
      const queue = uniqueName('before-consumer');
      const ids = ['early-1', 'early-2', 'early-3'];
      for (const id of ids) await producer.port.enqueue(queue, task(id));

      const received = new Received();
      const consumer = await connections.connect();
      await consumer.port.consume(queue, received.handler('late'));
      await waitFor('the early tasks', () => ids.every((id) => received.ids().includes(id)));
      await quietPeriod(quietMs);
      expect(received.ids().sort()).toEqual(ids);
      expect(received.tasks.find((t) => t.task.payload.id === 'early-2')!.task).toEqual(task('early-2'));
      await consumer.close();
    });

    it('gives each task to one consumer only', async () => {
      const queue = uniqueName('competing');
      const received = new Received();
      const first = await connections.connect();
      const second = await connections.connect();
      await first.port.consume(queue, received.handler('first'));
      await second.port.consume(queue, received.handler('second'));
      const ids = Array.from({ length: 10 }, (_, n) => `t${String(n).padStart(2, '0')}`);
      for (const id of ids) await producer.port.enqueue(queue, task(id));

      await waitFor('all ten tasks', () => new Set(received.ids()).size >= ids.length);
      await quietPeriod(quietMs);
      expect(received.ids().sort()).toEqual(ids);
      await first.close();
      await second.close();
    });

    it('drops a task whose dedupe key is already queued', async () => {
      const queue = uniqueName('dedupe');
      // Both enqueued while no consumer runs, so the first is certainly still queued.
      await producer.port.enqueue(queue, task('first'), { dedupeKey: 'welcome:shipment-1' });
      await producer.port.enqueue(queue, task('second'), { dedupeKey: 'welcome:shipment-1' });
      await producer.port.enqueue(queue, task('other-key'), { dedupeKey: 'welcome:shipment-2' });

      const received = new Received();
      const consumer = await connections.connect();
      await consumer.port.consume(queue, received.handler('consumer'));
      await waitFor('the tasks', () => received.ids().includes('other-key') && received.tasks.length >= 2);
      await quietPeriod(quietMs);
      await consumer.close();
      expect(received.ids().sort()).toEqual(['first', 'other-key']);
    });

    it('delivers every task that has no dedupe key, even identical ones (control)', async () => {
      const queue = uniqueName('no-dedupe');
      await producer.port.enqueue(queue, task('same'));
      await producer.port.enqueue(queue, task('same'));
      const received = new Received();
      const consumer = await connections.connect();
      await consumer.port.consume(queue, received.handler('consumer'));
      await waitFor('both tasks', () => received.tasks.length >= 2);
      await quietPeriod(quietMs);
      expect(received.ids()).toEqual(['same', 'same']);
      await consumer.close();
    });

    it('retries a task whose handler throws until it succeeds', async () => {
      const queue = uniqueName('retry');
      const attempts: Task<Payload>[] = [];
      let handled: Task<Payload> | undefined;
      const consumer = await connections.connect();
      await consumer.port.consume<Payload>(queue, (received) => {
        attempts.push(received);
        if (attempts.length <= 2) return Promise.reject(new Error(`attempt ${attempts.length} failed on purpose`));
        handled = received;
        return Promise.resolve();
      });
      await producer.port.enqueue(queue, task('flaky'));

      await waitFor('the task to succeed on its third attempt', () => handled !== undefined);
      await quietPeriod(quietMs);
      expect(attempts).toHaveLength(3);
      expect(attempts.every((t) => t.payload.id === 'flaky')).toBe(true);
      expect(handled).toEqual(task('flaky'));
      await consumer.close();
    });
  });
}

