import type { Task, TaskQueuePort } from '../../src/platform/messaging/messaging.ports';
import { eventually } from '../support/poll';
import { ConnectionPool, quietPeriod, uniqueName, type BrokerConnection, type BrokerHarness, type MessagingContractOptions } from './messaging.harness';

export interface TaskQueueContractOptions extends MessagingContractOptions {
  /**
   * Whether the adapter drops a task whose dedupe key belongs to a task still queued (pg-boss
   * with its `short` queue policy does). Default `true`, what the port promised first; an adapter
   * without de-duplication (RabbitMQ) passes `false` and is held to the weaker promise instead:
   * a repeated key may be delivered twice, but no task is ever lost because of its key.
   */
  dedupesWhileQueued?: boolean;
}

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
 * headers, a task queued before any consumer runs waits for it, tasks with distinct dedupe keys
 * are all delivered, a dedupe key never makes a task get lost (and, for an adapter that says
 * so, drops a second task while the first is still queued), and a handler that throws gets the
 * task again.
 */
export function describeTaskQueueContract(
  adapterName: string,
  factory: () => Promise<TaskQueueHarness>,
  options: TaskQueueContractOptions = {},
): void {
  const describeFn = options.describe ?? describe;
  const timeoutMs = options.deliveryTimeoutMs ?? 30_000;
  const quietMs = options.quietPeriodMs ?? 1_500;
  const dedupesWhileQueued = options.dedupesWhileQueued ?? true;
  // Each adapter gets the dedupe test that states its behaviour; neither is skipped.
  const noop = (() => undefined) as unknown as jest.It;
  const itIfDedupes = dedupesWhileQueued ? it : noop;
  const itUnlessDedupes = dedupesWhileQueued ? noop : it;

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

    itIfDedupes('drops a task whose dedupe key is already queued', async () => {
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

    itUnlessDedupes('delivers the first task of a repeated dedupe key (no de-duplication: the second may come too)', async () => {
      const queue = uniqueName('dedupe-none');
      await producer.port.enqueue(queue, task('first'), { dedupeKey: 'welcome:shipment-1' });
      await producer.port.enqueue(queue, task('second'), { dedupeKey: 'welcome:shipment-1' });
      await producer.port.enqueue(queue, task('other-key'), { dedupeKey: 'welcome:shipment-2' });

      const received = new Received();
      const consumer = await connections.connect();
      await consumer.port.consume(queue, received.handler('consumer'));
      await waitFor('the tasks', () => received.ids().includes('first') && received.ids().includes('other-key'));
      await quietPeriod(quietMs);
      await consumer.close();
      const ids = received.ids().sort();
      expect(ids.filter((id) => id !== 'second')).toEqual(['first', 'other-key']);
      expect(ids.filter((id) => id === 'second').length).toBeLessThanOrEqual(1);
    });

    it('delivers every task whose dedupe key is distinct, each once, none lost', async () => {
      const queue = uniqueName('dedupe-distinct');
      const ids = Array.from({ length: 8 }, (_, n) => `k${n}`);
      // Half queued before any consumer runs, half while it runs.
      for (const id of ids.slice(0, 4)) await producer.port.enqueue(queue, task(id), { dedupeKey: `welcome:${id}` });
      const received = new Received();
      const consumer = await connections.connect();
      await consumer.port.consume(queue, received.handler('consumer'));
      for (const id of ids.slice(4)) await producer.port.enqueue(queue, task(id), { dedupeKey: `welcome:${id}` });

      await waitFor('all the tasks', () => new Set(received.ids()).size >= ids.length);
      await quietPeriod(quietMs);
      await consumer.close();
      expect(received.ids().sort()).toEqual(ids);
    });

    it('delivers a task whose dedupe key was used by a task already handled', async () => {
      const queue = uniqueName('dedupe-again');
      const received = new Received();
      const consumer = await connections.connect();
      await consumer.port.consume(queue, received.handler('consumer'));
      await producer.port.enqueue(queue, task('before'), { dedupeKey: 'password-reset:user-1' });
      // Once handed to a consumer, the first task is no longer queued: its key must not drop the next.
      await waitFor('the first task', () => received.ids().includes('before'));
      await producer.port.enqueue(queue, task('after'), { dedupeKey: 'password-reset:user-1' });
      await waitFor('the second task with the same key', () => received.ids().includes('after'));
      await quietPeriod(quietMs);
      await consumer.close();
      expect(received.ids()).toEqual(['before', 'after']);
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

