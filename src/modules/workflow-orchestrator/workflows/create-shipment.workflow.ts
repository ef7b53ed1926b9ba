import type {
  CreateShipmentActivities,
  CreateShipmentInput,
  CreateShipmentResult,
} from '../contracts/create-shipment.contracts';

/**
 * CreateShipmentWorkflow, written once for every engine. It must stay deterministic: no I/O, no
 * clock, no randomness, no Node built-ins (a lint rule checks this file); everything with an
 * effect is an activity, retried by the engine with `ACTIVITY_RETRY_POLICY`.
 */
export async function createShipmentWorkflow(
  input: CreateShipmentInput,
  activities: CreateShipmentActivities,
): Promise<CreateShipmentResult> {
  const outcome = await activities.callShippoApi(input);
  if (outcome.kind === 'rejected') {
    await activities.markShipmentFailed(input, outcome.reason);
    return { status: 'FAILED', reason: outcome.reason };
  }
  const { label } = outcome;
  await activities.saveShipmentToDb(input, label);
  await activities.publishShipmentCreated(input, label);
  await activities.queueWelcomeEmail(input, label);
  return { status: 'LABEL_CREATED', trackingNumber: label.trackingNumber };
}
