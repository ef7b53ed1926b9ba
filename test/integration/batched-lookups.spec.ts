import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, EntityManager } from 'typeorm';
import type { CarrierTrackingStatus } from '../../src/modules/carriers';
import { NotificationsService } from '../../src/modules/communications/application/notifications.service';
import type { EmailSenderPort } from '../../src/modules/communications/ports/email-sender.port';
import { ShipmentsRepository } from '../../src/modules/shipments/adapters/typeorm/shipments.repository';
import { ShipmentRecordsService } from '../../src/modules/shipments/application/shipment-records.service';
import { ShipmentsService } from '../../src/modules/shipments/application/shipments.service';
import { TenantTransactions } from '../../src/modules/tenancy/application/tenant-transactions';
import { TenantsService } from '../../src/modules/tenancy/application/tenants.service';
import { TenantContext } from '../../src/modules/tenancy/domain/tenant-context';
import { startEmbeddedDatabase } from '../../src/platform/database/adapters/pglite/embedded-database';
import { postgresEndpoints } from '../../src/platform/database/adapters/postgres/postgres-database';
import { createAppDataSource, runMigrations } from '../../src/platform/database/database.factory';
import type { DatabaseEndpoints } from '../../src/platform/database/database.types';
import type { DeadLetterRecorder, TaskQueuePort } from '../../src/platform/messaging';
import { describeWithPostgres, ensureAppRole, findPostgresServer } from '../support/postgres-server';

/** A migrated database and the app's DataSource on it; `dispose` stops what was started. */
interface Database {
  endpoints: DatabaseEndpoints;
  dataSource: DataSource;
  dispose(): Promise<void>;
}

/** Migrates `endpoints` and opens the app's DataSource on them; `stop` ends what was started for them. */
async function migrated(endpoints: DatabaseEndpoints, stop: () => Promise<void>): Promise<Database> {
  await runMigrations(endpoints);
  const dataSource = await createAppDataSource(endpoints, 4);
  return {
    endpoints,
    dataSource,
    async dispose() {
      await dataSource.destroy();
      await stop();
    },
  };
}

/** The embedded database (PGlite in its worker, as the app runs it): always there. */
async function embedded(): Promise<Database> {
  const dataDir = mkdtempSync(join(tmpdir(), 'logisynapse-batched-'));
  const endpoints = await startEmbeddedDatabase(dataDir);
  return migrated(endpoints, async () => {
    await endpoints.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
}

/** A real PostgreSQL server (from the environment, or Testcontainers), working as the app role. */
async function realPostgres(): Promise<Database> {
  const server = await findPostgresServer();
  if (!server) throw new Error('PostgreSQL went away between discovery and start');
  await ensureAppRole(server);
  return migrated(postgresEndpoints(server.appUrl, server.ownerUrl), () => server.stop());
}

/**
 * The batched look-ups behind the GraphQL list (ShipmentsService.trackingEventsOf, one
 * `= ANY($1)` statement, and NotificationsService.listForShipments) on a real database, working
 * as the application role under forced row-level security: the right rows, grouped and ordered,
 * one statement per look-up, and nothing of another tenant's.
 */
function batchedLookupsOn(name: string, describeOn: (name: string, body: () => void) => void, start: () => Promise<Database>) {
  describeOn(`batched look-ups of a page (${name})`, () => {
    let db: Database;
    let tx: TenantTransactions;
    let shipments: ShipmentsService;
    let notifications: NotificationsService;
    /** Statements run by the look-ups under test (not by the set-up). */
    let statements: string[];
    let a: string;
    let b: string;
    const ids = { a1: randomUUID(), a2: randomUUID(), a3: randomUUID(), b1: randomUUID() };

    /** The tenant transactions, with every statement of the work recorded. */
    const recording = (inner: TenantTransactions): TenantTransactions =>
      ({
        run: <T>(work: (m: EntityManager) => Promise<T>) =>
          inner.run((m) => {
            const query = m.query.bind(m);
            const recorded = Object.create(m) as EntityManager;
            recorded.query = ((sql: string, params?: unknown[]) => {
              statements.push(sql);
              return query(sql, params);
            }) as EntityManager['query'];
            return work(recorded);
          }),
        runFor: inner.runFor.bind(inner),
      }) as unknown as TenantTransactions;

    beforeAll(async () => {
      db = await start();
      tx = new TenantTransactions(db.dataSource, db.endpoints);
      const tenants = new TenantsService(db.dataSource);
      a = (await tenants.create('Batched A')).tenantId;
      b = (await tenants.create('Batched B')).tenantId;

      const writer = new ShipmentsService(tx, new ShipmentsRepository());
      const records = new ShipmentRecordsService(tx, new ShipmentsRepository());
      const record = (tenantId: string, shipmentId: string) => ({
        shipmentId,
        tenantId,
        workflowId: `shipment-${shipmentId}`,
        idempotencyKey: `batched-${shipmentId}`,
        requestHash: 'hash',
        fromAddress: { name: 'A', street1: '215 Clayton St.', city: 'San Francisco', zip: '94117', country: 'US' },
        toAddress: { name: 'B', street1: '1092 Indian Summer Ct', city: 'San Jose', zip: '95122', country: 'US' },
        parcel: { length: 10, width: 15, height: 10, distanceUnit: 'in' as const, weight: 1, massUnit: 'lb' as const },
        customerEmail: `${shipmentId}@example.com`,
        requestedAt: new Date().toISOString(),
      });
      const label = (shipmentId: string) => ({ carrier: 'USPS', trackingNumber: `TN-${shipmentId}`, labelUrl: `https://labels.example.com/${shipmentId}.pdf`, carrierTransactionId: `tx-${shipmentId}` });
      for (const [tenantId, id] of [[a, ids.a1], [a, ids.a2], [a, ids.a3], [b, ids.b1]] as const) await records.recordLabel(record(tenantId, id), label(id));

      const update = (tenantId: string, id: string, status: CarrierTrackingStatus, occurredAt: string, location?: string) =>
        writer.applyCarrierUpdate({ tenantId, carrier: 'usps', trackingNumber: `TN-${id}`, status, occurredAt, location, statusDetails: `${status} at ${occurredAt}`, eventId: `${id}-${occurredAt}` });
      // Recorded out of order: the answer is in the order they occurred.
      await update(a, ids.a1, 'TRANSIT', '2026-11-20T12:00:00.000Z', 'San Jose, CA');
      await update(a, ids.a1, 'PRE_TRANSIT', '2026-11-20T10:00:00.000Z');
      await update(a, ids.a2, 'DELIVERED', '2026-11-21T15:00:00.000Z');
      await update(b, ids.b1, 'TRANSIT', '2026-11-20T11:00:00.000Z');

      notifications = new NotificationsService({} as TaskQueuePort, { send: async () => undefined } as unknown as EmailSenderPort, tx, {} as DeadLetterRecorder);
      for (const [tenantId, id] of [[a, ids.a1], [a, ids.a2], [b, ids.b1]] as const) {
        await notifications.handle({ payload: { tenantId, shipmentId: id, template: 'welcome', to: `${id}@example.com`, variables: {} }, headers: {} });
      }

      shipments = new ShipmentsService(recording(tx), new ShipmentsRepository());
      notifications = new NotificationsService({} as TaskQueuePort, {} as EmailSenderPort, recording(tx), {} as DeadLetterRecorder);
    }, 120_000);

    afterAll(async () => {
      await db?.dispose();
    });

    beforeEach(() => {
      statements = [];
    });

    const asTenant = <T>(tenantId: string, work: () => Promise<T>) => TenantContext.run(tenantId, work);

    it("answers a page's tracking events with one statement, by shipment and in order, none of another tenant's", async () => {
      const page = [ids.a1, ids.a2, ids.a3, ids.b1, randomUUID(), 'not-a-uuid', ids.a1];
      const events = await asTenant(a, () => shipments.trackingEventsOf(page));
      expect([...events.keys()].sort()).toEqual([ids.a1, ids.a2].sort());
      expect(events.get(ids.a1)).toEqual([
        { status: 'PRE_TRANSIT', occurredAt: '2026-11-20T10:00:00.000Z', location: null, description: 'PRE_TRANSIT at 2026-11-20T10:00:00.000Z' },
        { status: 'IN_TRANSIT', occurredAt: '2026-11-20T12:00:00.000Z', location: 'San Jose, CA', description: 'TRANSIT at 2026-11-20T12:00:00.000Z' },
      ]);
      expect(events.get(ids.a2)).toEqual([{ status: 'DELIVERED', occurredAt: '2026-11-21T15:00:00.000Z', location: null, description: 'DELIVERED at 2026-11-21T15:00:00.000Z' }]);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/= ANY\(\$1::uuid\[\]\)/);

      // Tenant B asking for the same ids sees its own shipment only.
      const ofB = await asTenant(b, () => shipments.trackingEventsOf(page));
      expect([...ofB.keys()]).toEqual([ids.b1]);
      expect(ofB.get(ids.b1)!.map((e) => e.status)).toEqual(['IN_TRANSIT']);
    });

    it("answers a page's notifications with one statement, by shipment, none of another tenant's", async () => {
      const page = [ids.a1, ids.a2, ids.a3, ids.b1, 'not-a-uuid'];
      const sent = await asTenant(a, () => notifications.listForShipments(page));
      expect([...sent.keys()].sort()).toEqual([ids.a1, ids.a2].sort());
      expect(sent.get(ids.a1)).toEqual([{ template: 'welcome', to: `${ids.a1}@example.com`, sentAt: expect.any(String) }]);
      expect(sent.get(ids.a2)).toEqual([{ template: 'welcome', to: `${ids.a2}@example.com`, sentAt: expect.any(String) }]);
      expect(statements).toHaveLength(1);

      const ofB = await asTenant(b, () => notifications.listForShipments(page));
      expect([...ofB.keys()]).toEqual([ids.b1]);
    });

    it('needs no statement for no ids, and refuses more than a page as BAD_USER_INPUT', async () => {
      await expect(asTenant(a, () => shipments.trackingEventsOf([]))).resolves.toEqual(new Map());
      await expect(asTenant(a, () => notifications.listForShipments(['not-a-uuid']))).resolves.toEqual(new Map());
      expect(statements).toEqual([]);
      const tooMany = Array.from({ length: 101 }, () => ids.a1);
      await expect(asTenant(a, () => shipments.trackingEventsOf(tooMany))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      await expect(asTenant(a, () => notifications.listForShipments(tooMany))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(statements).toEqual([]);
    });

    it('fails closed outside a tenant context', async () => {
      await expect(shipments.trackingEventsOf([ids.a1])).rejects.toThrow('No tenant in context');
      await expect(notifications.listForShipments([ids.a1])).rejects.toThrow('No tenant in context');
    });
  });
}

batchedLookupsOn('embedded PostgreSQL, PGlite', (name, body) => describe(name, body), embedded);
batchedLookupsOn('real PostgreSQL', describeWithPostgres, realPostgres);
