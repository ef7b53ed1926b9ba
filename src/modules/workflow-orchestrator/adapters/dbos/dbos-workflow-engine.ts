import { DBOS, Error as DBOSErrors, type DBOSSerializer } from '@dbos-inc/dbos-sdk';
import type { Pool } from 'pg';
import {
  ACTIVITY_RETRY_POLICY,
  CREATE_SHIPMENT_WORKFLOW,
  type CreateShipmentActivities,
  type CreateShipmentInput,
  type CreateShipmentResult,
} from '../../contracts/create-shipment.contracts';
import type { CreateShipmentRun, WorkflowRunStatus } from '../../../shipments';
import type { WorkflowEnginePort } from '../../ports/workflow-engine.port';
import { createShipmentWorkflow } from '../../workflows/create-shipment.workflow';
import { isPermanentActivityError, shipmentIdOf, type ActivityFailure } from '../../activities/activity-failures';
import { memoizeRequires } from '../../../../platform/telemetry/memoized-requires';
import { untracedPool } from '../../../../platform/telemetry/untraced-pool';

/**
 * DBOS's span module, which requires the OpenTelemetry API and core again in every span start and
 * end (and every step's context switch): memoized once tracing is on (ADR 0045). A DBOS without
 * that module is left as it is (its spec fails then, so the upgrade is noticed).
 */
export function memoizeDbosTracingRequires(): boolean {
  let traces: string;
  try {
    traces = require.resolve('@dbos-inc/dbos-sdk/internal/telemetry/traces');
  } catch {
    return false;
  }
  return memoizeRequires(traces, ['@opentelemetry/api', '@opentelemetry/core']);
}

export interface DbosEngineOptions {
  systemDatabaseUrl: string;
  useListenNotify: boolean;
  /** Make DBOS's workflow and step spans (default off: only when the process exports spans). */
  tracing?: boolean;
  /** Told of every failed activity attempt, retried or not. */
  onActivityFailure?: (failure: ActivityFailure) => void;
}

/** Delay before retry number `attempt` (1-based), as Temporal computes it. */
export function retryDelayMs(attempt: number, policy = ACTIVITY_RETRY_POLICY): number {
  const delay = policy.initialIntervalMs * policy.backoffCoefficient ** (attempt - 1);
  return Math.min(delay, policy.maximumIntervalMs);
}

/** Connections to the system database (DBOS's default is 10). */
export const SYSTEM_DATABASE_POOL_SIZE = 4;

/** DBOS's own default for its system database connections (a transaction left open is ended). */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * The system database URL with DBOS's idle-in-transaction timeout as a login option. Left to
 * DBOS, a 'connect' hook queues a SET on each new connection while the pool hands it to its
 * first query, which pg deprecates (a DeprecationWarning on every start); PostgreSQL applies a
 * login option before the first query, and DBOS skips its hook when the URL sets it.
 */
export function withIdleTransactionTimeout(url: string, timeoutMs = IDLE_IN_TRANSACTION_TIMEOUT_MS): string {
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options') ?? '';
  if (options.includes('idle_in_transaction_session_timeout')) return url;
  parsed.searchParams.set('options', `${options} -c idle_in_transaction_session_timeout=${timeoutMs}`.trim());
  return parsed.toString();
}

/**
 * How DBOS records the workflow's input, its steps' results and errors: plain JSON. The
 * workflow's values are JSON by contract (the same input and results cross Temporal's JSON
 * payload converter), so SuperJSON, DBOS's default, adds nothing but its cost: it took about
 * 0.4-0.5 ms to serialize one CreateShipment input, on the path that answers the caller. Rows
 * written before this serializer keep their own format (`js_superjson`), which DBOS still reads.
 */
export const WORKFLOW_VALUES_AS_JSON: DBOSSerializer = {
  name: () => 'logisynapse_json',
  stringify: (value: unknown) => JSON.stringify(value ?? null),
  parse: (text: string | null | undefined) => (text === null || text === undefined ? null : JSON.parse(text)),
};

/**
 * Runs `CreateShipmentWorkflow` on DBOS Transact, on the platform's own PostgreSQL. Each
 * activity attempt is a DBOS step and each pause between attempts a durable DBOS sleep, so the
 * retry policy (with its one-minute cap, which DBOS's built-in step retries lack) survives a
 * restart exactly where it was.
 */
export class DbosWorkflowEngine implements WorkflowEnginePort {
  readonly adapterName = 'DBOS Transact (on the platform database)';
  private workflow: ((input: CreateShipmentInput) => Promise<CreateShipmentResult>) | null = null;
  /** The system database's pool when tracing is on (ours: DBOS ends only the pools it made). */
  private systemPool: Pool | null = null;

  constructor(
    private readonly options: DbosEngineOptions,
    private readonly activities: CreateShipmentActivities,
  ) {}

  async launch(): Promise<void> {
    const systemDatabaseUrl = withIdleTransactionTimeout(this.options.systemDatabaseUrl);
    if (this.options.tracing) {
      memoizeDbosTracingRequires();
      // DBOS's bookkeeping statements (about 36 per shipment) are no spans of any use (ADR 0035's
      // sampler drops them): on this pool the pg instrumentation leaves them alone (ADR 0045).
      // DBOS's own pool options: the URL (with its login options) and a 10 s connect timeout.
      this.systemPool = untracedPool({ connectionString: systemDatabaseUrl, connectionTimeoutMillis: 10_000, max: SYSTEM_DATABASE_POOL_SIZE, application_name: 'dbos_transact' });
      this.systemPool.on('error', (error) => DBOS.logger.warn(`Unexpected error in the system database pool: ${String(error)}`));
    }
    DBOS.setConfig({
      name: 'logisynapse',
      systemDatabaseUrl,
      ...(this.systemPool ? { systemDatabasePool: this.systemPool } : {}),
      systemDatabaseSchemaName: 'dbos',
      systemDatabasePoolSize: SYSTEM_DATABASE_POOL_SIZE,
      logLevel: 'warn',
      // DBOS's own exporter stays off; with tracing on, its workflow and step spans go through
      // the process's tracer provider (ours, when telemetry records spans) to our exporter.
      enableOTLP: false,
      tracingEnabled: this.options.tracing ?? false,
      useListenNotify: this.options.useListenNotify,
      serializer: WORKFLOW_VALUES_AS_JSON,
    });
    const durable = this.durableActivities();
    this.workflow = DBOS.registerWorkflow((input: CreateShipmentInput) => createShipmentWorkflow(input, durable), {
      name: CREATE_SHIPMENT_WORKFLOW,
    });
    await DBOS.launch();
  }

  async stop(): Promise<void> {
    if (this.workflow) await DBOS.shutdown({ deregister: true });
    this.workflow = null;
    await this.systemPool?.end();
    this.systemPool = null;
  }

  async startCreateShipment(workflowId: string, input: CreateShipmentInput): Promise<boolean> {
    if (!this.workflow) throw new Error('DBOS workflow engine is not launched');
    try {
      // 'reject': a row with this id (running or finished) fails the insert's transaction, which
      // is rolled back, instead of attaching to the existing run; one round trip either way.
      await DBOS.startWorkflow(this.workflow, { workflowID: workflowId, workflowIDReusePolicy: 'reject' })(input);
      return true;
    } catch (error) {
      if (DBOSErrors.isWorkflowIDInUseError(error)) return false;
      throw error;
    }
  }

  async describeCreateShipment(workflowId: string): Promise<CreateShipmentRun | null> {
    const status = await DBOS.getWorkflowStatus(workflowId);
    if (!status || status.workflowName !== CREATE_SHIPMENT_WORKFLOW) return null;
    const input = status.input?.[0] as CreateShipmentInput | undefined;
    if (!input) return null;
    return {
      workflowId,
      status: runStatus(status.status),
      input,
      result: status.output as CreateShipmentResult | undefined,
    };
  }

  private durableActivities(): CreateShipmentActivities {
    const wrap = <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await DBOS.runStep(() => fn(...args), { name });
          } catch (error) {
            // A permanent failure is not retried: the workflow compensates (by its name, since a
            // recovered run reads the error back from the database).
            const willRetry = !isPermanentActivityError(error) && attempt < ACTIVITY_RETRY_POLICY.maximumAttempts;
            const retryInMs = willRetry ? retryDelayMs(attempt) : undefined;
            this.options.onActivityFailure?.({ activity: name, shipmentId: shipmentIdOf(args), attempt, error, willRetry, retryInMs });
            if (retryInMs === undefined) throw error;
            await DBOS.sleep(retryInMs);
          }
        }
      };
    const a = this.activities;
    return {
      callShippoApi: wrap('callShippoApi', a.callShippoApi.bind(a)),
      saveShipmentToDb: wrap('saveShipmentToDb', a.saveShipmentToDb.bind(a)),
      publishShipmentCreated: wrap('publishShipmentCreated', a.publishShipmentCreated.bind(a)),
      queueWelcomeEmail: wrap('queueWelcomeEmail', a.queueWelcomeEmail.bind(a)),
      markShipmentFailed: wrap('markShipmentFailed', a.markShipmentFailed.bind(a)),
      voidLabel: wrap('voidLabel', a.voidLabel.bind(a)),
    };
  }
}

function runStatus(status: string): WorkflowRunStatus {
  switch (status) {
    case 'SUCCESS':
      return 'COMPLETED';
    case 'ERROR':
    case 'CANCELLED':
    case 'MAX_RECOVERY_ATTEMPTS_EXCEEDED':
      return 'FAILED';
    default:
      return 'RUNNING';
  }
}
