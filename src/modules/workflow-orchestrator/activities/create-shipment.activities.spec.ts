import { CarrierUnavailableError, CarrierValidationError, type CarrierPort } from '../../carriers';
import type { EventLogPort, TaskQueuePort } from '../../../platform/messaging';
import { sampleInput, sampleLabel } from '../workflows/create-shipment.fixtures';
import { createShipmentActivities, type ActivityDependencies } from './create-shipment.activities';

const input = sampleInput;
const label = sampleLabel;

function deps(purchase: CarrierPort['purchaseLabel']) {
  const d = {
    carrier: { adapterName: 'fake', purchaseLabel: jest.fn(purchase) },
    shipments: { recordLabel: jest.fn(async () => undefined), recordFailure: jest.fn(async () => undefined) },
    eventLog: { adapterName: 'fake', publish: jest.fn(async () => undefined), subscribe: jest.fn() },
    taskQueue: { adapterName: 'fake', enqueue: jest.fn(async () => undefined), consume: jest.fn() },
  };
  return d as typeof d & ActivityDependencies;
}

describe('CreateShipmentWorkflow activities', () => {
  it('buys the label with the shipment id as the carrier reference', async () => {
    const d = deps(async () => label);
    await expect(createShipmentActivities(d).callShippoApi(input)).resolves.toEqual({ kind: 'purchased', label });
    expect(d.carrier.purchaseLabel).toHaveBeenCalledWith(expect.objectContaining({ reference: input.shipmentId, tenantId: input.tenantId }));
  });

  it('turns a carrier validation error into a rejection (not retried) and rethrows anything else', async () => {
    await expect(createShipmentActivities(deps(async () => Promise.reject(new CarrierValidationError('bad zip')))).callShippoApi(input)).resolves.toEqual({
      kind: 'rejected',
      reason: 'bad zip',
    });
    await expect(
      createShipmentActivities(deps(async () => Promise.reject(new CarrierUnavailableError('down')))).callShippoApi(input),
    ).rejects.toBeInstanceOf(CarrierUnavailableError);
  });

  it('saves with the workflow id, publishes keyed by shipment, and queues one welcome email per shipment', async () => {
    const d = deps(async () => label);
    const activities = createShipmentActivities(d);
    await activities.saveShipmentToDb(input, label);
    expect(d.shipments.recordLabel).toHaveBeenCalledWith({ ...input, workflowId: `shipment-${input.shipmentId}` }, label);

    await activities.publishShipmentCreated(input, label);
    const eventLog = d.eventLog as unknown as jest.Mocked<EventLogPort>;
    expect(eventLog.publish).toHaveBeenCalledWith('shipment.created', {
      key: input.shipmentId,
      payload: expect.objectContaining({ shipmentId: input.shipmentId, trackingNumber: 'T1', toCountry: 'DE' }),
      headers: { 'tenant-id': input.tenantId, 'event-id': `shipment.created:${input.shipmentId}` },
    });

    await activities.queueWelcomeEmail(input, label);
    const taskQueue = d.taskQueue as unknown as jest.Mocked<TaskQueuePort>;
    expect(taskQueue.enqueue).toHaveBeenCalledWith(
      'tasks.email.send',
      { payload: expect.objectContaining({ template: 'welcome', to: 'b@example.com', shipmentId: input.shipmentId }), headers: { 'tenant-id': input.tenantId } },
      { dedupeKey: `welcome:${input.shipmentId}` },
    );
  });
});
