import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Pool, type PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import { ShipmentsRepository } from '../src/modules/shipments/adapters/typeorm/shipments.repository';
import { ShipmentsService } from '../src/modules/shipments/application/shipments.service';
import type { TenantTransactions } from '../src/modules/tenancy';
import type { CarrierStatusUpdate } from '../src/modules/carriers';
import { BenchApp } from './lib/app';
import { row, type Bench, type BenchRow } from './lib/context';
import { infraSettings, realServerEnv } from './lib/env';
import { eventually } from '../test/support/poll';
import { median, round, sleep } from './lib/stats';

const TOPIC = 'carrier.status.updates';
const SHIPMENTS = 500;
const STATUSES: CarrierStatusUpdate['status'][] = ['PRE_TRANSIT', 'TRANSIT', 'TRANSIT', 'DELIVERED'];


interface Setup {
  tenantId: string;
  trackingNumbers: string[];
  owner: Pool;
  app: Pool;
  kafka: Kafka;
  topics: string[];
  groups: string[];
}

/** A tenant with SHIPMENTS labelled shipments, written straight to the database as the owner. */
async function seed(owner: Pool): Promise<{ tenantId: string; trackingNumbers: string[] }> {
  const tenantId = randomUUID();
  const run = tenantId.slice(0, 8);
  const trackingNumbers = Array.from({ length: SHIPMENTS }, (_, n) => `BENCH${run}${String(n).padStart(5, '0')}`);
  const client = await owner.connect();
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO tenants (id, name, webhook_token_hash) VALUES ($1, $2, $3)`, [tenantId, 'Bench B3', `bench-${randomUUID()}`]);
    await client.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenantId]);
    await client.query(
      `INSERT INTO shipments (id, tenant_id, idempotency_key, request_hash, status, carrier, tracking_number, label_url, workflow_id,
         from_address, to_address, parcel, customer_email, created_at)
       SELECT gen_random_uuid(), $1, 'b3-' || n, 'hash', 'LABEL_CREATED', 'usps', tn, 'https://labels.example/' || n, 'shipment-b3-' || n,
         '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, 'hippo@example.com', now()
       FROM unnest($2::text[]) WITH ORDINALITY AS t(tn, n)`,
      [tenantId, trackingNumbers],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  return { tenantId, trackingNumbers };
}

async function inTenant<T>(pool: Pool, tenantId: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenantId]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Back to the same state before each round: no tracking events, every shipment LABEL_CREATED. */
async function reset(setup: Setup): Promise<void> {
  await inTenant(setup.owner, setup.tenantId, async (c) => {
    await c.query(`DELETE FROM tracking_events WHERE tenant_id = $1`, [setup.tenantId]);
    await c.query(`UPDATE shipments SET status = 'LABEL_CREATED' WHERE tenant_id = $1`, [setup.tenantId]);
  });
}

/** How many events are recorded, when the first was (its transaction's start), and the database's clock now. */
const progress = (setup: Setup) =>
  inTenant(setup.app, setup.tenantId, async (c) => {
    const r = (await c.query<{ n: string; first: Date | null; now: Date }>(`SELECT count(*) AS n, min(created_at) AS first, clock_timestamp() AS now FROM tracking_events`)).rows[0]!;
    return { n: Number(r.n), first: r.first, now: r.now };
  });

/** Creates `topic` and its dead-letter topic (3 partitions, like the product). */
async function createTopic(setup: Setup, topic: string): Promise<void> {
  const admin = setup.kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }, { topic: `${topic}.dlq`, numPartitions: 3 }] });
  } finally {
    await admin.disconnect();
  }
  setup.topics.push(topic, `${topic}.dlq`);
}

/** Writes `count` updates of the tenant's shipments to `topic` (batches of 1,000, acks from all replicas). */
async function produce(setup: Setup, topic: string, count: number, round: string): Promise<void> {
  const producer = setup.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const base = Date.parse('2026-11-24T00:00:00Z');
    for (let start = 0; start < count; start += 1000) {
      const messages = [];
      for (let i = start; i < Math.min(count, start + 1000); i += 1) {
        const trackingNumber = setup.trackingNumbers[i % SHIPMENTS]!;
        const step = Math.floor(i / SHIPMENTS);
        const update: CarrierStatusUpdate = {
          tenantId: setup.tenantId,
          carrier: 'usps',
          trackingNumber,
          status: STATUSES[Math.min(step, STATUSES.length - 1)]!,
          occurredAt: new Date(base + i * 1000).toISOString(),
          location: 'San Jose, CA',
          statusDetails: 'bench update',
          eventId: `${round}-${i}`,
        };
        messages.push({ key: trackingNumber, value: JSON.stringify(update), headers: { 'tenant-id': setup.tenantId } });
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Waits for all `count` events; updates per second from the start of the first transaction that
 * recorded one (the database's `created_at`) to the moment the bench saw the last one (the
 * database's clock): a late look only makes the figure smaller.
 */
async function timeApply(setup: Setup, count: number, timeoutMs: number): Promise<number> {
  const done = await eventually(
    `${count} updates to be applied`,
    async () => {
      const p = await progress(setup);
      return p.n >= count && p.first ? p : undefined;
    },
    { timeoutMs, intervalMs: 20 },
  );
  return count / ((done.now.getTime() - done.first!.getTime()) / 1000);
}

/**
 * Variant B: the simplest correct consumer. One message, one transaction (BEGIN, tenant, lock the
 * shipment, record the event once, move the status forward, COMMIT), the offset committed after
 * it; the same SQL as the product (its repository and apply rules).
 */
async function simpleConsumer(setup: Setup, topic: string, group: string): Promise<Consumer> {
  // The product's one-update use case (ShipmentsService.applyCarrierUpdate: lock, record once,
  // move forward), its transaction opened on a plain pg pool as the application role.
  const transactions = {
    runFor: <T>(tenantId: string, work: (tx: EntityManager) => Promise<T>) =>
      inTenant(setup.app, tenantId, (client) => work({ query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows } as unknown as EntityManager)),
  } as unknown as TenantTransactions;
  const shipments = new ShipmentsService(transactions, new ShipmentsRepository());
  const consumer = setup.kafka.consumer({ groupId: group });
  setup.groups.push(group);
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    eachMessage: async ({ message }) => {
      const update = JSON.parse(message.value!.toString('utf8')) as CarrierStatusUpdate;
      await shipments.applyCarrierUpdate(update);
    },
  });
  return consumer;
}

export const b3CarrierStatus: Bench = {
  id: 'B3',
  title: 'carrier status updates applied per second from Kafka: product consumer (batched) vs one message per transaction',
  async run(ctx): Promise<BenchRow[]> {
    const settings = infraSettings();
    const probe = realServerEnv('b3');
    if (!probe || !settings.DATABASE_OWNER_URL) throw new Error('the real servers are not configured (npm run infra:up)');
    const count = ctx.quick ? 2000 : 6000;
    const owner = new Pool({ connectionString: settings.DATABASE_OWNER_URL, max: 2 });
    const appPool = new Pool({ connectionString: settings.DATABASE_URL, max: 2 });
    const kafka = new Kafka({ clientId: `bench-b3-${process.pid}`, brokers: settings.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    // One start of the app on the real servers applies the migrations to a database that has none yet.
    await (await BenchApp.start({ env: probe })).close();
    const setup: Setup = { ...(await seed(owner)), owner, app: appPool, kafka, topics: [], groups: [] };
    try {
      const a: number[] = [];
      const b: number[] = [];
      const debug = async () => {
        if (!process.env.BENCH_DEBUG) return;
        const groups = await inTenant(setup.app, setup.tenantId, async (c) =>
          (await c.query<{ at: Date; n: string }>(`SELECT created_at AS at, count(*) AS n FROM tracking_events GROUP BY 1 ORDER BY 1`)).rows,
        );
        const t0 = groups[0]!.at.getTime();
        ctx.log(`B3 transactions (ms after the first: events): ${groups.map((g) => `${g.at.getTime() - t0}:${g.n}`).join(' ')}`);
      };
      /** A warm-up round, then the measured ones: reset, publish `count` updates at once, time their apply. */
      const rounds = async (name: string, topic: string, into: number[]) => {
        for (let r = 0; r <= ctx.rounds; r += 1) {
          await reset(setup);
          await produce(setup, topic, count, `${name}${r}`);
          const rate = await timeApply(setup, count, 600_000);
          await debug();
          if (r > 0) {
            into.push(rate);
            ctx.log(`B3 ${name} round ${r}: ${rate.toFixed(0)} updates/s`);
          }
          await sleep(500);
        }
      };

      // A: the product, a separate process on the real servers (own topic prefix), warmed up and idle before each round.
      const envA = realServerEnv('b3a')!;
      const topicA = `${envA.KAFKA_TOPIC_PREFIX}${TOPIC}`;
      await createTopic(setup, topicA);
      const app = await BenchApp.start({ env: envA });
      try {
        await sleep(3000);
        await rounds('A', topicA, a);
      } finally {
        await app.close();
      }

      // B: the simple consumer, in the bench process.
      const envB = realServerEnv('b3b')!;
      const topicB = `${envB.KAFKA_TOPIC_PREFIX}${TOPIC}`;
      await createTopic(setup, topicB);
      const consumer = await simpleConsumer(setup, topicB, `${envB.KAFKA_TOPIC_PREFIX}simple`);
      try {
        await sleep(3000);
        await rounds('B', topicB, b);
      } finally {
        await consumer.disconnect();
      }
      return [
        row('B3', 'status updates applied/s', round(median(a), 0), round(median(b), 0), 'A/B ≥ 5', (_a, _b, ratio) => ratio !== null && ratio >= 5, {
          variantA: 'the product\'s consumer in the app process (real servers): Kafka eachBatch, chunks of 100, one tenant transaction per chunk, idempotent by event id, offsets committed after apply, a failed chunk redelivered one message at a time with retries and dead-lettering',
          variantB: 'the simplest correct consumer (bench/b3-carrier-status.ts): kafkajs eachMessage, one message, one transaction, same SQL, offset committed after it',
          detail: `${count} updates for ${SHIPMENTS} shipments of one tenant, published at once (batches of 1,000) to a 3-partition topic whose consumer is running, warmed up and idle; time from the start of the first transaction that recorded one to the moment all were seen (polled every 20 ms); rounds A: ${a.map((v) => v.toFixed(0)).join(', ')}/s, B: ${b.map((v) => v.toFixed(0)).join(', ')}/s`,
        }),
      ];
    } finally {
      const admin = kafka.admin();
      await admin.connect().catch(() => undefined);
      await admin.deleteTopics({ topics: setup.topics }).catch(() => undefined);
      await admin.deleteGroups(setup.groups).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await inTenant(owner, setup.tenantId, async (c) => {
        await c.query(`DELETE FROM tracking_events WHERE tenant_id = $1`, [setup.tenantId]);
        await c.query(`DELETE FROM shipments WHERE tenant_id = $1`, [setup.tenantId]);
      }).catch(() => undefined);
      await owner.query(`DELETE FROM tenants WHERE id = $1`, [setup.tenantId]).catch(() => undefined);
      await owner.end();
      await appPool.end();
    }
  },
};
