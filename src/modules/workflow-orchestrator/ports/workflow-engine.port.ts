import type { ShipmentWorkflows } from '../../shipments';

/**
 * The workflow engine: DBOS Transact embedded, Temporal in production. It implements the
 * shipments module's `ShipmentWorkflows` port.
 */
export interface WorkflowEnginePort extends ShipmentWorkflows {
  readonly adapterName: string;
}

export const WORKFLOW_ENGINE = Symbol('WORKFLOW_ENGINE');
