import type { CreateShipmentResult, ShipmentRequest } from '../contracts/shipment.contracts';

export type WorkflowRunStatus = 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface CreateShipmentRun {
  workflowId: string;
  status: WorkflowRunStatus;
  input: ShipmentRequest;
  result?: CreateShipmentResult;
}

/**
 * What the shipments module needs of the workflow engine (implemented by the
 * workflow-orchestrator module): start a shipment's workflow, and see it while it runs.
 */
export interface ShipmentWorkflows {
  /**
   * Starts CreateShipmentWorkflow under `workflowId`; a second start with that id starts nothing.
   * Resolves `true` when this call started the run, `false` when a run with that id already
   * existed (running or finished, whatever its input), so the caller reads the run only then.
   */
  startCreateShipment(workflowId: string, input: ShipmentRequest): Promise<boolean>;
  /** The run's input and state, or null when no run has that id. */
  describeCreateShipment(workflowId: string): Promise<CreateShipmentRun | null>;
}

export const SHIPMENT_WORKFLOWS = Symbol('SHIPMENT_WORKFLOWS');
