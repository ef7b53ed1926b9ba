import type { CreateShipmentActivities } from '../contracts/create-shipment.contracts';
import { sampleInput, sampleLabel } from './create-shipment.fixtures';
import { createShipmentWorkflow } from './create-shipment.workflow';

const input = sampleInput;
const label = sampleLabel;
const refund = { refundId: 'r1', labelId: 'tx', status: 'SUCCESS' as const };
/** How DBOS hands the workflow a permanent failure: the activity's error (its name survives a recovery's read-back). */
const dbosPermanentFailure = (message: string) => Object.assign(new Error(message), { name: 'PermanentActivityError' });
/** How Temporal hands the workflow a permanent failure: an ActivityFailure caused by an ApplicationFailure of that type. */
const temporalPermanentFailure = (message: string) =>
  Object.assign(new Error('Activity task failed'), { name: 'ActivityFailure', cause: Object.assign(new Error(message), { name: 'ApplicationFailure', type: 'PermanentActivityError' }) });

/** Strict fakes: every activity records its call; an unexpected one fails the test. */
function fakeActivities(outcome: Awaited<ReturnType<CreateShipmentActivities['callShippoApi']>>) {
  const calls: string[] = [];
  const activities: CreateShipmentActivities = {
    callShippoApi: jest.fn(async () => (calls.push('callShippoApi'), outcome)),
    saveShipmentToDb: jest.fn(async () => void calls.push('saveShipmentToDb')),
    publishShipmentCreated: jest.fn(async () => void calls.push('publishShipmentCreated')),
    queueWelcomeEmail: jest.fn(async () => void calls.push('queueWelcomeEmail')),
    markShipmentFailed: jest.fn(async () => void calls.push('markShipmentFailed')),
    voidLabel: jest.fn(async () => (calls.push('voidLabel'), { kind: 'voided' as const, refund })),
  };
  return { activities, calls };
}

describe('createShipmentWorkflow', () => {
  it('buys the label, saves, publishes and queues the welcome email, in that order', async () => {
    const { activities, calls } = fakeActivities({ kind: 'purchased', label });
    await expect(createShipmentWorkflow(input, activities)).resolves.toEqual({ status: 'LABEL_CREATED', trackingNumber: 'T1' });
    expect(calls).toEqual(['callShippoApi', 'saveShipmentToDb', 'publishShipmentCreated', 'queueWelcomeEmail']);
    expect(activities.saveShipmentToDb).toHaveBeenCalledWith(input, label);
  });

  it('ends in FAILED with the carrier reason when the carrier rejects the request', async () => {
    const { activities, calls } = fakeActivities({ kind: 'rejected', reason: 'invalid zip' });
    await expect(createShipmentWorkflow(input, activities)).resolves.toEqual({ status: 'FAILED', reason: 'invalid zip' });
    expect(calls).toEqual(['callShippoApi', 'markShipmentFailed']);
    expect(activities.markShipmentFailed).toHaveBeenCalledWith(input, 'invalid zip');
  });

  it('lets an activity failure propagate to the engine, which retries it', async () => {
    const { activities } = fakeActivities({ kind: 'purchased', label });
    (activities.publishShipmentCreated as jest.Mock).mockRejectedValueOnce(new Error('broker down'));
    await expect(createShipmentWorkflow(input, activities)).rejects.toThrow('broker down');
    expect(activities.queueWelcomeEmail).not.toHaveBeenCalled();
  });

  it.each([
    ['as DBOS gives it (the error itself)', dbosPermanentFailure('recording the shipment failed for good (SQLSTATE 23505)')],
    ['as Temporal gives it (ActivityFailure, cause ApplicationFailure)', temporalPermanentFailure('recording the shipment failed for good (SQLSTATE 23505)')],
  ])('compensates a save that failed for good, %s: voids the label and records FAILED with the refund', async (_how, failure) => {
    const { activities, calls } = fakeActivities({ kind: 'purchased', label });
    (activities.saveShipmentToDb as jest.Mock).mockRejectedValueOnce(failure);
    const reason = 'recording the shipment failed for good (SQLSTATE 23505); label tx voided (refund r1)';
    await expect(createShipmentWorkflow(input, activities)).resolves.toEqual({ status: 'FAILED', reason, labelRefund: refund });
    expect(calls).toEqual(['callShippoApi', 'voidLabel', 'markShipmentFailed']);
    expect(activities.markShipmentFailed).toHaveBeenCalledWith(input, reason, { labelId: 'tx', refund });
  });

  it('lets a permanent failure end the run when the engine says not to compensate (a run recorded before the patch)', async () => {
    const { activities, calls } = fakeActivities({ kind: 'purchased', label });
    (activities.queueWelcomeEmail as jest.Mock).mockRejectedValueOnce(dbosPermanentFailure('no'));
    const compensate = jest.fn(() => false);
    await expect(createShipmentWorkflow(input, activities, { compensate })).rejects.toThrow('no');
    expect(compensate).toHaveBeenCalledTimes(1);
    expect(calls).toEqual(['callShippoApi', 'saveShipmentToDb', 'publishShipmentCreated']);
  });

  it('does not ask whether to compensate on a run without a permanent failure (so older histories replay unchanged)', async () => {
    const { activities } = fakeActivities({ kind: 'purchased', label });
    const compensate = jest.fn(() => true);
    await createShipmentWorkflow(input, activities, { compensate });
    (activities.saveShipmentToDb as jest.Mock).mockRejectedValueOnce(new Error('database down'));
    await expect(createShipmentWorkflow(input, activities, { compensate })).rejects.toThrow('database down');
    expect(compensate).not.toHaveBeenCalled();
  });
});
