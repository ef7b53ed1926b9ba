import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
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
