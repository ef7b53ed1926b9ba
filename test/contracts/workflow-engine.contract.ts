import { randomUUID } from 'node:crypto';
import type { PurchasedLabel } from '../../src/modules/carriers';
import type { LabelRefund } from '../../src/modules/carriers';
import {
  PermanentActivityError,
  type CreateShipmentActivities,
  type CreateShipmentInput,
  type LabelCompensation,
  type LabelOutcome,
  type VoidOutcome,
} from '../../src/modules/workflow-orchestrator/contracts/create-shipment.contracts';
import type { WorkflowEnginePort } from '../../src/modules/workflow-orchestrator/ports/workflow-engine.port';
import type { CreateShipmentRun } from '../../src/modules/shipments';
import { eventually } from '../support/poll';

/**
 * Contract of the workflow engine port (DESIGN §2: DBOS embedded, Temporal real): a run calls
 * the activities of CreateShipmentWorkflow in order, once each; a workflow id runs once; a run is
 * visible (input, state, result) while it runs and after; a carrier's refusal is a result; a
 * failing activity is retried with the shared policy (1 s, then 2 s); an activity after the label
 * that fails for good is not retried, and the label is voided (compensation).
 *
 * The engine under test is created once per suite (DBOS is a process-wide singleton), with one
 * set of strict fake activities; each test scripts its own shipment ids.
 */
export interface WorkflowEngineUnderTest {
  /** Launched, running the fake activities it was given. */
  readonly engine: WorkflowEnginePort;
  dispose(): Promise<void>;
}

export type WorkflowEngineFactory = (activities: CreateShipmentActivities) => Promise<WorkflowEngineUnderTest>;

export type DescribeFn = (name: string, body: () => void) => void;

export interface WorkflowEngineContractOptions {
  /** `describe`, or the one `realServerOrSkip` returns. */
  describe?: DescribeFn;
  /** How long a run may take to finish once nothing blocks it. Default 20 s. */
  completionTimeoutMs?: number;
  /** How long to watch for an unwanted second run. Default 1.5 s. */
  quietPeriodMs?: number;
}

export type ActivityName = keyof CreateShipmentActivities;

/** One activity attempt, as the fake saw it. */
export interface ActivityCall {
  activity: ActivityName;
  args: unknown[];
  at: number;
  state: 'running' | 'succeeded' | 'failed';
}

interface Script {
  input: CreateShipmentInput;
  outcome: LabelOutcome;
  /** Attempts of `activity` that throw before one succeeds. */
  failures?: { activity: ActivityName; times: number };
  /** Activities whose every attempt fails for good (PermanentActivityError). */
  permanent?: ActivityName[];
  /** What voidLabel answers; default: voided, with `refundFor(input)`. */
  voided?: VoidOutcome;
  /** `activity` waits for `release` (after announcing it has been reached). */
  gate?: Gate;
}

export class Gate {
  readonly reached: Promise<void>;
  private readonly released: Promise<void>;
  private announce!: () => void;
  private open!: () => void;

  constructor(readonly activity: ActivityName) {
    this.reached = new Promise((resolve) => (this.announce = resolve));
    this.released = new Promise((resolve) => (this.open = resolve));
  }

  /** Called by the fake when the activity is reached; resolves once released. */
  pass(): Promise<void> {
    this.announce();
    return this.released;
  }

  release(): void {
    this.open();
  }
}

/**
 * Strict fake activities: each call is recorded per shipment; a shipment nobody scripted is an
 * unexpected call (recorded, and it throws). Deterministic answers: the label's tracking number
 * derives from the shipment id.
 */
export class FakeActivities implements CreateShipmentActivities {
  private readonly scripts = new Map<string, Script>();
  private readonly calls = new Map<string, ActivityCall[]>();
  readonly unexpected: string[] = [];

  script(script: Script): void {
    this.scripts.set(script.input.shipmentId, script);
  }

  callsOf(shipmentId: string): ActivityCall[] {
    return this.calls.get(shipmentId) ?? [];
  }

  /** The activities that succeeded, in order. */
  completedOf(shipmentId: string): ActivityName[] {
    return this.callsOf(shipmentId).filter((c) => c.state === 'succeeded').map((c) => c.activity);
  }

  callShippoApi(input: CreateShipmentInput): Promise<LabelOutcome> {
    return this.run('callShippoApi', input, [input], (script) => script.outcome);
  }

  saveShipmentToDb(input: CreateShipmentInput, label: PurchasedLabel): Promise<void> {
    return this.run('saveShipmentToDb', input, [input, label], () => undefined);
  }

  publishShipmentCreated(input: CreateShipmentInput, label: PurchasedLabel): Promise<void> {
    return this.run('publishShipmentCreated', input, [input, label], () => undefined);
  }

  queueWelcomeEmail(input: CreateShipmentInput, label: PurchasedLabel): Promise<void> {
    return this.run('queueWelcomeEmail', input, [input, label], () => undefined);
  }

  markShipmentFailed(input: CreateShipmentInput, reason: string, compensation?: LabelCompensation): Promise<void> {
    return this.run('markShipmentFailed', input, compensation ? [input, reason, compensation] : [input, reason], () => undefined);
  }

  voidLabel(input: CreateShipmentInput, label: PurchasedLabel): Promise<VoidOutcome> {
    return this.run('voidLabel', input, [input, label], (script) => script.voided ?? { kind: 'voided', refund: refundFor(input) });
  }

  private async run<T>(activity: ActivityName, input: CreateShipmentInput, args: unknown[], answer: (script: Script) => T): Promise<T> {
    const script = this.scripts.get(input?.shipmentId);
    if (!script) {
      this.unexpected.push(`${activity}(${JSON.stringify(input?.shipmentId)})`);
      throw new Error(`unexpected activity call: ${activity} for shipment ${String(input?.shipmentId)}`);
    }
    const calls = this.calls.get(script.input.shipmentId) ?? [];
    this.calls.set(script.input.shipmentId, calls);
    const call: ActivityCall = { activity, args, at: Date.now(), state: 'running' };
    calls.push(call);
    if (script.gate?.activity === activity) await script.gate.pass();
    if (script.permanent?.includes(activity)) {
      call.state = 'failed';
      throw new PermanentActivityError(`${activity} failed for good on purpose`);
    }
    const failures = script.failures;
    if (failures?.activity === activity && calls.filter((c) => c.activity === activity).length <= failures.times) {
      call.state = 'failed';
      throw new Error(`${activity} attempt failed on purpose`);
    }
    call.state = 'succeeded';
    return answer(script);
  }
}

export const labelFor = (input: CreateShipmentInput): PurchasedLabel => ({
  carrier: 'USPS',
  trackingNumber: `TRK-${input.shipmentId.slice(0, 8)}`,
  labelUrl: `https://labels.example.com/${input.shipmentId}.pdf`,
  carrierTransactionId: `tx-${input.shipmentId}`,
  serviceLevel: 'usps_priority',
});

export const refundFor = (input: CreateShipmentInput): LabelRefund => ({
  refundId: `refund-${input.shipmentId}`,
  labelId: labelFor(input).carrierTransactionId,
  status: 'SUCCESS',
});

export function shipmentRequest(overrides: Partial<CreateShipmentInput> = {}): CreateShipmentInput {
  return {
    shipmentId: randomUUID(),
    tenantId: '11111111-1111-4111-8111-111111111111',
    idempotencyKey: `key-${randomUUID()}`,
    requestHash: 'f'.repeat(64),
    fromAddress: { name: 'Shawn Ippotle', street1: '215 Clayton St.', city: 'San Francisco', state: 'CA', zip: '94117', country: 'US' },
    toAddress: { name: 'Mr Hippo 📦', street1: '1092 Indian Summer Ct', city: 'San Jose', state: 'CA', zip: '95122', country: 'US', email: 'hippo@example.com' },
    parcel: { length: 10, width: 15, height: 10, distanceUnit: 'in', weight: 1.5, massUnit: 'lb' },
    customerEmail: 'hippo@example.com',
    requestedAt: '2026-11-24T10:00:00.000Z',
    ...overrides,
  };
}

const HAPPY_PATH: ActivityName[] = ['callShippoApi', 'saveShipmentToDb', 'publishShipmentCreated', 'queueWelcomeEmail'];

export function describeWorkflowEngineContract(
  adapterName: string,
  factory: WorkflowEngineFactory,
  options: WorkflowEngineContractOptions = {},
): void {
  const describeFn = options.describe ?? describe;
  const completionTimeoutMs = options.completionTimeoutMs ?? 20_000;
  const quietMs = options.quietPeriodMs ?? 1_500;

  describeFn(`workflow engine port contract: ${adapterName}`, () => {
    const activities = new FakeActivities();
    const gates: Gate[] = [];
    let underTest: WorkflowEngineUnderTest | undefined;
    const engine = () => underTest!.engine;
    const workflowId = () => `contract-create-shipment-${randomUUID()}`;

    const newGate = (activity: ActivityName) => {
      const gate = new Gate(activity);
      gates.push(gate);
      return gate;
    };
    const finished = (id: string): Promise<CreateShipmentRun> =>
      eventually(
        `workflow ${id} to finish`,
        async () => {
          const run = await engine().describeCreateShipment(id);
          return run && run.status !== 'RUNNING' ? run : undefined;
        },
        { timeoutMs: completionTimeoutMs, intervalMs: 100 },
      );
    const quietPeriod = () => new Promise((resolve) => setTimeout(resolve, quietMs));

    beforeAll(async () => {
      underTest = await factory(activities);
    });

    afterEach(() => {
      expect(activities.unexpected).toEqual([]);
    });

    afterAll(async () => {
      for (const gate of gates) gate.release(); // a failed test must not leave a run blocked
      await underTest?.dispose();
    });

    it('runs the activities in order, once each, and completes with LABEL_CREATED', async () => {
      const input = shipmentRequest();
      const label = labelFor(input);
      activities.script({ input, outcome: { kind: 'purchased', label } });
      const id = workflowId();

      await engine().startCreateShipment(id, input);
      const run = await finished(id);

      expect(run).toEqual({ workflowId: id, status: 'COMPLETED', input, result: { status: 'LABEL_CREATED', trackingNumber: label.trackingNumber } });
      expect(activities.completedOf(input.shipmentId)).toEqual(HAPPY_PATH);
      expect(activities.callsOf(input.shipmentId).map((c) => c.args)).toEqual([[input], [input, label], [input, label], [input, label]]);
    });

    it('runs a workflow id once: a second start, while it runs or after it finished, starts nothing', async () => {
      const input = shipmentRequest();
      const gate = newGate('callShippoApi');
      activities.script({ input, outcome: { kind: 'purchased', label: labelFor(input) }, gate });
      const id = workflowId();
      const other = { ...input, customerEmail: 'someone-else@example.com' };

      // The start says whether it started a run: the caller reads nothing first.
      await expect(engine().startCreateShipment(id, input)).resolves.toBe(true);
      await gate.reached;
      await expect(Promise.all([engine().startCreateShipment(id, input), engine().startCreateShipment(id, other)])).resolves.toEqual([false, false]);
      gate.release();
      const run = await finished(id);
      await expect(engine().startCreateShipment(id, other)).resolves.toBe(false);
      await quietPeriod();

      expect(run.status).toBe('COMPLETED');
      expect(activities.completedOf(input.shipmentId)).toEqual(HAPPY_PATH);
      const again = await engine().describeCreateShipment(id);
      expect(again).toEqual(run);
      expect(again!.input).toEqual(input);
    });

    it('describes a run as RUNNING with its input while an activity is blocked, then COMPLETED with its result', async () => {
      const input = shipmentRequest();
      const label = labelFor(input);
      const gate = newGate('publishShipmentCreated');
      activities.script({ input, outcome: { kind: 'purchased', label }, gate });
      const id = workflowId();

      await engine().startCreateShipment(id, input);
      await gate.reached;
      const running = await engine().describeCreateShipment(id);
      expect(running).toEqual({ workflowId: id, status: 'RUNNING', input });
      expect(running?.result).toBeUndefined();
      expect(activities.completedOf(input.shipmentId)).toEqual(['callShippoApi', 'saveShipmentToDb']);

      gate.release();
      await expect(finished(id)).resolves.toEqual({
        workflowId: id,
        status: 'COMPLETED',
        input,
        result: { status: 'LABEL_CREATED', trackingNumber: label.trackingNumber },
      });
    });

    it('describes an unknown workflow id as null', async () => {
      await expect(engine().describeCreateShipment(workflowId())).resolves.toBeNull();
    });

    it("records a carrier's refusal: markShipmentFailed runs and the result is FAILED with the reason", async () => {
      const input = shipmentRequest();
      const reason = 'to_address: zip code 00000 is not valid';
      activities.script({ input, outcome: { kind: 'rejected', reason } });
      const id = workflowId();

      await engine().startCreateShipment(id, input);
      const run = await finished(id);

      expect(run).toEqual({ workflowId: id, status: 'COMPLETED', input, result: { status: 'FAILED', reason } });
      expect(activities.completedOf(input.shipmentId)).toEqual(['callShippoApi', 'markShipmentFailed']);
      expect(activities.callsOf(input.shipmentId)[1]!.args).toEqual([input, reason]);
    });

    it('retries a failing activity with the shared policy (after 1 s, then 2 s) until it succeeds', async () => {
      const input = shipmentRequest();
      const label = labelFor(input);
      activities.script({ input, outcome: { kind: 'purchased', label }, failures: { activity: 'saveShipmentToDb', times: 2 } });
      const id = workflowId();

      await engine().startCreateShipment(id, input);
      const run = await finished(id);

      expect(run.result).toEqual({ status: 'LABEL_CREATED', trackingNumber: label.trackingNumber });
      const calls = activities.callsOf(input.shipmentId);
      expect(calls.map((c) => `${c.activity}${c.state === 'failed' ? ' (failed)' : ''}`)).toEqual([
        'callShippoApi',
        'saveShipmentToDb (failed)',
        'saveShipmentToDb (failed)',
        'saveShipmentToDb',
        'publishShipmentCreated',
        'queueWelcomeEmail',
      ]);
      const [first, second, third] = calls.filter((c) => c.activity === 'saveShipmentToDb');
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
      expect(third!.at - second!.at).toBeGreaterThanOrEqual(1_800);
    });

    const attempts = (shipmentId: string) => activities.callsOf(shipmentId).map((c) => `${c.activity}${c.state === 'failed' ? ' (failed)' : ''}`);

    it('compensates a save that fails for good after the label: not retried, the label voided, FAILED with the reason and the refund', async () => {
      const input = shipmentRequest();
      const label = labelFor(input);
      activities.script({ input, outcome: { kind: 'purchased', label }, permanent: ['saveShipmentToDb'] });
      const id = workflowId();

      await engine().startCreateShipment(id, input);
      const run = await finished(id);
      await quietPeriod(); // no late retry of the save

      const refund = refundFor(input);
      const reason = `saveShipmentToDb failed for good on purpose; label ${label.carrierTransactionId} voided (refund ${refund.refundId})`;
      expect(run).toEqual({ workflowId: id, status: 'COMPLETED', input, result: { status: 'FAILED', reason, labelRefund: refund } });
      expect(attempts(input.shipmentId)).toEqual(['callShippoApi', 'saveShipmentToDb (failed)', 'voidLabel', 'markShipmentFailed']);
      const calls = activities.callsOf(input.shipmentId);
      expect(calls[2]!.args).toEqual([input, label]);
      expect(calls[3]!.args).toEqual([input, reason, { labelId: label.carrierTransactionId, refund }]);
    });

    it('records FAILED without a refund when the carrier refuses to void the label, and keeps the result when even that record fails for good', async () => {
      const refused = shipmentRequest();
      const label = labelFor(refused);
      activities.script({ input: refused, outcome: { kind: 'purchased', label }, permanent: ['publishShipmentCreated'], voided: { kind: 'refused', reason: 'label already scanned' } });
      const unrecorded = shipmentRequest();
      activities.script({ input: unrecorded, outcome: { kind: 'purchased', label: labelFor(unrecorded) }, permanent: ['saveShipmentToDb', 'markShipmentFailed'] });
      const [refusedId, unrecordedId] = [workflowId(), workflowId()];

      await engine().startCreateShipment(refusedId, refused);
      await engine().startCreateShipment(unrecordedId, unrecorded);
      const [refusedRun, unrecordedRun] = await Promise.all([finished(refusedId), finished(unrecordedId)]);

      const reason = `publishShipmentCreated failed for good on purpose; label ${label.carrierTransactionId} could not be voided: label already scanned`;
      expect(refusedRun.result).toEqual({ status: 'FAILED', reason });
      expect(attempts(refused.shipmentId)).toEqual(['callShippoApi', 'saveShipmentToDb', 'publishShipmentCreated (failed)', 'voidLabel', 'markShipmentFailed']);
      expect(activities.callsOf(refused.shipmentId)[4]!.args).toEqual([refused, reason, { labelId: label.carrierTransactionId, refund: null }]);

      // The run's result is then the only record of the voided label: reads show it from there.
      expect(unrecordedRun).toMatchObject({ status: 'COMPLETED', result: { status: 'FAILED', labelRefund: refundFor(unrecorded) } });
      expect(attempts(unrecorded.shipmentId)).toEqual(['callShippoApi', 'saveShipmentToDb (failed)', 'voidLabel', 'markShipmentFailed (failed)']);
    });
  });
}
