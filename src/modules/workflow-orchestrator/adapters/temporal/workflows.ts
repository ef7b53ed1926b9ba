/**
 * The Temporal workflow bundle's entry point (bundled by the worker, or ahead of time by
 * `scripts/build-workflow-bundle.ts`). It runs inside Temporal's deterministic sandbox, so it
 * imports only `@temporalio/workflow`, types, and pure code: no Node built-ins, no adapters, no
 * activity implementations. Every exported function is a workflow type, named after the export.
 */
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type {
  CreateShipmentActivities,
  CreateShipmentInput,
  CreateShipmentResult,
} from '../../contracts/create-shipment.contracts';
import { createShipmentWorkflow } from '../../workflows/create-shipment.workflow';
import {
  COMPENSATION_PATCH,
  CREATE_SHIPMENT_ACTIVITY_OPTIONS,
  CREATE_SHIPMENT_LOCAL_ACTIVITY_OPTIONS,
  LOCAL_ACTIVITIES_PATCH,
} from './activity-options';

const scheduledActivities = proxyActivities<CreateShipmentActivities>(CREATE_SHIPMENT_ACTIVITY_OPTIONS);
const localActivities = proxyLocalActivities<CreateShipmentActivities>(CREATE_SHIPMENT_LOCAL_ACTIVITY_OPTIONS);

/**
 * `CreateShipmentWorkflow` (the name `CREATE_SHIPMENT_WORKFLOW`): the engine-neutral workflow
 * function, with its activities as Temporal local activities: the four short steps run in the
 * run's first workflow task, each result recorded as a marker, instead of four round trips
 * through the server's task queue (ADR 0019). Runs started before that change (no patch marker in
 * their history) keep scheduling activities on the task queue. A carrier's refusal is a result
 * of `callShippoApi`, not an error, so nothing here maps error types (ADR 0003). Compensation of a
 * step that failed for good is behind its own patch, asked only when such a failure happens (ADR 0026).
 */
export async function CreateShipmentWorkflow(input: CreateShipmentInput): Promise<CreateShipmentResult> {
  return createShipmentWorkflow(input, patched(LOCAL_ACTIVITIES_PATCH) ? localActivities : scheduledActivities, {
    compensate: () => patched(COMPENSATION_PATCH),
  });
}
