import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import type { PurchasedLabel } from '../../src/modules/carriers';
import { DbosWorkflowEngine } from '../../src/modules/workflow-orchestrator/adapters/dbos/dbos-workflow-engine';
import type { CreateShipmentActivities, CreateShipmentInput, LabelOutcome, VoidOutcome } from '../../src/modules/workflow-orchestrator/contracts/create-shipment.contracts';
import { startTestEmbeddedDatabase, type EmbeddedDatabase } from '../support/embedded-postgres';
import { eventually } from '../support/poll';
import { Gate, labelFor, shipmentRequest } from './workflow-engine.contract';

/**
 * DBOS's default serializer (SuperJSON with DBOS's marker), as earlier versions recorded runs with
 * it. The package exports it only internally: loaded by its file path next to the entry point.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package's exports map hides this file from `import`
const { DBOSJSON } = require(join(dirname(require.resolve('@dbos-inc/dbos-sdk')), 'serialization.js')) as { DBOSJSON: { stringify(value: unknown): string } };

/** Activities that record what they were given; `saveShipmentToDb` may wait for a gate. */
class RecordingActivities implements CreateShipmentActivities {
  readonly calls: Array<{ activity: keyof CreateShipmentActivities; args: unknown[] }> = [];
  constructor(private readonly saveGate?: Gate) {}
  async callShippoApi(input: CreateShipmentInput): Promise<LabelOutcome> {
    this.calls.push({ activity: 'callShippoApi', args: [input] });
    return { kind: 'purchased', label: labelFor(input) };
  }
  async saveShipmentToDb(input: CreateShipmentInput, label: PurchasedLabel): Promise<void> {
    this.calls.push({ activity: 'saveShipmentToDb', args: [input, label] });
    if (this.saveGate) await this.saveGate.pass();
  }
  async publishShipmentCreated(input: CreateShipmentInput, label: PurchasedLabel): Promise<void> {
    this.calls.push({ activity: 'publishShipmentCreated', args: [input, label] });
  }
  async queueWelcomeEmail(input: CreateShipmentInput, label: PurchasedLabel): Promise<void> {
    this.calls.push({ activity: 'queueWelcomeEmail', args: [input, label] });
  }
  async markShipmentFailed(input: CreateShipmentInput, reason: string): Promise<void> {
    this.calls.push({ activity: 'markShipmentFailed', args: [input, reason] });
  }
  async voidLabel(input: CreateShipmentInput, label: PurchasedLabel): Promise<VoidOutcome> {
    this.calls.push({ activity: 'voidLabel', args: [input, label] });
    return { kind: 'voided', refund: { refundId: `refund-${label.carrierTransactionId}`, labelId: label.carrierTransactionId, status: 'SUCCESS' } };
  }
}

/**
 * What DBOS records for a run (ADR 0003): plain JSON, and rows an earlier version recorded with
 * DBOS's default serializer (SuperJSON) are still read, so a run in flight across an upgrade
 * resumes where it was. DBOS is a process-wide singleton: this file's engines run one at a time.
 */
describe('DBOS engine: the format of recorded runs', () => {
  let db: EmbeddedDatabase;
  let sql: Client;
  let engine: DbosWorkflowEngine | null = null;

  const launch = async (activities: CreateShipmentActivities) => {
    engine = new DbosWorkflowEngine({ systemDatabaseUrl: db.endpoints.engineUrl, useListenNotify: db.endpoints.supportsListenNotify }, activities);
    await engine.launch();
    return engine;
  };
  const finished = (id: string) =>
    eventually(`workflow ${id} to finish`, async () => {
      const run = await engine!.describeCreateShipment(id);
      return run && run.status !== 'RUNNING' ? run : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100 });

  beforeAll(async () => {
    db = await startTestEmbeddedDatabase('logisynapse-dbos-serialization-');
    sql = new Client({ connectionString: db.endpoints.engineUrl });
    await sql.connect();
  });
  afterEach(async () => {
    await engine?.stop();
    engine = null;
  });
  afterAll(async () => {
    await sql?.end();
    await db?.dispose();
  });

  it('records the input, each step result and the outcome as plain JSON', async () => {
    const activities = new RecordingActivities();
    const started = await launch(activities);
    const input = shipmentRequest();
    const id = `serialization-${randomUUID()}`;
    await started.startCreateShipment(id, input);
    await finished(id);

    const status = await sql.query(`SELECT serialization FROM dbos.workflow_status WHERE workflow_uuid = $1`, [id]);
    expect(status.rows).toEqual([{ serialization: 'logisynapse_json' }]);
    const recordedInput = await sql.query(`SELECT inputs FROM dbos.workflow_input WHERE workflow_uuid = $1`, [id]);
    expect(JSON.parse(recordedInput.rows[0].inputs)).toEqual([input]);
    const steps = await sql.query(`SELECT function_name, output, serialization FROM dbos.operation_outputs WHERE workflow_uuid = $1 ORDER BY function_id`, [id]);
    expect(steps.rows.map((r) => r.function_name)).toEqual(['callShippoApi', 'saveShipmentToDb', 'publishShipmentCreated', 'queueWelcomeEmail']);
    expect(steps.rows.every((r) => r.serialization === 'logisynapse_json')).toBe(true);
    expect(JSON.parse(steps.rows[0].output)).toEqual({ kind: 'purchased', label: labelFor(input) });
  });

  it('resumes a run whose input and first step an earlier version recorded with SuperJSON', async () => {
    // A run in flight: its carrier step is recorded, saveShipmentToDb has not finished. Its gate is
    // never opened: that execution belongs to the engine shut down below, as if its process died.
    const gate = new Gate('saveShipmentToDb');
    const before = new RecordingActivities(gate);
    const first = await launch(before);
    const input = shipmentRequest();
    const id = `serialization-${randomUUID()}`;
    await first.startCreateShipment(id, input);
    await gate.reached;
    await first.stop();
    engine = null;

    // Rewrite its records as DBOS's default serializer wrote them before this version.
    const outcome: LabelOutcome = { kind: 'purchased', label: labelFor(input) };
    await sql.query(`UPDATE dbos.workflow_status SET serialization = 'js_superjson' WHERE workflow_uuid = $1`, [id]);
    await sql.query(`UPDATE dbos.workflow_input SET inputs = $2 WHERE workflow_uuid = $1`, [id, DBOSJSON.stringify([input])]);
    const rewritten = await sql.query(
      `UPDATE dbos.operation_outputs SET output = $2, serialization = 'js_superjson' WHERE workflow_uuid = $1 AND function_name = 'callShippoApi'`,
      [id, DBOSJSON.stringify(outcome)],
    );
    expect(rewritten.rowCount).toBe(1);

    // The next start of the engine recovers it: the carrier step is replayed from its record.
    const after = new RecordingActivities();
    await launch(after);
    const run = await finished(id);
    expect(run).toEqual({ workflowId: id, status: 'COMPLETED', input, result: { status: 'LABEL_CREATED', trackingNumber: outcome.label.trackingNumber } });
    expect(after.calls.map((c) => c.activity)).toEqual(['saveShipmentToDb', 'publishShipmentCreated', 'queueWelcomeEmail']);
    expect(after.calls[0]!.args).toEqual([input, outcome.label]);
  });
});
