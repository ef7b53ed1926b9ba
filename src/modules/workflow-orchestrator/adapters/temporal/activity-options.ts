import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/common';
import { ACTIVITY_RETRY_POLICY } from '../../contracts/create-shipment.contracts';

/**
 * `ACTIVITY_RETRY_POLICY` in Temporal's terms. "No attempt limit" stays `Infinity`: the
 * TypeScript SDK drops it from the request, which is the server's "unlimited" (its wire value
 * 0); the SDK itself rejects `maximumAttempts: 0` when the workflow schedules the activity.
 * Pure code: the workflow bundle imports it, so no Node built-ins here.
 */
export function temporalRetryPolicy(policy: typeof ACTIVITY_RETRY_POLICY = ACTIVITY_RETRY_POLICY): RetryPolicy {
  return {
    initialInterval: policy.initialIntervalMs,
    backoffCoefficient: policy.backoffCoefficient,
    maximumInterval: policy.maximumIntervalMs,
    maximumAttempts: policy.maximumAttempts,
  };
}

/** Options of every activity of CreateShipmentWorkflow on Temporal. */
export const CREATE_SHIPMENT_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: temporalRetryPolicy(),
};

/**
 * The patch (Temporal's `patched()`) under which CreateShipmentWorkflow runs its activities as
 * local activities: runs started before it keep scheduling them on the task queue (ADR 0019).
 */
export const LOCAL_ACTIVITIES_PATCH = 'create-shipment-local-activities';

/**
 * The patch under which CreateShipmentWorkflow compensates a step that failed for good after the
 * label was bought (voids the label, records the shipment FAILED). Checked only once such a
 * failure happened, so runs without one (every run recorded before it) replay unchanged; a run
 * recorded before it that did fail that way keeps failing as it did.
 */
export const COMPENSATION_PATCH = 'create-shipment-compensation';

/**
 * Options of the activities of CreateShipmentWorkflow as local activities (the worker that runs
 * the workflow task runs them, and records each result as a marker). Same timeout and retry
 * policy; a retry whose backoff exceeds the local retry threshold (1 minute) waits on a durable
 * timer instead of in the worker.
 */
export const CREATE_SHIPMENT_LOCAL_ACTIVITY_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: CREATE_SHIPMENT_ACTIVITY_OPTIONS.startToCloseTimeout,
  retry: temporalRetryPolicy(),
  localRetryThreshold: '1 minute',
};
