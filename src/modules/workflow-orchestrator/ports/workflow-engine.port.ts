import type { ShipmentWorkflows } from '../../shipments';

/**
 * The workflow engine: DBOS Transact embedded, Temporal in production. It implements the
 * shipments module's `ShipmentWorkflows` port.
 */
export interface WorkflowEnginePort extends ShipmentWorkflows {
  readonly adapterName: string;
  /** Starts executing workflows (and recovers unfinished ones); called once every module is ready. */
  launch(): Promise<void>;
  /** Stops taking work and waits for what runs; idempotent. */
  stop(): Promise<void>;
  /** Rejects if the engine's worker dies while the process runs (the process must then be restarted). */
  readonly whenStopped?: Promise<void>;
}

export const WORKFLOW_ENGINE = Symbol('WORKFLOW_ENGINE');
