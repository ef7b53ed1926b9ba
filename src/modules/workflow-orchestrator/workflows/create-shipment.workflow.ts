import type {
  CreateShipmentActivities,
  CreateShipmentInput,
  CreateShipmentResult,
  LabelCompensation,
} from '../contracts/create-shipment.contracts';
import { permanentFailureMessage } from './permanent-failure';

export interface CreateShipmentWorkflowOptions {
  /**
   * Asked once a step after the purchase has failed for good: whether to compensate (void the
   * label and record the shipment as FAILED) rather than let the failure end the run. Temporal
   * answers with a `patched()` check, so runs started before compensation existed replay as they
   * ran; DBOS, which recovers only runs of its own code version, always compensates.
   */
  compensate(): boolean;
}

type PurchasedLabel = Parameters<CreateShipmentActivities['voidLabel']>[1];

const ALWAYS_COMPENSATE: CreateShipmentWorkflowOptions = { compensate: () => true };

/**
 * CreateShipmentWorkflow, written once for every engine. It must stay deterministic: no I/O, no
 * clock, no randomness, no Node built-ins (a lint rule checks this file); everything with an
 * effect is an activity, retried by the engine with `ACTIVITY_RETRY_POLICY`.
 *
 * A step after the purchase that fails for good (a permanent activity failure, which no engine
 * retries) would leave a paid label without a shipment: the label is voided instead, and the
 * shipment recorded as FAILED with the reason and the refund (the saga's compensation).
 */
export async function createShipmentWorkflow(
  input: CreateShipmentInput,
  activities: CreateShipmentActivities,
  options: CreateShipmentWorkflowOptions = ALWAYS_COMPENSATE,
): Promise<CreateShipmentResult> {
  const outcome = await activities.callShippoApi(input);
  if (outcome.kind === 'rejected') {
    await activities.markShipmentFailed(input, outcome.reason);
    return { status: 'FAILED', reason: outcome.reason };
  }
  const { label } = outcome;
  try {
    await activities.saveShipmentToDb(input, label);
    await activities.publishShipmentCreated(input, label);
    await activities.queueWelcomeEmail(input, label);
  } catch (error) {
    const failure = permanentFailureMessage(error);
    if (failure === undefined || !options.compensate()) throw error;
    return compensate(input, label, failure, activities);
  }
  return { status: 'LABEL_CREATED', trackingNumber: label.trackingNumber };
}

/** Voids the label, then records the failure; the run's result holds both, even if the record cannot be written. */
async function compensate(
  input: CreateShipmentInput,
  label: PurchasedLabel,
  failure: string,
  activities: CreateShipmentActivities,
): Promise<CreateShipmentResult> {
  const voided = await activities.voidLabel(input, label);
  const compensation: LabelCompensation = { labelId: label.carrierTransactionId, refund: voided.kind === 'voided' ? voided.refund : null };
  const reason =
    voided.kind === 'voided'
      ? `${failure}; label ${label.carrierTransactionId} voided (refund ${voided.refund.refundId})`
      : `${failure}; label ${label.carrierTransactionId} could not be voided: ${voided.reason}`;
  try {
    await activities.markShipmentFailed(input, reason, compensation);
  } catch (error) {
    // The row cannot be written either: the run's result (which reads answer) is the record.
    if (permanentFailureMessage(error) === undefined) throw error;
  }
  return { status: 'FAILED', reason, ...(compensation.refund && { labelRefund: compensation.refund }) };
}
