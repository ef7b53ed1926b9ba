import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { sandboxWorker } from '../../src/modules/workflow-orchestrator/adapters/temporal/sandbox-worker';
import { tracingSinks, WORKFLOW_INTERCEPTOR_MODULES } from '../../src/modules/workflow-orchestrator/adapters/temporal/temporal-tracing';
import { HISTORY_FILES, historyFromJson } from '../fixtures/temporal/history-json';

// Replays histories of real CreateShipmentWorkflow runs (recorded from a Temporal server by
// test/fixtures/temporal/record-histories.ts) against today's workflow code. No server needed:
// it always runs. A failure means a change to the workflow would break runs already in flight.
// Every replay runs with the OpenTelemetry interceptors in the sandbox and their sink, as the
// worker runs: tracing must not change what a workflow does. They replay on the worker class the
// app runs (sandboxWorker: no per-call time limit, ADR 0038).

const FIXTURES = join(__dirname, '..', 'fixtures', 'temporal');
const WORKFLOWS = require.resolve('../../src/modules/workflow-orchestrator/adapters/temporal/workflows');
const REORDERED = require.resolve('../fixtures/temporal/reordered-workflows');
const UNPATCHED = require.resolve('../fixtures/temporal/unpatched-workflows');
const UNCOMPENSATED = require.resolve('../fixtures/temporal/uncompensated-workflows');
const ALL_REPLAY = { labelCreated: undefined, rejected: undefined, labelCreatedLocal: undefined, rejectedLocal: undefined, compensatedLocal: undefined };

type HistoryEvent = NonNullable<(typeof histories)[number]['history']['events']>[number];
const eventsOf = (name: string): HistoryEvent[] => histories.find((h) => h.workflowId === name)?.history.events ?? [];
const scheduledActivities = (name: string) => eventsOf(name).filter((e) => e.activityTaskScheduledEventAttributes).length;
const markers = (name: string) => eventsOf(name).flatMap((e) => (e.markerRecordedEventAttributes?.markerName ? [e.markerRecordedEventAttributes.markerName] : []));
/** Each local activity's type and attempt, from its marker's `data` detail (JSON). */
const localActivityAttempts = (name: string) =>
  eventsOf(name).flatMap((e) => {
    const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
    if (e.markerRecordedEventAttributes?.markerName !== 'core_local_activity' || !data) return [];
    const { activity_type: type, attempt } = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string; attempt: number };
    return [`${type}#${attempt}`];
  });

const histories = Object.entries(HISTORY_FILES).map(([name, file]) => ({
  workflowId: name,
  history: historyFromJson(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'))),
}));

// Webpack's report (INFO) and the native core's warning about the negative control's expected
// nondeterminism stay out of the test output; the replay results say everything.
if (Runtime.instantiator === undefined) {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
}

async function replayAll(options: Parameters<typeof Worker.runReplayHistories>[0], worker: typeof Worker = sandboxWorker(null)): Promise<Record<string, ReplayResult['error']>> {
  const errors: Record<string, ReplayResult['error']> = {};
  const traced = { ...options, sinks: tracingSinks(), ...('workflowBundle' in options ? {} : { interceptors: { workflowModules: WORKFLOW_INTERCEPTOR_MODULES } }) };
  for await (const result of worker.runReplayHistories(traced, histories)) errors[result.workflowId] = result.error;
  return errors;
}

/** How many calls into a vm context `work` made, and how many of them with a `timeout` (each one a watchdog thread in Node). */
async function vmCallsDuring(work: () => Promise<unknown>): Promise<{ calls: number; timed: number }> {
  const counts = { calls: 0, timed: 0 };
  const original = vm.Script.prototype.runInContext;
  vm.Script.prototype.runInContext = function (this: vm.Script, context: vm.Context, options?: vm.RunningScriptOptions) {
    counts.calls += 1;
    if (options?.timeout !== undefined) counts.timed += 1;
    return original.call(this, context, options);
  };
  try {
    await work();
  } finally {
    vm.Script.prototype.runInContext = original;
  }
  return counts;
}

describe('CreateShipmentWorkflow replays its recorded Temporal histories', () => {
  it('has the recorded histories: a label created after a retried activity, and a carrier refusal, from before and after the local-activities patch; a compensated save', () => {
    expect(histories.map((h) => h.workflowId)).toEqual(['labelCreated', 'rejected', 'labelCreatedLocal', 'rejectedLocal', 'compensatedLocal']);
    for (const { history } of histories) {
      expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('CreateShipmentWorkflow');
      expect(history.events?.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
    }
    // Before the patch: four activities scheduled on the task queue, no markers.
    expect(scheduledActivities('labelCreated')).toBe(4); // the server retried the publish under the same event
    expect(markers('labelCreated')).toEqual([]);
    // After it: the patch marker, then one local-activity marker per activity, nothing scheduled.
    expect(scheduledActivities('labelCreatedLocal')).toBe(0);
    expect(markers('labelCreatedLocal')).toEqual(['core_patch', 'core_local_activity', 'core_local_activity', 'core_local_activity', 'core_local_activity']);
    expect(markers('rejectedLocal')).toEqual(['core_patch', 'core_local_activity', 'core_local_activity']);
    // The publish failed once on purpose: the worker retried it, and its marker says so.
    expect(localActivityAttempts('labelCreatedLocal')).toEqual(['callShippoApi#1', 'saveShipmentToDb#1', 'publishShipmentCreated#2', 'queueWelcomeEmail#1']);
    // Compensation: the save failed for good on its first attempt (not retried), then the second
    // patch marker (recorded where the failure was handled), the void and the FAILED record.
    expect(markers('compensatedLocal')).toEqual(['core_patch', 'core_local_activity', 'core_local_activity', 'core_patch', 'core_local_activity', 'core_local_activity']);
    expect(localActivityAttempts('compensatedLocal')).toEqual(['callShippoApi#1', 'saveShipmentToDb#1', 'voidLabel#1', 'markShipmentFailed#1']);
  });

  it('replays them with the workflow code bundled from source', async () => {
    await expect(replayAll({ workflowsPath: WORKFLOWS })).resolves.toEqual(ALL_REPLAY);
  });

  it('replays them with the prebuilt bundle of scripts/build-workflow-bundle.ts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'logisynapse-workflow-bundle-'));
    try {
      const codePath = join(dir, 'workflow-bundle.js');
      await buildWorkflowBundle({ workflowsPath: WORKFLOWS, outFile: codePath });
      // the sandbox's tracing interceptors are in it
      expect(await readFile(codePath, 'utf8')).toContain('OpenTelemetryInboundInterceptor');
      await expect(replayAll({ workflowBundle: { codePath } })).resolves.toEqual(ALL_REPLAY);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('calls into the sandbox without a time limit, where Temporal\'s own worker sets one on every call (control)', async () => {
    // Replay runs the sandbox on this thread (debug mode), so its calls can be counted here.
    const ours = await vmCallsDuring(() => expect(replayAll({ workflowsPath: WORKFLOWS })).resolves.toEqual(ALL_REPLAY));
    expect(ours.calls).toBeGreaterThan(5 * histories.length);
    expect(ours.timed).toBe(0);
    const temporals = await vmCallsDuring(() => expect(replayAll({ workflowsPath: WORKFLOWS }, Worker)).resolves.toEqual(ALL_REPLAY));
    expect(temporals.timed).toBeGreaterThan(5 * histories.length);
    expect(sandboxWorker(5000)).toBe(Worker);
  });

  it('fails on a non-deterministic change (negative control: two activity calls swapped)', async () => {
    const errors = await replayAll({ workflowsPath: REORDERED });
    expect(errors.labelCreated).toBeInstanceOf(DeterminismViolationError);
    expect(errors.labelCreatedLocal).toBeInstanceOf(DeterminismViolationError);
    expect(errors.rejected).toBeUndefined(); // that branch did not change
    expect(errors.rejectedLocal).toBeUndefined();
  });

  it('fails on the code from before compensation when a run was compensated (negative control), and that code still replays the rest', async () => {
    const errors = await replayAll({ workflowsPath: UNCOMPENSATED });
    expect(errors.compensatedLocal).toBeInstanceOf(DeterminismViolationError);
    expect({ ...errors, compensatedLocal: undefined }).toEqual(ALL_REPLAY);
  });

  it('needs the patch check: local activities for every run break the runs started before it (negative control)', async () => {
    const errors = await replayAll({ workflowsPath: UNPATCHED });
    expect(errors.labelCreated).toBeInstanceOf(DeterminismViolationError);
    expect(errors.rejected).toBeInstanceOf(DeterminismViolationError);
  });
});
