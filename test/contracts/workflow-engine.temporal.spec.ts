import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import {
  TemporalWorkflowEngine,
  type TemporalEngineLogger,
} from '../../src/modules/workflow-orchestrator/adapters/temporal/temporal-workflow-engine';
import type { WorkflowEnginePort } from '../../src/modules/workflow-orchestrator/ports/workflow-engine.port';
import { realServerOrSkip } from '../support/embedded-postgres';
import { FakeActivities, describeWorkflowEngineContract, labelFor, shipmentRequest } from './workflow-engine.contract';

// A real Temporal server (the CLI's dev server from `npm run infra:up`). Each engine here uses a
// task queue of its own, so a running app's worker never takes these runs; workflow ids are
// unique (the dev server keeps its history between runs), and runs a failed test leaves open
// are terminated at the end.
const withTemporal = realServerOrSkip(['TEMPORAL_ADDRESS'], 'Temporal (`npm run infra:up`)');

/** Collects what the engines (and Temporal's runtime, forwarded) log, instead of printing it. */
class CollectingLogger implements TemporalEngineLogger {
  readonly lines: string[] = [];
  log = (message: string) => void this.lines.push(`log: ${message}`);
  warn = (message: string) => void this.lines.push(`warn: ${message}`);
  error = (message: string) => void this.lines.push(`error: ${message}`);
  debug = (message: string) => void this.lines.push(`debug: ${message}`);
}

withTemporal('Temporal', (env) => {
  const namespace = () => process.env.TEMPORAL_NAMESPACE || 'default';
  const logger = new CollectingLogger();
  const started = new Set<string>();
  let connection: Connection | undefined;
  let client: Client;

  beforeAll(async () => {
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    client = new Client({ connection, namespace: namespace() });
  });

  afterAll(async () => {
    for (const id of started) {
      const handle = client.workflow.getHandle(id);
      const { status } = await handle.describe().catch(() => ({ status: { name: 'UNKNOWN' } }));
      if (status.name === 'RUNNING') await handle.terminate('contract test cleanup').catch(() => undefined);
    }
    await connection?.close();
  });

  /** The engine, recording the workflow ids it starts (for the cleanup above). */
  const tracked = (engine: TemporalWorkflowEngine): WorkflowEnginePort => ({
    adapterName: engine.adapterName,
    startCreateShipment: (id, input) => (started.add(id), engine.startCreateShipment(id, input)),
    describeCreateShipment: (id) => engine.describeCreateShipment(id),
    launch: () => engine.launch(),
    stop: () => engine.stop(),
  });

  describeWorkflowEngineContract('Temporal', async (activities) => {
    const engine = new TemporalWorkflowEngine(
      { address: env.TEMPORAL_ADDRESS, namespace: namespace(), taskQueue: `contract-${randomUUID()}`, logger },
      activities,
    );
    await engine.launch();
    return {
      engine: tracked(engine),
      async dispose() {
        await engine.stop();
        await expect(engine.whenStopped).resolves.toBeUndefined();
        // The retried activity's failures reached the logger through Temporal's runtime.
        expect(logger.lines.filter((line) => line.startsWith('warn: Activity failed')).length).toBeGreaterThanOrEqual(2);
        // And the engine's own line per failed attempt names the shipment and the attempt.
        expect(logger.lines).toEqual(expect.arrayContaining([
          expect.stringMatching(/^warn: activity saveShipmentToDb for shipment [0-9a-f-]{36} failed on attempt 2 \(retrying\): saveShipmentToDb attempt failed on purpose$/),
          expect.stringMatching(/^warn: activity saveShipmentToDb for shipment [0-9a-f-]{36} failed on attempt 1 \(for good, not retried\): saveShipmentToDb failed for good on purpose$/),
        ]));
      },
    };
  });

  describe('Temporal engine without a worker', () => {
    let engine: TemporalWorkflowEngine;
    let port: WorkflowEnginePort;
    const taskQueue = `contract-no-worker-${randomUUID()}`;

    beforeAll(async () => {
      // Client only, on a task queue nobody polls: a run stays RUNNING with no activity done.
      engine = new TemporalWorkflowEngine(
        { address: env.TEMPORAL_ADDRESS, namespace: namespace(), taskQueue, runWorker: false, logger },
        new FakeActivities(),
      );
      await engine.launch();
      port = tracked(engine);
    });

    afterAll(async () => {
      await engine?.stop();
    });

    it('describes a run while no worker runs: RUNNING, with its input (read from the first history event)', async () => {
      const input = shipmentRequest();
      const id = `contract-no-worker-${randomUUID()}`;
      await port.startCreateShipment(id, input);
      await port.startCreateShipment(id, { ...input, customerEmail: 'other@example.com' });

      await expect(port.describeCreateShipment(id)).resolves.toEqual({ workflowId: id, status: 'RUNNING', input });
      const description = await client.workflow.getHandle(id).describe();
      expect(description.type).toBe('CreateShipmentWorkflow');
      expect(description.taskQueue).toBe(taskQueue);
      expect(description.memo ?? {}).toEqual({}); // the input is stored once, in the history
    });

    it('describes a terminated run as FAILED, without a result, and does not start its id again', async () => {
      const input = shipmentRequest();
      const id = `contract-no-worker-${randomUUID()}`;
      await port.startCreateShipment(id, input);
      const handle = client.workflow.getHandle(id);
      await handle.terminate('an operator stopped it');
      const { runId } = await handle.describe();

      const run = await port.describeCreateShipment(id);
      expect(run).toEqual({ workflowId: id, status: 'FAILED', input });
      expect(run?.result).toBeUndefined();
      await port.startCreateShipment(id, input); // REJECT_DUPLICATE: no new run, and no error
      expect((await handle.describe()).runId).toBe(runId);
      await expect(port.describeCreateShipment(id)).resolves.toEqual({ workflowId: id, status: 'FAILED', input });
    });

    it('describes a run of another workflow type under that id as null', async () => {
      const id = `contract-other-type-${randomUUID()}`;
      started.add(id);
      await client.workflow.start('SomeOtherWorkflow', { workflowId: id, taskQueue, args: [labelFor(shipmentRequest())] });
      await expect(port.describeCreateShipment(id)).resolves.toBeNull();
    });
  });
});
