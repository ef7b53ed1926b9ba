import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as amqpConnect, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import {
  RabbitMqTaskQueue,
  TASK_HEADERS,
  TaskQueueUnavailableError,
  taskQueueNames,
  type RabbitMqTaskQueueOptions,
} from '../../src/platform/messaging/adapters/rabbitmq';
import type { Task, TaskQueuePort } from '../../src/platform/messaging/messaging.ports';
import { realServerOrSkip, REQUIRE_INFRA_VARIABLE } from '../support/embedded-postgres';
import { eventually } from '../support/poll';
import { quietPeriod, uniqueName, type BrokerConnection, type BrokerHarness } from './messaging.harness';
import { describeTaskQueueContract } from './task-queue.contract';

// A real RabbitMQ (`npm run infra:up` starts one on 127.0.0.1:5672 and writes AMQP_URL to .env.infra).
const withRabbitMq = realServerOrSkip(['AMQP_URL'], 'RabbitMQ (`npm run infra:up`)');

type ClientOptions = Omit<RabbitMqTaskQueueOptions, 'url'>;

interface RabbitMqConnection extends BrokerConnection<TaskQueuePort> {
  readonly adapter: RabbitMqTaskQueue;
}

interface RabbitMqHarness extends BrokerHarness<TaskQueuePort> {
  /** A new client (its own connection) with these options. */
  connectWith(options?: ClientOptions): Promise<RabbitMqConnection>;
  /** Warnings and errors the clients logged. */
  readonly log: string[];
}

/**
 * Each `connect` is a `RabbitMqTaskQueue` of its own (its own AMQP connection), like a separate
 * process. The task queues the clients touch are recorded, and `dispose` deletes them with their
 * `.retry` and `.dlq` queues.
 */
function rabbitMqHarness(url: string, defaults: ClientOptions = {}): RabbitMqHarness {
  const queues = new Set<string>();
  const open = new Set<RabbitMqConnection>();
  const log: string[] = [];
  const logger = {
    info: () => undefined,
    warn: (line: string) => void log.push(`warn: ${line}`),
    error: (line: string) => {
      log.push(`error: ${line}`);
      process.stderr.write(`[rabbitmq task queue] ${line}\n`);
    },
  };
  const connectWith = async (options: ClientOptions = {}): Promise<RabbitMqConnection> => {
    const adapter = new RabbitMqTaskQueue({ url, logger, ...defaults, ...options });
    await adapter.start();
    const port: TaskQueuePort = {
      adapterName: adapter.adapterName,
      stop: () => adapter.stop(),
      enqueue: (queue, task, enqueueOptions) => {
        queues.add(queue);
        return adapter.enqueue(queue, task, enqueueOptions);
      },
      consume: (queue, handler) => {
        queues.add(queue);
        return adapter.consume(queue, handler);
      },
    };
    const connection: RabbitMqConnection = {
      port,
      adapter,
      close: async () => {
        open.delete(connection);
        await adapter.stop({ timeoutMs: 10_000 });
      },
    };
    open.add(connection);
    return connection;
  };
  return {
    log,
    connect: () => connectWith(),
    connectWith,
    async dispose() {
      try {
        for (const connection of [...open]) await connection.close();
      } finally {
        await deleteQueues(url, [...queues].flatMap((queue) => Object.values(taskQueueNames(queue))));
      }
    },
  };
}

async function deleteQueues(url: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const connection = await amqpConnect(url);
  try {
    const channel = await connection.createChannel();
    for (const name of names) await channel.deleteQueue(name);
  } finally {
    await connection.close();
  }
}

// --- controlling the broker for the restart test ---------------------------------------------

/** The node `scripts/infra/up.sh` starts (see scripts/infra/lib.sh); override for another setup. */
const cacheDir = process.env.LOGISYNAPSE_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'logisynapse');
const broker = {
  ctl: process.env.LOGISYNAPSE_RABBITMQCTL ?? '/usr/lib/rabbitmq/bin/rabbitmqctl',
  node: process.env.LOGISYNAPSE_RABBITMQ_NODE ?? 'logisynapse@localhost',
  /** Holds the Erlang cookie the CLI authenticates with. */
  home: process.env.LOGISYNAPSE_RABBITMQ_HOME ?? join(cacheDir, 'rabbitmq-home'),
};

/** Why this machine cannot restart the broker behind AMQP_URL, or undefined when it can. */
function cannotRestartBroker(url: string): string | undefined {
  if (!url) return 'AMQP_URL is not set';
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) return `AMQP_URL points to ${host}, not a local node`;
  if (!existsSync(broker.ctl)) return `${broker.ctl} is missing (set LOGISYNAPSE_RABBITMQCTL)`;
  if (!existsSync(join(broker.home, '.erlang.cookie'))) return `no Erlang cookie in ${broker.home} (set LOGISYNAPSE_RABBITMQ_HOME)`;
  return undefined;
}

function rabbitmqctl(args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      broker.ctl,
      ['-n', broker.node, '-q', ...args],
      { env: { ...process.env, HOME: broker.home }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, _stdout, stderr) => (error ? reject(new Error(`rabbitmqctl ${args.join(' ')} failed: ${error.message}\n${stderr}`)) : resolve()),
    );
  });
}

// --- helpers ------------------------------------------------------------------------------

interface Payload {
  id: string;
  phase?: string;
}

const task = (id: string, phase?: string): Task<Payload> => ({ payload: phase ? { id, phase } : { id }, headers: { 'x-task': id } });

/** Takes one message off `queue`, or undefined when it is empty. */
async function takeOne(channel: ConfirmChannel, queue: string): Promise<GetMessage | undefined> {
  const message = await channel.get(queue, { noAck: true });
  return message === false ? undefined : message;
}

withRabbitMq('RabbitMQ task queue', (env) => {
  describeTaskQueueContract('RabbitMQ quorum queues', () => Promise.resolve(rabbitMqHarness(env.AMQP_URL, { retryDelayMs: 200 })), {
    // RabbitMQ has no de-duplication: the dedupe key is the AMQP message id only.
    dedupesWhileQueued: false,
    // Deliveries are pushed, not polled: a duplicate would show up well within a second.
    quietPeriodMs: 1_000,
  });

  describe('RabbitMQ specifics', () => {
    let harness: RabbitMqHarness;
    let admin: ChannelModel;
    let channel: ConfirmChannel;
    const timeoutMs = 20_000;

    beforeAll(async () => {
      harness = rabbitMqHarness(env.AMQP_URL);
      admin = await amqpConnect(env.AMQP_URL);
      channel = await admin.createConfirmChannel();
    });

    afterAll(async () => {
      try {
        await admin?.close().catch(() => undefined);
      } finally {
        await harness?.dispose();
      }
    });

    it('moves a task whose handler always throws to <queue>.dlq after maxDeliveries, with the last error', async () => {
      const queue = uniqueName('poison');
      const client = await harness.connectWith({ maxDeliveries: 3, retryDelayMs: 150 });
      const attempts: number[] = [];
      await client.port.consume<Payload>(queue, () => {
        attempts.push(Date.now());
        return Promise.reject(new Error(`boom ${attempts.length}`));
      });
      await client.port.enqueue(queue, { payload: { id: 'poison' }, headers: { 'tenant-id': 'tenant-1' } }, { dedupeKey: 'poison:1' });

      const dead = await eventually('the task in the dead-letter queue', () => takeOne(channel, `${queue}.dlq`), { timeoutMs, intervalMs: 50 });
      expect(attempts).toHaveLength(3);
      // Each retry waited for the retry delay (timers may fire a little early).
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(140);
      expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(140);
      expect(JSON.parse(dead.content.toString('utf8'))).toEqual({ id: 'poison' });
      expect(dead.properties.messageId).toBe('poison:1');
      expect(dead.properties.deliveryMode).toBe(2);
      expect(dead.properties.headers).toMatchObject({
        'tenant-id': 'tenant-1',
        [TASK_HEADERS.failures]: 3,
        [TASK_HEADERS.lastError]: 'Error: boom 3',
        [TASK_HEADERS.deadLetterReason]: 'max-deliveries',
        [TASK_HEADERS.sourceQueue]: queue,
      });

      await quietPeriod(600);
      expect(attempts).toHaveLength(3);
      expect((await channel.checkQueue(queue)).messageCount).toBe(0);
      expect((await channel.checkQueue(`${queue}.retry`)).messageCount).toBe(0);
      await client.close();
    });

    it('moves a message whose body is not JSON straight to <queue>.dlq, and goes on with the next task', async () => {
      const queue = uniqueName('malformed');
      const client = await harness.connectWith();
      const handled: Task<Payload>[] = [];
      await client.port.consume<Payload>(queue, (received) => {
        handled.push(received);
        return Promise.resolve();
      });
      const body = Buffer.from('{"id": "broken"', 'utf8');
      channel.sendToQueue(queue, body, { persistent: true, contentType: 'application/json', messageId: 'broken-1', headers: { 'tenant-id': 'tenant-1' } });
      await channel.waitForConfirms();
      await client.port.enqueue(queue, task('after-broken'));

      const dead = await eventually('the message in the dead-letter queue', () => takeOne(channel, `${queue}.dlq`), { timeoutMs, intervalMs: 50 });
      expect(dead.content.equals(body)).toBe(true);
      expect(dead.properties.messageId).toBe('broken-1');
      expect(dead.properties.headers).toMatchObject({ 'tenant-id': 'tenant-1', [TASK_HEADERS.deadLetterReason]: 'malformed-json', [TASK_HEADERS.failures]: 0 });
      expect(String(dead.properties.headers?.[TASK_HEADERS.lastError])).toMatch(/malformed JSON/);

      await eventually('the next task', () => Promise.resolve(handled.length >= 1 ? true : undefined), { timeoutMs, intervalMs: 50 });
      await quietPeriod(500);
      expect(handled.map((t) => t.payload.id)).toEqual(['after-broken']);
      await client.close();
    });

    it('stop() lets a running handler finish and acknowledges its task', async () => {
      const queue = uniqueName('graceful');
      const producer = await harness.connectWith();
      const first = await harness.connectWith();
      const started: string[] = [];
      const finished: string[] = [];
      await first.port.consume<Payload>(queue, async (received) => {
        started.push(received.payload.id);
        await sleep(800);
        finished.push(received.payload.id);
      });
      await producer.port.enqueue(queue, task('slow'));
      await eventually('the handler to start', () => Promise.resolve(started.length > 0 ? true : undefined), { timeoutMs, intervalMs: 20 });

      await first.close();
      expect(finished).toEqual(['slow']);

      const second = await harness.connectWith();
      const redelivered: string[] = [];
      await second.port.consume<Payload>(queue, (received) => {
        redelivered.push(received.payload.id);
        return Promise.resolve();
      });
      await quietPeriod(1_000);
      expect(redelivered).toEqual([]);
      await Promise.all([producer.close(), second.close()]);
    });

    it('fails an enqueue before start(), with a clear error', async () => {
      const adapter = new RabbitMqTaskQueue({ url: env.AMQP_URL });
      await expect(adapter.enqueue('never', task('x'))).rejects.toThrow(/call start\(\) before enqueue/);
      await expect(new RabbitMqTaskQueue({ url: 'amqp://guest:guest@127.0.0.1:1/%2F', connectionWaitMs: 300, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } }).start()).rejects.toThrow(
        TaskQueueUnavailableError,
      );
    });

    const cannotRestart = cannotRestartBroker(env.AMQP_URL);
    const itRestarts = cannotRestart === undefined ? it : process.env[REQUIRE_INFRA_VARIABLE] === '1' ? it : it.skip;
    if (cannotRestart !== undefined && process.env[REQUIRE_INFRA_VARIABLE] !== '1' && env.AMQP_URL) {
      process.stderr.write(`[skipped] RabbitMQ broker restart test: cannot restart the broker here: ${cannotRestart}\n`);
    }

    itRestarts(
      'survives a broker restart: every task handled, none lost, no acknowledged task again; enqueue waits during the outage',
      async () => {
        if (cannotRestart !== undefined) throw new Error(`cannot restart the broker here: ${cannotRestart}`);
        const queue = uniqueName('restart');
        const producer = await harness.connectWith();
        const impatient = await harness.connectWith({ connectionWaitMs: 500 });
        const consumer = await harness.connectWith({ prefetch: 4 });

        const handled: { id: string; finishedAt: number }[] = [];
        let waitingAtGate = 0;
        let openGate: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => (openGate = resolve));
        await consumer.port.consume<Payload>(queue, async (received) => {
          if (received.payload.phase === 'in-flight') {
            waitingAtGate += 1;
            await gate;
          }
          handled.push({ id: received.payload.id, finishedAt: Date.now() });
        });
        const handledIds = () => new Set(handled.map((h) => h.id));

        // Acknowledged before the restart: handled, then time for the acks to reach the broker.
        const acked = Array.from({ length: 10 }, (_, n) => `acked-${n}`);
        for (const id of acked) await producer.port.enqueue(queue, task(id));
        await eventually('the first tasks', () => Promise.resolve(acked.every((id) => handledIds().has(id)) ? true : undefined), { timeoutMs, intervalMs: 20 });
        await sleep(500);

        // In flight or queued at the restart: four handlers hold their task (prefetch 4), sixteen wait.
        const held = Array.from({ length: 20 }, (_, n) => `held-${String(n).padStart(2, '0')}`);
        for (const id of held) await producer.port.enqueue(queue, task(id, 'in-flight'));
        await eventually('four handlers to hold their task', () => Promise.resolve(waitingAtGate >= 4 ? true : undefined), { timeoutMs, intervalMs: 20 });

        const restartAt = Date.now();
        let outageMs: number;
        let duringOutage: Promise<void> | undefined;
        let duringOutageSettled = false;
        try {
          await rabbitmqctl(['stop_app'], 60_000);
          // A short wait fails clearly...
          await expect(impatient.port.enqueue(queue, task('impatient'))).rejects.toThrow(TaskQueueUnavailableError);
          // ...the default one waits for the broker.
          duringOutage = producer.port.enqueue(queue, task('during-outage'));
          duringOutage.then(
            () => (duringOutageSettled = true),
            () => (duringOutageSettled = true),
          );
          // The held handlers finish while the broker is away: their acks cannot reach it.
          openGate();
          await sleep(1_000);
          expect(duringOutageSettled).toBe(false);
        } finally {
          openGate();
          // Also when stop_app failed half-way: start_app on a running node does nothing.
          await rabbitmqctl(['start_app'], 120_000);
          outageMs = Date.now() - restartAt;
        }
        await duringOutage;

        const after = Array.from({ length: 5 }, (_, n) => `after-${n}`);
        for (const id of after) await producer.port.enqueue(queue, task(id));

        const expected = [...acked, ...held, 'during-outage', ...after].sort();
        await eventually('every task after the restart', () => Promise.resolve(expected.every((id) => handledIds().has(id)) ? true : undefined), {
          timeoutMs: 30_000,
          intervalMs: 50,
        });
        await quietPeriod(1_500);

        expect([...handledIds()].sort()).toEqual(expected);
        const counts = new Map<string, number>();
        for (const { id } of handled) counts.set(id, (counts.get(id) ?? 0) + 1);
        const duplicates = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
        const firstFinish = new Map<string, number>();
        for (const { id, finishedAt } of handled) if (!firstFinish.has(id)) firstFinish.set(id, finishedAt);
        // A task handled twice must be one whose handler had not finished (so not acked) when the broker went away.
        const duplicatesOfAcked = duplicates.filter((id) => firstFinish.get(id)! < restartAt);
        process.stderr.write(
          `[rabbitmq restart] outage ${outageMs} ms; ${expected.length} tasks, ${handled.length} handler runs; ` +
            `${duplicates.length} handled twice (in flight at the restart: ${duplicates.join(', ') || 'none'}); ` +
            `${duplicatesOfAcked.length} duplicates of acknowledged tasks; ` +
            `client log: ${harness.log.filter((line) => line.includes('lost the connection')).length} connections lost, ` +
            `${harness.log.filter((line) => line.includes('could not acknowledge')).length} acks refused\n`,
        );
        expect(duplicatesOfAcked).toEqual([]);
        expect(duplicates.every((id) => id.startsWith('held-'))).toBe(true);
        expect(duplicates.length).toBeLessThanOrEqual(4);

        await Promise.all([producer.close(), impatient.close(), consumer.close()]);
      },
      90_000,
    );
  });
});
