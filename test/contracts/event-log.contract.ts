import type { EventLogPort, EventMessage } from '../../src/platform/messaging/messaging.ports';
import { eventually } from '../support/poll';
import { ConnectionPool, quietPeriod, uniqueName, type BrokerConnection, type BrokerHarness, type MessagingContractOptions } from './messaging.harness';

export type EventLogHarness = BrokerHarness<EventLogPort>;
export type EventLogConnection = BrokerConnection<EventLogPort>;

interface Payload {
  n: number;
  text: string;
}

/** Every message a handler was given, in order, with the member that got it. */
class Inbox {
  readonly received: { member: string; message: EventMessage<Payload> }[] = [];

  handler(member: string) {
    return (messages: EventMessage<Payload>[]) => {
      for (const message of messages) this.received.push({ member, message });
      return Promise.resolve();
    };
  }

  keys(): string[] {
    return this.received.map((r) => r.message.key);
  }
}

const message = (key: string, n: number): EventMessage<Payload> => ({
  key,
  payload: { n, text: `message ${n}` },
  headers: { 'x-n': String(n) },
});

/**
 * Contract of the event log port (`shipment.created`, `carrier.status.updates`): every message
 * published reaches each consumer group, once per group, with key, payload and headers intact;
 * a failed batch comes again; a group's messages wait for it while none of its members runs.
 */
export function describeEventLogContract(
  adapterName: string,
  factory: () => Promise<EventLogHarness>,
  options: MessagingContractOptions = {},
): void {
  const describeFn = options.describe ?? describe;
  const timeoutMs = options.deliveryTimeoutMs ?? 30_000;
  const quietMs = options.quietPeriodMs ?? 1_500;

  describeFn(`event log port contract: ${adapterName}`, () => {
    let harness: EventLogHarness | undefined;
    const connections = new ConnectionPool<EventLogPort>(() => harness!);
    let publisher: EventLogConnection;

    const waitFor = (description: string, done: () => boolean) =>
      eventually(description, () => Promise.resolve(done() ? true : undefined), { timeoutMs, intervalMs: 50 });

    beforeAll(async () => {
      harness = await factory();
      publisher = await connections.connect();
    });

    afterAll(async () => {
      try {
        await connections.closeAll();
      } finally {
        await harness?.dispose();
      }
    });

    it('delivers key, payload and headers intact', async () => {
      const topic = uniqueName('intact');
      const inbox = new Inbox();
      await publisher.port.subscribe(topic, 'reader', inbox.handler('reader'));
      const sent: EventMessage<unknown> = {
        key: 'shipment-ü-42',
        payload: { id: 42, nested: { list: [1, 'two', null, true], emoji: '📦', quote: `"'\\` }, when: '2026-11-24T04:04:00.000Z' },
        headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'tenant-id': '5e40ead7-cffe-4cc1-ad45-108696162e42' },
      };
      await publisher.port.publish(topic, sent);
      await waitFor('the message', () => inbox.received.length >= 1);
      expect(inbox.received[0]!.message).toEqual(sent);
    });

    it('delivers every message to each consumer group, once per group', async () => {
      const topic = uniqueName('groups');
      const billing = new Inbox();
      const search = new Inbox();
      await publisher.port.subscribe(topic, 'billing', billing.handler('billing'));
      await publisher.port.subscribe(topic, 'search', search.handler('search'));
      const keys = ['a', 'b', 'c', 'd', 'e'];
      for (const [n, key] of keys.entries()) await publisher.port.publish(topic, message(key, n));

      await waitFor('both groups to get all five', () => billing.received.length >= 5 && search.received.length >= 5);
      await quietPeriod(quietMs);
      expect(billing.keys().sort()).toEqual(keys);
      expect(search.keys().sort()).toEqual(keys);
      expect(billing.received.find((r) => r.message.key === 'c')!.message).toEqual(message('c', 2));
    });

    it('shares the messages among the members of one group, without duplicates', async () => {
      const topic = uniqueName('members');
      const inbox = new Inbox();
      const first = await connections.connect();
      const second = await connections.connect();
      await first.port.subscribe(topic, 'workers', inbox.handler('first'));
      await second.port.subscribe(topic, 'workers', inbox.handler('second'));
      const keys = Array.from({ length: 20 }, (_, n) => `k${String(n).padStart(2, '0')}`);
      for (const [n, key] of keys.entries()) await publisher.port.publish(topic, message(key, n));

      await waitFor('the group to get all twenty', () => new Set(inbox.keys()).size >= keys.length);
      await quietPeriod(quietMs);
      // Each message went to exactly one member; how they split depends on the adapter.
      expect(inbox.keys().sort()).toEqual(keys);
      await first.close();
      await second.close();
    });

    it('with maxBatchSize, delivers every message in batches no larger than asked', async () => {
      const topic = uniqueName('batches');
      const sizes: number[] = [];
      const inbox = new Inbox();
      const collect = inbox.handler('batched');
      await publisher.port.subscribe<Payload>(
        topic,
        'batched',
        (messages) => {
          sizes.push(messages.length);
          return collect(messages);
        },
        { maxBatchSize: 4 },
      );
      const keys = Array.from({ length: 12 }, (_, n) => `b${String(n).padStart(2, '0')}`);
      for (const [n, key] of keys.entries()) await publisher.port.publish(topic, message(key, n));
      await waitFor('all twelve', () => new Set(inbox.keys()).size >= keys.length);
      await quietPeriod(quietMs);
      expect(inbox.keys().sort()).toEqual(keys);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    });

    it('delivers a batch again when its handler throws (at least once)', async () => {
      const topic = uniqueName('redeliver');
      const attempts: string[][] = [];
      const handled: EventMessage<Payload>[] = [];
      await publisher.port.subscribe<Payload>(topic, 'flaky', (messages) => {
        attempts.push(messages.map((m) => m.key));
        if (attempts.length === 1) return Promise.reject(new Error('handler failed on purpose'));
        handled.push(...messages);
        return Promise.resolve();
      });
      await publisher.port.publish(topic, message('retry-me', 7));

      await waitFor('the message to be handled after a failure', () => handled.some((m) => m.key === 'retry-me'));
      expect(attempts[0]).toEqual(['retry-me']);
      expect(attempts.flat().filter((key) => key === 'retry-me').length).toBeGreaterThanOrEqual(2);
      expect(handled.find((m) => m.key === 'retry-me')).toEqual(message('retry-me', 7));
    });

    it("keeps a group's messages while no member runs, and delivers them when one starts again", async () => {
      const topic = uniqueName('restart');
      const before = new Inbox();
      const consumer = await connections.connect();
      await consumer.port.subscribe(topic, 'restartable', before.handler('before'));
      await publisher.port.publish(topic, message('while-running', 0));
      await waitFor('the first message', () => before.received.length >= 1);
      await consumer.close();

      // No member of the group runs now.
      const keys = ['while-stopped-1', 'while-stopped-2', 'while-stopped-3'];
      for (const [n, key] of keys.entries()) await publisher.port.publish(topic, message(key, n + 1));

      const after = new Inbox();
      const restarted = await connections.connect();
      await restarted.port.subscribe(topic, 'restartable', after.handler('after'));
      await waitFor('the messages published while stopped', () => keys.every((key) => after.keys().includes(key)));
      await quietPeriod(quietMs);
      expect(before.keys()).toEqual(['while-running']);
      // At least once: a broker may hand the already handled message over again after a restart
      // (e.g. an offset not yet committed); each message published while stopped comes once.
      expect(after.keys().filter((key) => key !== 'while-running').sort()).toEqual(keys);
      await restarted.close();
    });
  });
}
