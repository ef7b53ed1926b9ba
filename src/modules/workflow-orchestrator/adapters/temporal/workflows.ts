/**
 * The Temporal workflow bundle's entry point (bundled by the worker, or ahead of time by
 * `scripts/build-workflow-bundle.ts`). It runs inside Temporal's deterministic sandbox, so it
 * imports only `@temporalio/workflow`, types, and pure code: no Node built-ins, no adapters, no
 * activity implementations. Every exported function is a workflow type, named after the export.
 */
import { proxyActivities } from '@temporalio/workflow';
import type {
  CreateShipmentActivities,
  CreateShipmentInput,
  CreateShipmentResult,
} from '../../contracts/create-shipment.contracts';
import { createShipmentWorkflow } from '../../workflows/create-shipment.workflow';
import { CREATE_SHIPMENT_ACTIVITY_OPTIONS } from './activity-options';

const activities = proxyActivities<CreateShipmentActivities>(CREATE_SHIPMENT_ACTIVITY_OPTIONS);

/**
 * `CreateShipmentWorkflow` (the name `CREATE_SHIPMENT_WORKFLOW`): the engine-neutral workflow
 * function, with its activities as Temporal activities. A carrier's refusal is a result of
 * `callShippoApi`, not an error, so nothing here maps error types (ADR 0003).
 */
export async function CreateShipmentWorkflow(input: CreateShipmentInput): Promise<CreateShipmentResult> {
  return createShipmentWorkflow(input, activities);
}
