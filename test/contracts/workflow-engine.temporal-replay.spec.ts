import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { HISTORY_FILES, historyFromJson } from '../fixtures/temporal/history-json';

// Replays histories of real CreateShipmentWorkflow runs (recorded from a Temporal server by
// test/fixtures/temporal/record-histories.ts) against today's workflow code. No server needed:
// it always runs. A failure means a change to the workflow would break runs already in flight.

const FIXTURES = join(__dirname, '..', 'fixtures', 'temporal');
const WORKFLOWS = require.resolve('../../src/modules/workflow-orchestrator/adapters/temporal/workflows');
const REORDERED = require.resolve('../fixtures/temporal/reordered-workflows');

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

async function replayAll(options: Parameters<typeof Worker.runReplayHistories>[0]): Promise<Record<string, ReplayResult['error']>> {
  const errors: Record<string, ReplayResult['error']> = {};
  for await (const result of Worker.runReplayHistories(options, histories)) errors[result.workflowId] = result.error;
  return errors;
}

describe('CreateShipmentWorkflow replays its recorded Temporal histories', () => {
  it('has the recorded histories: a label created after a retried activity, and a carrier refusal', () => {
    expect(histories.map((h) => h.workflowId)).toEqual(['labelCreated', 'rejected']);
    for (const { history } of histories) {
      expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('CreateShipmentWorkflow');
      expect(history.events?.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
    }
  });

  it('replays them with the workflow code bundled from source', async () => {
    await expect(replayAll({ workflowsPath: WORKFLOWS })).resolves.toEqual({
      labelCreated: undefined,
      rejected: undefined,
    });
  });

  it('replays them with the prebuilt bundle of scripts/build-workflow-bundle.ts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'logisynapse-workflow-bundle-'));
    try {
      const codePath = join(dir, 'workflow-bundle.js');
      await buildWorkflowBundle({ workflowsPath: WORKFLOWS, outFile: codePath });
      await expect(replayAll({ workflowBundle: { codePath } })).resolves.toEqual({ labelCreated: undefined, rejected: undefined });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails on a non-deterministic change (negative control: two activity calls swapped)', async () => {
    const errors = await replayAll({ workflowsPath: REORDERED });
    expect(errors.labelCreated).toBeInstanceOf(DeterminismViolationError);
    expect(errors.rejected).toBeUndefined(); // that branch did not change
  });
});
