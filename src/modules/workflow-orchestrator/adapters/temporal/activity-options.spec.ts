import { compileRetryPolicy, decompileRetryPolicy } from '@temporalio/common';
import { ACTIVITY_RETRY_POLICY } from '../../contracts/create-shipment.contracts';
import { CREATE_SHIPMENT_ACTIVITY_OPTIONS, CREATE_SHIPMENT_LOCAL_ACTIVITY_OPTIONS, temporalRetryPolicy } from './activity-options';

describe('Temporal activity options of CreateShipmentWorkflow', () => {
  it('carry ACTIVITY_RETRY_POLICY: 1 s, doubling, capped at 1 min, unlimited attempts', () => {
    // What the workflow sends to the server when it schedules an activity.
    const sent = compileRetryPolicy(CREATE_SHIPMENT_ACTIVITY_OPTIONS.retry!);
    expect(sent.maximumAttempts).toBeUndefined(); // the server's "unlimited"
    expect(decompileRetryPolicy(sent)).toEqual({
      initialInterval: 1_000,
      backoffCoefficient: 2,
      maximumInterval: 60_000,
      maximumAttempts: undefined,
      nonRetryableErrorTypes: undefined,
    });
    expect(CREATE_SHIPMENT_ACTIVITY_OPTIONS.startToCloseTimeout).toBe('1 minute');
  });

  it('are the same as local activities: timeout and retry policy, retries past a minute of backoff on a durable timer', () => {
    expect(CREATE_SHIPMENT_LOCAL_ACTIVITY_OPTIONS.startToCloseTimeout).toBe(CREATE_SHIPMENT_ACTIVITY_OPTIONS.startToCloseTimeout);
    expect(compileRetryPolicy(CREATE_SHIPMENT_LOCAL_ACTIVITY_OPTIONS.retry!)).toEqual(compileRetryPolicy(CREATE_SHIPMENT_ACTIVITY_OPTIONS.retry!));
    expect(CREATE_SHIPMENT_LOCAL_ACTIVITY_OPTIONS.localRetryThreshold).toBe('1 minute');
  });

  it('keeps a finite attempt limit as it is', () => {
    const retry = temporalRetryPolicy({ ...ACTIVITY_RETRY_POLICY, maximumAttempts: 5 } as unknown as typeof ACTIVITY_RETRY_POLICY);
    expect(compileRetryPolicy(retry).maximumAttempts).toBe(5);
  });
});
