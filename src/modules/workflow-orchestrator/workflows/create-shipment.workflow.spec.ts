import type { CreateShipmentActivities } from '../contracts/create-shipment.contracts';
import { sampleInput, sampleLabel } from './create-shipment.fixtures';
import { createShipmentWorkflow } from './create-shipment.workflow';

const input = sampleInput;
const label = sampleLabel;

/** Strict fakes: every activity records its call; an unexpected one fails the test. */
function fakeActivities(outcome: Awaited<ReturnType<CreateShipmentActivities['callShippoApi']>>) {
  const calls: string[] = [];
  const activities: CreateShipmentActivities = {
    callShippoApi: jest.fn(async () => (calls.push('callShippoApi'), outcome)),
    saveShipmentToDb: jest.fn(async () => void calls.push('saveShipmentToDb')),
    publishShipmentCreated: jest.fn(async () => void calls.push('publishShipmentCreated')),
    queueWelcomeEmail: jest.fn(async () => void calls.push('queueWelcomeEmail')),
    markShipmentFailed: jest.fn(async () => void calls.push('markShipmentFailed')),
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
});
