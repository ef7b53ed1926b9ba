import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { SandboxCarrierAdapter, sandboxTransactionId } from '../../src/modules/carriers/adapters/sandbox/sandbox-carrier.adapter';
import type { CarrierPort } from '../../src/modules/carriers';
import { ShipmentsRepository } from '../../src/modules/shipments/adapters/typeorm/shipments.repository';
import { ShipmentRequestsService } from '../../src/modules/shipments/application/shipment-requests.service';
import { ShipmentRecordsService } from '../../src/modules/shipments/application/shipment-records.service';
import { ShipmentsService } from '../../src/modules/shipments/application/shipments.service';
import type { CreateShipmentRun, ShipmentWorkflows } from '../../src/modules/shipments';
import { TenantTransactions } from '../../src/modules/tenancy/application/tenant-transactions';
import { TenantsService } from '../../src/modules/tenancy/application/tenants.service';
import { TenantContext } from '../../src/modules/tenancy/domain/tenant-context';
import { createShipmentActivities } from '../../src/modules/workflow-orchestrator/activities/create-shipment.activities';
import { createShipmentWorkflow } from '../../src/modules/workflow-orchestrator/workflows/create-shipment.workflow';
import { postgresEndpoints } from '../../src/platform/database/adapters/postgres/postgres-database';
import { createAppDataSource, runMigrations } from '../../src/platform/database/database.factory';
import { describeWithPostgres, ensureAppRole, findPostgresServer, type PostgresServer } from '../support/postgres-server';

/**
 * The shipments module on a real PostgreSQL (from the environment, or Testcontainers where a
 * Docker engine answers): migrations as the owner, CreateShipment through the module's front
 * door with the workflow run in-process, then the table queried directly.
 */
describeWithPostgres('shipments on PostgreSQL', () => {
  let server: PostgresServer | null = null;
  let dataSource: DataSource | null = null;

  beforeAll(async () => {
    server = await findPostgresServer();
    if (!server) throw new Error('PostgreSQL went away between discovery and start');
    await ensureAppRole(server);
    const endpoints = postgresEndpoints(server.appUrl, server.ownerUrl);
    await runMigrations(endpoints);
    dataSource = await createAppDataSource(endpoints, 4);
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await server?.stop();
  });

  /** The module's front door over a real database, its workflow run in-process with the real activities. */
  function platform(carrier: CarrierPort) {
    if (!server || !dataSource) throw new Error('not set up');
    const endpoints = postgresEndpoints(server.appUrl, server.ownerUrl);
    const tx = new TenantTransactions(dataSource, endpoints);
    const shipments = new ShipmentsService(tx, new ShipmentsRepository());
    const published: unknown[] = [];
    const activities = createShipmentActivities({
      carrier,
      shipments: new ShipmentRecordsService(tx, new ShipmentsRepository()),
      eventLog: { adapterName: 'memory', stop: async () => undefined, publish: async (_t, m) => void published.push(m), subscribe: async () => undefined },
      taskQueue: { adapterName: 'memory', stop: async () => undefined, enqueue: async () => undefined, consume: async () => undefined },
    });
    const runs = new Map<string, CreateShipmentRun>();
    const workflows: ShipmentWorkflows = {
      async startCreateShipment(workflowId, input) {
        if (runs.has(workflowId)) return false;
        runs.set(workflowId, { workflowId, status: 'RUNNING', input });
        const result = await createShipmentWorkflow(input, activities);
        runs.set(workflowId, { workflowId, status: 'COMPLETED', input, result });
        return true;
      },
      describeCreateShipment: async (workflowId) => runs.get(workflowId) ?? null,
    };
    return { requests: new ShipmentRequestsService(shipments, workflows), tenants: new TenantsService(dataSource), published };
  }

  const command = (idempotencyKey: string) => ({
    idempotencyKey,
    fromAddress: { name: 'A', street1: '215 Clayton St.', city: 'San Francisco', zip: '94117', country: 'US' },
    toAddress: { name: 'B', street1: '1092 Indian Summer Ct', city: 'San Jose', zip: '95122', country: 'US' },
    parcel: { length: 10, width: 15, height: 10, distanceUnit: 'in' as const, weight: 1, massUnit: 'lb' as const },
    customerEmail: 'b@example.com',
  });

  it('creates a shipment and stores it with its label, visible only to its tenant', async () => {
    if (!server) throw new Error('not set up');
    const carrier = new SandboxCarrierAdapter({ latencyMs: 0, failureRate: 0, journeyStepMs: 0 });
    const { requests, tenants, published } = platform(carrier);
    const a = await tenants.create('Integration A');
    const b = await tenants.create('Integration B');

    const created = await TenantContext.run(a.tenantId, () => requests.create(command(`it-${Date.now()}`)));

    const owner = new Client({ connectionString: server.ownerUrl });
    await owner.connect();
    try {
      // The owner is not exempt from forced RLS on a real server: read as the tenant would.
      await owner.query('BEGIN');
      await owner.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [a.tenantId]);
      const rows = await owner.query(`SELECT tenant_id, status, carrier, tracking_number, workflow_id FROM shipments WHERE id = $1`, [created.id]);
      await owner.query('COMMIT');
      expect(rows.rows).toEqual([
        { tenant_id: a.tenantId, status: 'LABEL_CREATED', carrier: 'USPS', tracking_number: expect.stringMatching(/^SBX/), workflow_id: `shipment-${created.id}` },
      ]);
    } finally {
      await owner.end();
    }
    expect(published).toHaveLength(1);
    await expect(TenantContext.run(b.tenantId, () => requests.get(created.id))).resolves.toBeNull();
    await carrier.stop();
  });

  it('voids the label when the save breaks the tracking-number index for good, and records FAILED with the refund', async () => {
    const sandbox = new SandboxCarrierAdapter({ latencyMs: 0, failureRate: 0, journeyStepMs: 0 });
    // A carrier that hands out a tracking number twice (as a carrier bug would): the second
    // shipment's row breaks the unique (tenant, tracking number) index, which no retry mends.
    let firstTrackingNumber: string | undefined;
    const carrier: CarrierPort = {
      adapterName: 'sandbox reusing a tracking number',
      stop: async () => undefined,
      purchaseLabel: async (request) => {
        const label = await sandbox.purchaseLabel(request);
        firstTrackingNumber ??= label.trackingNumber;
        return { ...label, trackingNumber: firstTrackingNumber };
      },
      voidLabel: (request) => sandbox.voidLabel(request),
    };
    const { requests, tenants } = platform(carrier);
    const tenant = await tenants.create('Integration compensation');
    const run = Date.now();
    const first = await TenantContext.run(tenant.tenantId, () => requests.create(command(`it-comp-1-${run}`)));
    const second = await TenantContext.run(tenant.tenantId, () => requests.create(command(`it-comp-2-${run}`)));

    const [labelled, failed] = await TenantContext.run(tenant.tenantId, () => Promise.all([requests.get(first.id), requests.get(second.id)]));
    expect(labelled).toMatchObject({ status: 'LABEL_CREATED', trackingNumber: firstTrackingNumber, labelRefund: null });
    const voidedLabel = sandboxTransactionId(second.id);
    const refund = sandbox.refundOf(voidedLabel);
    expect(refund).toEqual({ refundId: expect.any(String), labelId: voidedLabel, status: 'SUCCESS' });
    expect(failed).toMatchObject({
      status: 'FAILED',
      trackingNumber: null,
      failureReason: `recording the shipment failed for good (SQLSTATE 23505); label ${voidedLabel} voided (refund ${refund!.refundId})`,
      labelRefund: refund,
    });
    expect(sandbox.refundOf(sandboxTransactionId(first.id))).toBeUndefined();
    await sandbox.stop();
  });
});
