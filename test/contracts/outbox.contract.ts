import type { DataSource } from 'typeorm';
import type { DatabaseEndpoints } from '../../src/platform/database/database.types';
import type { EventLogPort, EventMessage } from '../../src/platform/messaging/messaging.ports';
import { OutboxRelay, OutboxRepository } from '../../src/platform/messaging/outbox';
import { TenantTransactions } from '../../src/modules/tenancy/application/tenant-transactions';
import { TenantsService } from '../../src/modules/tenancy/application/tenants.service';
import { eventually } from '../support/poll';

export interface OutboxDatabase {
  dataSource: DataSource;
  endpoints: DatabaseEndpoints;
  dispose(): Promise<void>;
}

/**
 * A broker the test switches off: while `down`, publish rejects at once (`'refuse'`) or never
 * answers (`'hang'`), as kafkajs does while it retries a dead broker. Everything published while
 * up is kept, in order. It refuses other topics' messages (the relays under test claim none).
 */
class SwitchableBroker implements EventLogPort {
  readonly adapterName = 'switchable broker';
  readonly published: { topic: string; message: EventMessage<unknown> }[] = [];
  down: false | 'refuse' | 'hang' = false;
  attempts = 0;

  constructor(private readonly topic: string) {}

  async stop(): Promise<void> {}

  async publish<T>(topic: string, message: EventMessage<T>): Promise<void> {
    if (topic !== this.topic) throw new Error('not a message of this test');
    this.attempts += 1;
    if (this.down === 'refuse') throw new Error('broker down');
    if (this.down === 'hang') return new Promise<void>(() => undefined);
    this.published.push({ topic, message: message as EventMessage<unknown> });
  }

  async subscribe(): Promise<void> {
    throw new Error('not used');
  }
}

/**
 * The outbox (ADR 0031) on a real database: the repository through the application's own
 * connection (its role: INSERT only, plus the relay's functions), the relay publishing to a
 * broker the test switches off. Run on PGlite and on real PostgreSQL.
 */
export function describeOutboxContract(name: string, setup: () => Promise<OutboxDatabase>): void {
  describe(`outbox on ${name}`, () => {
    let db: OutboxDatabase;
    let outbox: OutboxRepository;
    let transactions: TenantTransactions;
    let tenantA: string;
    let tenantB: string;
    let topic: string;

    beforeAll(async () => {
      db = await setup();
      outbox = new OutboxRepository(db.dataSource);
      transactions = new TenantTransactions(db.dataSource, db.endpoints);
      const tenants = new TenantsService(db.dataSource);
      tenantA = (await tenants.create('Outbox A')).tenantId;
      tenantB = (await tenants.create('Outbox B')).tenantId;
    }, 120_000);

    afterAll(async () => {
      await db?.dispose();
    });

    // Each test its own topic (a shared real database may hold other checkouts' rows).
    beforeEach(() => {
      topic = `outbox-test.${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}`;
    });

    const message = (key: string, n: number): EventMessage<unknown> => ({ key, payload: { n, text: `update ${n} ✓` }, headers: { 'tenant-id': tenantA, 'event-id': `e-${n}` } });
    const add = (tenantId: string, msg: EventMessage<unknown>, asTenant = tenantId) =>
      transactions.runFor(asTenant, (tx) => outbox.add(tx, tenantId, topic, msg));
    /** This test's claimable rows: claims name their topics, so other tests' and apps' rows are never touched. */
    const mine = (leaseMs = 30_000) => outbox.claim(100, leaseMs, [topic]);

    it('claims what was added, with its payload and headers, once per lease; a sent message is never claimed again', async () => {
      await add(tenantA, message('TN1', 1));
      const [row, ...rest] = await mine();
      expect(rest).toEqual([]);
      expect(row).toMatchObject({ tenantId: tenantA, topic, attempts: 1, message: message('TN1', 1) });
      expect(await mine()).toEqual([]);
      await expect(outbox.markSent([row!.id])).resolves.toBe(1);
      await expect(outbox.markSent([row!.id])).resolves.toBe(0);
      expect(await mine(1_000)).toEqual([]);
    });

    it('gives a claimed message that was never marked back after its lease (a relay died), with its attempts counted', async () => {
      await add(tenantA, message('TN2', 2));
      const [first] = await mine(1_000);
      const again = await eventually('the lease to end', async () => (await mine(1_000))[0], { timeoutMs: 5_000, intervalMs: 100 });
      expect(again).toMatchObject({ id: first!.id, attempts: 2 });
      await outbox.markSent([again.id]);
    });

    it('keeps a message given back for later until its delay is over', async () => {
      await add(tenantA, message('TN3', 3));
      const [row] = await mine();
      await outbox.retryLater([row!.id], 1_500, 'broker down');
      expect(await mine()).toEqual([]);
      const back = await eventually('the delay to end', async () => (await mine())[0], { timeoutMs: 5_000, intervalMs: 100 });
      expect(back.id).toBe(row!.id);
      await outbox.markSent([back.id]);
    });

    it('stores nothing when the tenant transaction rolls back', async () => {
      await expect(
        transactions.runFor(tenantA, async (tx) => {
          await outbox.add(tx, tenantA, topic, message('TN4', 4));
          throw new Error('the rest of the transaction failed');
        }),
      ).rejects.toThrow('the rest of the transaction failed');
      expect(await mine()).toEqual([]);
    });

    it("leaves another deployment's rows (another topic prefix) alone, and hands its own over without the prefix", async () => {
      const blue = new OutboxRepository(db.dataSource, 'blue.');
      const green = new OutboxRepository(db.dataSource, 'green.');
      await transactions.runFor(tenantA, (tx) => blue.add(tx, tenantA, topic, message('TN-blue', 1)));
      expect(await green.claim(100, 30_000, [topic])).toEqual([]);
      expect(await mine()).toEqual([]);
      const [row, ...rest] = await blue.claim(100, 30_000, [topic]);
      expect(rest).toEqual([]);
      expect(row).toMatchObject({ topic, message: message('TN-blue', 1) });
      await blue.markSent([row!.id]);
    });

    it("refuses a message for another tenant than the transaction's (row-level security)", async () => {
      await expect(add(tenantB, message('TN5', 5), tenantA)).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '42501' }) });
      expect(await mine()).toEqual([]);
    });

    it('gives the application role no way to read, change or delete outbox rows directly', async () => {
      await add(tenantA, message('TN6', 6));
      for (const sql of ['SELECT * FROM outbox_messages', 'UPDATE outbox_messages SET sent_at = now()', 'DELETE FROM outbox_messages']) {
        await expect(transactions.runFor(tenantA, (tx) => tx.query(sql))).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '42501' }) });
      }
      const rows = await mine();
      expect(rows).toHaveLength(1);
      await outbox.markSent(rows.map((r) => r.id));
    });

    describe('relay', () => {
      const relayOf = (broker: EventLogPort, options = {}) =>
        new OutboxRelay(outbox, broker, { topics: [topic], batchSize: 100, backoff: { initialMs: 200, maxMs: 400 }, publishTimeoutMs: 500, logger: { log: () => undefined, warn: () => undefined }, ...options });
      const ownPublished = (broker: SwitchableBroker) => broker.published.filter((p) => p.topic === topic);
      /** Drains (with every relay given) until `count` of this test's messages are out: other rows may share a round. */
      const drainUntil = (broker: SwitchableBroker, count: number, relays = [relayOf(broker)]) =>
        eventually(`${count} messages to be published`, async () => {
          await Promise.all(relays.map((relay) => relay.drain()));
          return ownPublished(broker).length >= count ? true : undefined;
        }, { timeoutMs: 10_000, intervalMs: 50 });

      it('publishes each pending message once, in order per key, and marks it sent', async () => {
        const broker = new SwitchableBroker(topic);
        for (let n = 1; n <= 6; n++) await add(tenantA, message(n % 2 ? 'TN-odd' : 'TN-even', n));
        await drainUntil(broker, 6);
        const got = ownPublished(broker).map((p) => [p.message.key, (p.message.payload as { n: number }).n]);
        expect(got.filter(([key]) => key === 'TN-odd').map(([, n]) => n)).toEqual([1, 3, 5]);
        expect(got.filter(([key]) => key === 'TN-even').map(([, n]) => n)).toEqual([2, 4, 6]);
        expect(ownPublished(broker)[0]!.message).toEqual(message('TN-odd', 1));
        await relayOf(broker).drain();
        expect(ownPublished(broker)).toHaveLength(6);
        expect(await mine()).toEqual([]);
      });

      it('keeps every message while the broker refuses or hangs, retries with backoff, and publishes each once when it is back', async () => {
        const broker = new SwitchableBroker(topic);
        for (let n = 1; n <= 3; n++) await add(tenantA, message('TN-outage', n));
        broker.down = 'refuse';
        await expect(relayOf(broker).runOnce()).resolves.toMatchObject({ published: 0, failed: expect.any(Number) });
        expect(broker.attempts).toBe(1);
        // Waiting out the backoff: nothing of this test is due right away, so nothing is tried.
        const tried = broker.attempts;
        await relayOf(broker).runOnce();
        expect(broker.attempts).toBe(tried);
        broker.down = 'hang';
        const round = await eventually('the backoff to end, then a round on the hanging broker', async () => {
          const started = Date.now();
          const result = await relayOf(broker).runOnce();
          return broker.attempts > tried ? { ...result, ms: Date.now() - started } : undefined;
        }, { timeoutMs: 5_000, intervalMs: 50 });
        // A hanging broker costs one publish timeout (500 ms), not one per message: a key stops at its first failure.
        expect(round.published).toBe(0);
        expect(round.failed).toBeGreaterThanOrEqual(3);
        expect(round.ms).toBeLessThan(2_000);
        expect(broker.attempts).toBe(tried + 1);
        broker.down = false;
        await drainUntil(broker, 3);
        expect(ownPublished(broker).map((p) => (p.message.payload as { n: number }).n)).toEqual([1, 2, 3]);
        await relayOf(broker).drain();
        expect(ownPublished(broker)).toHaveLength(3);
        expect(await mine()).toEqual([]);
      });

      it('publishes each message once when two relays (two processes) run at the same time', async () => {
        const broker = new SwitchableBroker(topic);
        for (let n = 1; n <= 40; n++) await add(tenantA, message(`TN-${n % 7}`, n));
        await drainUntil(broker, 40, [relayOf(broker, { batchSize: 5 }), relayOf(broker, { batchSize: 5 })]);
        const ns = ownPublished(broker).map((p) => (p.message.payload as { n: number }).n);
        expect(ns.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      });

      it('runs by itself once started: a wake publishes at once, the poll finds the rest', async () => {
        const broker = new SwitchableBroker(topic);
        const relay = relayOf(broker, { pollIntervalMs: 200 });
        relay.start();
        try {
          await add(tenantA, message('TN-poll', 1));
          await eventually('the poll to publish', async () => (ownPublished(broker).length === 1 ? true : undefined), { timeoutMs: 5_000, intervalMs: 50 });
          await add(tenantA, message('TN-poll', 2));
          relay.wake();
          await eventually('the wake to publish', async () => (ownPublished(broker).length === 2 ? true : undefined), { timeoutMs: 5_000, intervalMs: 20 });
        } finally {
          await relay.stop();
        }
      });
    });
  });
}
