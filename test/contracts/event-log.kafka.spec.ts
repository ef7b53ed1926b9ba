import { randomBytes } from 'node:crypto';
import { TraceFlags, context, propagation, trace } from '@opentelemetry/api';
// What the OpenTelemetry Node SDK (a dependency) registers; used here without the rest of the SDK.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { Kafka, Partitioners, logLevel, type KafkaMessage } from 'kafkajs';
import {
  DLQ_HEADERS,
  KafkaEventLog,
  deadLetterTopic,
  type KafkaEventLogLogger,
  type KafkaEventLogOptions,
} from '../../src/platform/messaging/adapters/kafka/kafka-event-log';
import type { EventHandler, EventLogPort, EventMessage, SubscribeOptions } from '../../src/platform/messaging/messaging.ports';
import { realServerOrSkip } from '../support/embedded-postgres';
import { eventually } from '../support/poll';
import { describeEventLogContract } from './event-log.contract';
import { ConnectionPool, quietPeriod, uniqueName, type BrokerHarness } from './messaging.harness';

// The Kafka adapter against a real broker (`KAFKA_BROKERS`, written to .env.infra by `npm run infra:up`).
const withKafka = realServerOrSkip(['KAFKA_BROKERS'], 'Kafka (`npm run infra:up`)');

/** Group timing short enough for tests: a join or a rebalance takes about a second, not ten. */
const FAST_GROUPS: KafkaEventLogOptions['consumer'] = { sessionTimeout: 6_000, rebalanceTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 1_000 };

/** Adapter and kafkajs lines: errors go to stderr at once, everything is kept for a failing test to show. */
class TestLog implements KafkaEventLogLogger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info  ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn  ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
    process.stderr.write(`[kafka spec] ${message}\n`);
  }
}

interface KafkaHarness extends BrokerHarness<EventLogPort> {
  connect(overrides?: Partial<KafkaEventLogOptions>): ReturnType<BrokerHarness<EventLogPort>['connect']>;
  readonly brokers: string[];
}

/**
 * Each `connect` is its own KafkaEventLog (own producer, own consumers), like another process.
 * Group names get a per-run suffix so parallel runs of this spec never share a consumer group;
 * `dispose` deletes the topics and groups this run used.
 */
function kafkaHarness(brokersSetting: string, log: TestLog): KafkaHarness {
  const brokers = brokersSetting.split(',').map((b) => b.trim()).filter(Boolean);
  const run = randomBytes(3).toString('hex');
  const topics = new Set<string>();
  const groups = new Set<string>();
  const open = new Set<() => Promise<void>>();

  const scoped = (port: KafkaEventLog): EventLogPort => ({
    adapterName: port.adapterName,
    stop: () => port.stop(),
    publish<T>(topic: string, message: EventMessage<T>) {
      topics.add(topic);
      return port.publish(topic, message);
    },
    subscribe<T>(topic: string, group: string, handler: EventHandler<T>, options?: SubscribeOptions) {
      const groupId = `${group}.${run}`;
      topics.add(topic);
      groups.add(groupId);
      return port.subscribe(topic, groupId, handler, options);
    },
  });

  return {
    brokers,
    async connect(overrides = {}) {
      const port = new KafkaEventLog({ brokers, clientId: `contract-${run}-${open.size}`, logger: log, consumer: FAST_GROUPS, ...overrides });
      await port.start();
      const close = async () => {
        if (!open.delete(close)) return;
        await port.stop();
      };
      open.add(close);
      return { port: scoped(port), close };
    },
    async dispose() {
      for (const close of [...open]) await close();
      const admin = new Kafka({ clientId: `contract-${run}-cleanup`, brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        const existing = new Set(await admin.listTopics());
        const owned = [...topics].flatMap((t) => [t, deadLetterTopic(t)]).filter((t) => existing.has(t));
        if (owned.length > 0) await admin.deleteTopics({ topics: owned }).catch(() => undefined);
        if (groups.size > 0) await admin.deleteGroups([...groups]).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
    },
  };
}

/** Every message of `topic` from its beginning, read by a throwaway group until `count` arrived. */
async function readTopic(brokers: string[], topic: string, count: number): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ clientId: 'contract-reader', brokers, logLevel: logLevel.NOTHING });
  const groupId = uniqueName('reader');
  const consumer = kafka.consumer({ groupId, ...FAST_GROUPS });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        messages.push(message);
        return Promise.resolve();
      },
    });
    await eventually(`${count} message(s) on ${topic}`, () => Promise.resolve(messages.length >= count ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    return messages;
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();

interface Payload {
  n: number;
}
const event = (key: string, n: number): EventMessage<Payload> => ({ key, payload: { n }, headers: { 'x-n': String(n) } });

withKafka('Kafka event log', (env) => {
  const log = new TestLog();

  describeEventLogContract('Kafka (kafkajs)', () => Promise.resolve(kafkaHarness(env.KAFKA_BROKERS, log)), {
    deliveryTimeoutMs: 20_000,
    quietPeriodMs: 1_500,
  });

  describe('Kafka specifics', () => {
    let harness: KafkaHarness;
    let connections: ConnectionPool<EventLogPort>;
    let publisher: EventLogPort;
    const waitFor = (description: string, done: () => boolean) =>
      eventually(description, () => Promise.resolve(done() ? true : undefined), { timeoutMs: 20_000, intervalMs: 50 });

    beforeAll(async () => {
      harness = kafkaHarness(env.KAFKA_BROKERS, log);
      connections = new ConnectionPool(() => harness);
      publisher = (await connections.connect()).port;
    });

    afterAll(async () => {
      try {
        await connections.closeAll();
      } finally {
        await harness?.dispose();
      }
    });

    it('dead-letters a message that is not JSON and one whose handler keeps failing, and goes on with the rest', async () => {
      const topic = uniqueName('poison');
      // One partition, so the poison sits in front of the good messages.
      const consumer = await harness.connect({ topicPartitions: 1 });
      const handled: string[] = [];
      const calls = new Map<string, number>();
      await consumer.port.subscribe<Payload>(topic, 'poison-readers', (messages) => {
        for (const { key } of messages) calls.set(key, (calls.get(key) ?? 0) + 1);
        if (messages.some((m) => m.key === 'always-fails')) return Promise.reject(new Error('cannot apply always-fails'));
        handled.push(...messages.map((m) => m.key));
        return Promise.resolve();
      });

      const raw = new Kafka({ clientId: 'contract-raw', brokers: harness.brokers, logLevel: logLevel.NOTHING }).producer({
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await raw.connect();
      try {
        await consumer.port.publish(topic, event('good-0', 0));
        await raw.send({ topic, messages: [{ key: 'not-json', value: '{"n": 1, oops', headers: { 'x-n': '1' } }] });
        await consumer.port.publish(topic, event('always-fails', 2));
        for (const n of [3, 4, 5]) await consumer.port.publish(topic, event(`good-${n}`, n));
      } finally {
        await raw.disconnect();
      }

      await waitFor('the good messages behind the poison', () => handled.includes('good-5'));
      expect(handled).toEqual(['good-0', 'good-3', 'good-4', 'good-5']);
      // Five attempts for the failing one; the good ones ran once each.
      expect(calls.get('always-fails')).toBe(5);
      expect(['good-0', 'good-3', 'good-4', 'good-5'].map((key) => calls.get(key))).toEqual([1, 1, 1, 1]);
      expect(calls.has('not-json')).toBe(false);

      const dead = await readTopic(harness.brokers, deadLetterTopic(topic), 2);
      expect(dead.map((m) => m.key?.toString())).toEqual(['not-json', 'always-fails']);
      const [notJson, alwaysFails] = dead as [KafkaMessage, KafkaMessage];
      expect(header(notJson, DLQ_HEADERS.reason)).toMatch(/not valid JSON/);
      expect(notJson.value?.toString()).toBe('{"n": 1, oops');
      expect(header(notJson, 'x-n')).toBe('1');
      expect(header(alwaysFails, DLQ_HEADERS.reason)).toBe('cannot apply always-fails');
      expect(header(alwaysFails, DLQ_HEADERS.attempts)).toBe('5');
      expect(JSON.parse(alwaysFails.value!.toString())).toEqual({ n: 2 });
      for (const [message, offset] of [[notJson, '1'], [alwaysFails, '2']] as const) {
        expect(header(message, DLQ_HEADERS.originalTopic)).toBe(topic);
        expect(header(message, DLQ_HEADERS.originalPartition)).toBe('0');
        expect(header(message, DLQ_HEADERS.originalOffset)).toBe(offset);
        expect(header(message, DLQ_HEADERS.group)).toMatch(/^poison-readers\./);
      }
      await consumer.close();
    });

    it('with maxBatchSize, hands over several messages per call; a failed batch comes again one message at a time', async () => {
      const topic = uniqueName('batched');
      const consumer = await harness.connect({ topicPartitions: 1 });
      const keys = Array.from({ length: 30 }, (_, n) => `m${String(n).padStart(2, '0')}`);
      // Published (on one partition) before the group starts, so the first fetch holds them all.
      for (const [n, key] of keys.entries()) await consumer.port.publish(topic, event(key, n));
      const calls: string[][] = [];
      const handled: string[] = [];
      await consumer.port.subscribe<Payload>(
        topic,
        'batched',
        (messages) => {
          calls.push(messages.map((m) => m.key));
          if (messages.some((m) => m.key === 'm12')) return Promise.reject(new Error('cannot apply m12'));
          handled.push(...messages.map((m) => m.key));
          return Promise.resolve();
        },
        { maxBatchSize: 10 },
      );
      await waitFor('every good message', () => keys.filter((k) => k !== 'm12').every((k) => handled.includes(k)));
      expect(Math.max(...calls.map((c) => c.length))).toBe(10);
      // The chunk with m12 failed once as a whole, then each of its messages came on its own.
      expect(calls.filter((c) => c.length === 1 && c[0] === 'm12')).toHaveLength(5);
      expect(handled.filter((k) => k === 'm11')).toHaveLength(1);
      expect([...handled].sort()).toEqual(keys.filter((k) => k !== 'm12'));
      const dead = await readTopic(harness.brokers, deadLetterTopic(topic), 1);
      expect(dead.map((m) => m.key?.toString())).toEqual(['m12']);
      expect(header(dead[0]!, DLQ_HEADERS.reason)).toBe('cannot apply m12');
      await consumer.close();
    });

    it('delivers a message again to the next member when its consumer stopped before the handler succeeded', async () => {
      const topic = uniqueName('crash');
      const first = await connections.connect();
      let firstCalls = 0;
      await first.port.subscribe<Payload>(topic, 'crashy', () => {
        firstCalls += 1;
        return Promise.reject(new Error('the process dies before it applied the message'));
      });
      await publisher.publish(topic, event('survivor', 1));
      await waitFor('the first attempt', () => firstCalls >= 1);
      // Stops during the retry backoff: the message was never handled, so its offset stays uncommitted.
      await first.close();
      expect(firstCalls).toBeLessThan(5);

      const received: EventMessage<Payload>[] = [];
      const second = await connections.connect();
      await second.port.subscribe<Payload>(topic, 'crashy', (messages) => {
        received.push(...messages);
        return Promise.resolve();
      });
      await waitFor('the redelivery', () => received.length >= 1);
      expect(received[0]).toEqual(event('survivor', 1));
      await second.close();
    });

    it('stop() waits for a running handler, then commits what it handled', async () => {
      const topic = uniqueName('graceful');
      const first = await connections.connect();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const firstHandled: string[] = [];
      let started = false;
      await first.port.subscribe<Payload>(topic, 'graceful', async (messages) => {
        started = true;
        await gate;
        firstHandled.push(...messages.map((m) => m.key));
      });
      await publisher.publish(topic, event('slow', 1));
      await waitFor('the handler to start', () => started);

      let closed = false;
      const closing = first.close().then(() => (closed = true));
      await quietPeriod(500);
      expect(closed).toBe(false);
      release();
      await closing;
      expect(firstHandled).toEqual(['slow']);

      const second = await connections.connect();
      const secondKeys: string[] = [];
      await second.port.subscribe<Payload>(topic, 'graceful', (messages) => {
        secondKeys.push(...messages.map((m) => m.key));
        return Promise.resolve();
      });
      await publisher.publish(topic, event('next', 2));
      await waitFor('the next message', () => secondKeys.includes('next'));
      await quietPeriod(1_000);
      // 'slow' was committed by the stopping consumer, so the group does not see it again.
      expect(secondKeys).toEqual(['next']);
      await second.close();
    });

    it('one group name on two topics: each topic reaches its own handler', async () => {
      // kafkajs's stock round-robin assigner would hand one topic's partitions to the other's consumer.
      const [a, b] = [uniqueName('shared-a'), uniqueName('shared-b')];
      const consumer = await connections.connect();
      const got = { a: [] as string[], b: [] as string[] };
      await consumer.port.subscribe<Payload>(a, 'shared', (messages) => {
        got.a.push(...messages.map((m) => m.key));
        return Promise.resolve();
      });
      await consumer.port.subscribe<Payload>(b, 'shared', (messages) => {
        got.b.push(...messages.map((m) => m.key));
        return Promise.resolve();
      });
      for (const n of [1, 2, 3]) {
        await publisher.publish(a, event(`a${n}`, n));
        await publisher.publish(b, event(`b${n}`, n));
      }
      await waitFor('both topics', () => got.a.length >= 3 && got.b.length >= 3);
      expect(got.a.sort()).toEqual(['a1', 'a2', 'a3']);
      expect(got.b.sort()).toEqual(['b1', 'b2', 'b3']);
      await consumer.close();
    });

    it('carries the W3C trace context from publish() to the handler', async () => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      try {
        const topic = uniqueName('trace');
        const consumer = await connections.connect();
        const seen: { headers: Record<string, string>; traceId: string | undefined }[] = [];
        await consumer.port.subscribe<Payload>(topic, 'traced', (messages) => {
          for (const m of messages) seen.push({ headers: m.headers, traceId: trace.getSpanContext(context.active())?.traceId });
          return Promise.resolve();
        });
        const span = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
        await context.with(trace.setSpanContext(context.active(), span), () => publisher.publish(topic, event('traced', 1)));
        await waitFor('the traced message', () => seen.length >= 1);
        expect(seen[0]!.headers).toEqual({ 'x-n': '1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
        // The handler ran inside the publisher's trace.
        expect(seen[0]!.traceId).toBe(span.traceId);
        await consumer.close();
      } finally {
        propagation.disable();
        context.disable();
      }
    });

    it('logs no errors', () => {
      expect(log.lines.filter((line) => line.startsWith('error'))).toEqual([]);
    });
  });
});
