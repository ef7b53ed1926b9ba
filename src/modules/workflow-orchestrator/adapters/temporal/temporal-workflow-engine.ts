import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Context } from '@temporalio/activity';
import { Client, WorkflowNotFoundError, type WorkflowExecutionStatusName } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { DefaultLogger, NativeConnection, Runtime, type Worker, type LogEntry } from '@temporalio/worker';
import {
  CREATE_SHIPMENT_WORKFLOW,
  type CreateShipmentActivities,
  type CreateShipmentInput,
  type CreateShipmentResult,
} from '../../contracts/create-shipment.contracts';
import type { CreateShipmentRun, WorkflowRunStatus } from '../../../shipments';
import type { WorkflowEnginePort } from '../../ports/workflow-engine.port';
import { activityFailureMessage, isPermanentActivityError, shipmentIdOf } from '../../activities/activity-failures';
import { describeError } from '../../../../platform/errors/describe-error';
import { sandboxWorker } from './sandbox-worker';
import { tracingClientInterceptors, tracingWorkerOptions } from './temporal-tracing';

export const DEFAULT_TEMPORAL_TASK_QUEUE = 'logisynapse-shipments';

/**
 * `dist/workflow-bundle.js` (what `scripts/build-workflow-bundle.ts` writes) when this file runs
 * from `dist/` and the bundle is there; otherwise undefined (the worker bundles at launch).
 */
export function prebuiltWorkflowBundlePath(): string | undefined {
  // dist/src/modules/workflow-orchestrator/adapters/temporal -> dist/
  const path = resolve(__dirname, '..', '..', '..', '..', '..', 'workflow-bundle.js');
  return existsSync(path) ? path : undefined;
}

/** What the engine logs through; Nest's `Logger` fits. `debug` is optional (Temporal's INFO logs go there). */
export interface TemporalEngineLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

export interface TemporalEngineOptions {
  /** `host:port` of the Temporal frontend (`TEMPORAL_ADDRESS`). */
  address: string;
  /** `TEMPORAL_NAMESPACE`, usually `default`. */
  namespace: string;
  /** Task queue of the workflow and its activities. Default `logisynapse-shipments`. */
  taskQueue?: string;
  /**
   * A workflow bundle built ahead of time (`scripts/build-workflow-bundle.ts`, e.g.
   * `dist/workflow-bundle.js`): production starts without webpack. When absent, the worker
   * bundles `workflowsPath` at launch (a few seconds).
   */
  workflowBundlePath?: string;
  /** The workflow entry to bundle at launch. Default: `./workflows` next to this file. */
  workflowsPath?: string;
  /**
   * Run a worker for the task queue (default true). `false` makes a client only: it starts and
   * describes workflows that the workers of other processes run.
   */
  runWorker?: boolean;
  logger?: TemporalEngineLogger;
  /**
   * `host:port` where the SDK's native core serves its own metrics for Prometheus (its Runtime's
   * Prometheus option; TEMPORAL_METRICS_PORT). Process-wide: the first engine's Runtime wins.
   */
  metricsBindAddress?: string;
  /**
   * The longest one call into the workflow sandbox may run (TEMPORAL_WORKFLOW_ISOLATE_TIMEOUT_MS);
   * null or absent: no limit, which spares a thread start per call (sandbox-worker.ts, ADR 0038).
   */
  isolateTimeoutMs?: number | null;
}

/**
 * Runs `CreateShipmentWorkflow` on Temporal: a client that starts and describes runs, and a
 * worker (in this process, in the background) that runs the workflow bundle and the activities.
 *
 * A workflow id runs once: a start under an id that has a running or closed run (within the
 * namespace's retention) starts nothing. `describeCreateShipment` reads the run's input from its
 * first history event (`WorkflowExecutionStarted`), so it works with no worker running, for runs
 * started by any client, and the input is stored once, in the history only.
 */
export class TemporalWorkflowEngine implements WorkflowEnginePort {
  readonly adapterName: string;
  private readonly taskQueue: string;
  private readonly logger: TemporalEngineLogger | undefined;
  private connection: NativeConnection | null = null;
  private client: Client | null = null;
  private worker: Worker | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: TemporalEngineOptions,
    /** The activities a worker runs; null for a client only (`runWorker: false`). */
    private readonly activities: CreateShipmentActivities | null,
  ) {
    if (activities === null && options.runWorker !== false) throw new Error('a Temporal worker needs its activities; pass runWorker: false for a client only');
    this.taskQueue = options.taskQueue ?? DEFAULT_TEMPORAL_TASK_QUEUE;
    this.logger = options.logger;
    this.adapterName = `Temporal (${options.address}, namespace ${options.namespace}, task queue ${this.taskQueue})`;
  }

  /**
   * Settles when the worker stops: resolves after a graceful `stop()`, rejects with the
   * worker's error when it crashes (also logged). Resolved before `launch()` and without a worker.
   */
  get whenStopped(): Promise<void> {
    return this.running;
  }

  async launch(): Promise<void> {
    if (this.client) throw new Error('Temporal workflow engine is already launched');
    installRuntime(this.logger, this.options.metricsBindAddress);
    const { address, namespace } = this.options;
    try {
      // One connection, the native one, for the client and the worker: the client's calls go
      // through the SDK's Rust core instead of grpc-js on the event loop (ADR 0019).
      this.connection = await NativeConnection.connect({ address });
      this.client = new Client({ connection: this.connection, namespace, interceptors: tracingClientInterceptors() });
      if (this.options.runWorker === false) return;

      const isolateTimeoutMs = this.options.isolateTimeoutMs ?? null;
      this.worker = await sandboxWorker(isolateTimeoutMs).create({
        connection: this.connection,
        ...(isolateTimeoutMs === null ? {} : { isolateExecutionTimeout: isolateTimeoutMs }),
        namespace,
        taskQueue: this.taskQueue,
        ...(this.options.workflowBundlePath
          ? { workflowBundle: { codePath: this.options.workflowBundlePath } }
          : { workflowsPath: this.options.workflowsPath ?? require.resolve('./workflows') }),
        activities: this.activityFunctions(),
        // Spans of the run, its activities and timers, under the span that started it (a prebuilt
        // bundle has the sandbox's interceptor module in it already).
        ...tracingWorkerOptions(),
        // A run usually completes in its first workflow task (its activities are local), and a
        // run's first task always comes from the task queue itself; only later ones (a retry
        // waiting on a timer, runs started before ADR 0019) come from this worker's sticky queue.
        // So the task queue gets nearly all the polls; the default gives it 2 of 10.
        nonStickyToStickyPollRatio: 1,
      });
    } catch (error) {
      await this.closeConnections();
      throw error;
    }
    const worker = this.worker;
    this.running = worker.run().then(
      () => this.logger?.log(`Temporal worker on task queue ${this.taskQueue} stopped`),
      (error: unknown) => {
        this.logger?.error(`Temporal worker on task queue ${this.taskQueue} crashed: ${describeError(error, { stack: true })}`);
        throw error;
      },
    );
    // Handled here so a crash nobody awaits is not an unhandled rejection; `whenStopped` still rejects.
    this.running.catch(() => undefined);
    this.logger?.log(`Temporal worker polling task queue ${this.taskQueue} (${address}, namespace ${namespace})`);
  }

  /** Graceful stop: the worker finishes its in-flight tasks, then the connections close. */
  async stop(): Promise<void> {
    const worker = this.worker;
    try {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await this.running.catch(() => undefined); // a crash was already logged and surfaced by whenStopped
    } finally {
      this.worker = null;
      await this.closeConnections();
    }
  }

  async startCreateShipment(workflowId: string, input: CreateShipmentInput): Promise<boolean> {
    try {
      await this.requireClient().workflow.start(CREATE_SHIPMENT_WORKFLOW, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [input],
        // Closed run with this id (completed, failed, ...): start nothing.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // Running run with this id: start nothing; the error below says a run existed.
        workflowIdConflictPolicy: 'FAIL',
      });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false; // that id has run: nothing to do
      throw error;
    }
  }

  async describeCreateShipment(workflowId: string): Promise<CreateShipmentRun | null> {
    const client = this.requireClient();
    let description;
    try {
      description = await client.workflow.getHandle(workflowId).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
    if (description.type !== CREATE_SHIPMENT_WORKFLOW) return null;
    const { runId } = description;
    const input = await this.startInput(workflowId, runId);
    if (!input) return null;
    const status = runStatus(description.status.name);
    const run: CreateShipmentRun = { workflowId, status, input };
    if (status === 'COMPLETED') {
      run.result = await client.workflow.getHandle<(input: CreateShipmentInput) => Promise<CreateShipmentResult>>(workflowId, runId).result();
    }
    return run;
  }

  /** The run's input, from its first history event (one event fetched). */
  private async startInput(workflowId: string, runId: string): Promise<CreateShipmentInput | undefined> {
    const client = this.requireClient();
    const { history } = await client.workflowService.getWorkflowExecutionHistory({
      namespace: this.options.namespace,
      execution: { workflowId, runId },
      maximumPageSize: 1,
    });
    const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    if (!payloads?.length) return undefined;
    return decodeFromPayloadsAtIndex<CreateShipmentInput>(client.options.loadedDataConverter, 0, payloads);
  }

  private requireClient(): Client {
    if (!this.client) throw new Error('Temporal workflow engine is not launched');
    return this.client;
  }

  /**
   * A plain object of the activities (the worker registers own enumerable functions). Each failed
   * attempt is logged with its shipment and attempt; a permanent failure leaves as a
   * non-retryable ApplicationFailure of that type, so the server does not retry it and the
   * workflow can tell it from the rest.
   */
  private activityFunctions(): CreateShipmentActivities {
    const a = this.activities!;
    const logged =
      <A extends unknown[], R>(activity: string, fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        try {
          return await fn(...args);
        } catch (error) {
          const permanent = isPermanentActivityError(error);
          const { attempt } = Context.current().info;
          this.logger?.warn(activityFailureMessage({ activity, shipmentId: shipmentIdOf(args), attempt, error, willRetry: !permanent }));
          if (!permanent) throw error;
          throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
        }
      };
    return {
      callShippoApi: logged('callShippoApi', (input) => a.callShippoApi(input)),
      saveShipmentToDb: logged('saveShipmentToDb', (input, label) => a.saveShipmentToDb(input, label)),
      publishShipmentCreated: logged('publishShipmentCreated', (input, label) => a.publishShipmentCreated(input, label)),
      queueWelcomeEmail: logged('queueWelcomeEmail', (input, label) => a.queueWelcomeEmail(input, label)),
      markShipmentFailed: logged('markShipmentFailed', (input, reason, compensation) => a.markShipmentFailed(input, reason, compensation)),
      voidLabel: logged('voidLabel', (input, label) => a.voidLabel(input, label)),
    };
  }

  private async closeConnections(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.client = null;
    await connection?.close();
  }
}

/** Temporal's execution status in the port's three words. */
export function runStatus(status: WorkflowExecutionStatusName): WorkflowRunStatus {
  switch (status) {
    case 'COMPLETED':
      return 'COMPLETED';
    case 'FAILED':
    case 'CANCELLED':
    case 'TERMINATED':
    case 'TIMED_OUT':
      return 'FAILED';
    case 'RUNNING':
    case 'PAUSED':
    case 'CONTINUED_AS_NEW':
    case 'UNSPECIFIED':
    case 'UNKNOWN':
      return 'RUNNING';
  }
}

/**
 * Installs Temporal's process-wide Runtime once, before the first connection: no shutdown signal
 * handlers (the application owns SIGTERM and calls `stop()`; Temporal's default handlers
 * would stop the worker behind Nest's back), and Temporal's logs (SDK and native core) forwarded
 * to our logger: ERROR and WARN as such, INFO to `debug` when the logger has it.
 * Left alone when something else installed or used the Runtime already.
 */
function installRuntime(logger: TemporalEngineLogger | undefined, metricsBindAddress: string | undefined): void {
  if (Runtime.instantiator !== undefined) return;
  // Durations in seconds, as Prometheus and our own metrics have them.
  const metrics = metricsBindAddress ? { metrics: { prometheus: { bindAddress: metricsBindAddress, useSecondsForDurations: true } } } : {};
  if (!logger) {
    Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN'), telemetryOptions: { ...metrics } });
    return;
  }
  const forward = ({ level, message, meta }: LogEntry) => {
    const line = `${message}${formatMeta(meta)}`;
    if (level === 'ERROR') logger.error(line);
    else if (level === 'WARN') logger.warn(line);
    else logger.debug?.(line);
  };
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger(logger.debug ? 'INFO' : 'WARN', forward),
    // The native core's own logs (WARN and up) go to the same logger instead of straight to stderr.
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} }, ...metrics },
  });
}

function formatMeta(meta: LogEntry['meta']): string {
  if (!meta) return '';
  const parts = Object.entries(meta).flatMap(([key, value]) => {
    if (value instanceof Error) return [`${key}=${value.message}`];
    if (['string', 'number', 'boolean'].includes(typeof value)) return [`${key}=${String(value)}`];
    return [];
  });
  return parts.length ? ` (${parts.join(', ')})` : '';
}
