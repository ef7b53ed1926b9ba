// Bench-only, for B2: what Temporal alone sustains on this machine. Not part of the product.
//
// The product's CreateShipmentWorkflow (same bundle, local activities, same worker options as the
// app's engine) on its own task queue of the Temporal server from .env.infra, with activities
// that do nothing but wait the carrier's latency: no database, no Kafka, no RabbitMQ, no gRPC, no
// app. IN_FLIGHT runs are kept in flight (started, last step not yet run) until TOTAL completed;
// it prints one JSON line: { "perSecond": ..., "cpu": [...] }. If this cannot reach B2's goal, no
// change to the app can.
import { randomUUID } from 'node:crypto';
import type { PurchasedLabel } from '../../src/modules/carriers';
import { prebuiltWorkflowBundlePath, TemporalWorkflowEngine } from '../../src/modules/workflow-orchestrator/adapters/temporal/temporal-workflow-engine';
import type { CreateShipmentActivities } from '../../src/modules/workflow-orchestrator/contracts/create-shipment.contracts';
import { fixtureInput } from '../../test/fixtures/temporal/record-histories';
import { cpuBetween, cpuSnapshot } from '../lib/cpu';

const TOTAL = Number(process.env.FLOOR_TOTAL ?? 640);
const IN_FLIGHT = Number(process.env.FLOOR_IN_FLIGHT ?? 64);
const CARRIER_LATENCY_MS = Number(process.env.CARRIER_SANDBOX_LATENCY_MS ?? 50);

const LABEL: PurchasedLabel = {
  carrier: 'USPS',
  trackingNumber: '9205590164917312751089',
  labelUrl: 'https://labels.example.com/floor.pdf',
  carrierTransactionId: 'floor',
  serviceLevel: 'usps_priority',
};

/** Runs waiting for their last step (the welcome email), by shipment id. */
const waiting = new Map<string, () => void>();

const activities: CreateShipmentActivities = {
  callShippoApi: () => new Promise((resolve) => setTimeout(() => resolve({ kind: 'purchased', label: LABEL }), CARRIER_LATENCY_MS)),
  saveShipmentToDb: () => Promise.resolve(),
  publishShipmentCreated: () => Promise.resolve(),
  // Done, as B2 counts it (the email queued is the last step); no result polling, which would
  // cost the server a long poll per run that B2's own probe does not.
  queueWelcomeEmail: (input) => {
    waiting.get(input.shipmentId)?.();
    return Promise.resolve();
  },
  markShipmentFailed: () => Promise.resolve(),
  // Never reached: no step fails for good in the floor's runs.
  voidLabel: () => Promise.reject(new Error('the Temporal floor voids no label')),
};

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set (npm run infra:up)');
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const taskQueue = `bench-floor-${randomUUID()}`;
  // The bundle the app runs (`npm run bench` builds it, as the image does).
  const engine = new TemporalWorkflowEngine({ address, namespace, taskQueue, workflowBundlePath: prebuiltWorkflowBundlePath() }, activities);
  await engine.launch();
  try {
    const run = async (count: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < count) {
            next += 1;
            const shipmentId = randomUUID();
            const done = new Promise<void>((resolve) => waiting.set(shipmentId, resolve));
            await engine.startCreateShipment(`floor-${shipmentId}`, fixtureInput(shipmentId));
            await done;
            waiting.delete(shipmentId);
          }
        }),
      );
    };
    await run(IN_FLIGHT); // warm-up
    const before = cpuSnapshot();
    const t0 = performance.now();
    await run(TOTAL);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuBetween(before, cpuSnapshot(), { [process.pid]: 'worker and starter (node)' }, 3);
    process.stdout.write(`${JSON.stringify({ perSecond: TOTAL / seconds, seconds, cpu })}\n`);
  } finally {
    await engine.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`temporal-floor failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
