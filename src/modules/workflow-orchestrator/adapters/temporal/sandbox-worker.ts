import { Worker } from '@temporalio/worker';

/**
 * Temporal's Worker, calling into its workflow sandbox without a per-call time limit.
 *
 * The SDK passes its `isolateExecutionTimeout` (default 5 s) as the `timeout` of every
 * `vm.Script.runInContext` call into the sandbox, about 18 per shipment workflow. Node enforces
 * such a timeout by starting and joining a thread per call: measured here, 145 µs of CPU per call
 * against 2 µs without, and the single workflow thread waits for each (ADR 0038). Without the
 * limit a workflow stuck in a loop holds the workflow thread until the process is restarted; the
 * workflow code is ours, replay-tested, and runs no tenant code, so that guard is off by default
 * and `TEMPORAL_WORKFLOW_ISOLATE_TIMEOUT_MS` turns it back on.
 */
class UnlimitedSandboxWorker extends Worker {
  protected static override createWorkflowCreator(...args: Parameters<(typeof Worker)['createWorkflowCreator']>): ReturnType<(typeof Worker)['createWorkflowCreator']> {
    const [bundle, options, logger] = args;
    // `undefined` is what makes Node skip the watchdog; any number starts one.
    return super.createWorkflowCreator(bundle, { ...options, isolateExecutionTimeoutMs: undefined as unknown as number }, logger);
  }
}

/** The Worker class to create workers with: Temporal's own when a sandbox time limit is set, else one without it. */
export function sandboxWorker(isolateTimeoutMs: number | null): typeof Worker {
  return isolateTimeoutMs === null ? UnlimitedSandboxWorker : Worker;
}
