import { CarrierUnavailableError, CarrierValidationError, type CarrierPort } from '../../carriers';
import type { EventLogPort, TaskQueuePort } from '../../../platform/messaging';
import { PermanentActivityError } from '../contracts/create-shipment.contracts';
import { sampleInput, sampleLabel } from '../workflows/create-shipment.fixtures';
import { createShipmentActivities, type ActivityDependencies } from './create-shipment.activities';

const input = sampleInput;
const label = sampleLabel;
const refund = { refundId: 'r1', labelId: 'tx', status: 'SUCCESS' as const };

function deps(purchase: CarrierPort['purchaseLabel'], voidLabel: CarrierPort['voidLabel'] = async () => refund) {
  const d = {
    carrier: { adapterName: 'fake', purchaseLabel: jest.fn(purchase), voidLabel: jest.fn(voidLabel) },
    shipments: { recordLabel: jest.fn(async (): Promise<void> => undefined), recordFailure: jest.fn(async (): Promise<void> => undefined) },
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

  it('makes a save that breaks a constraint a permanent failure (SQLSTATE in the reason), and leaves other database errors retryable', async () => {
    const d = deps(async () => label);
    const duplicate = Object.assign(new Error('duplicate key value violates unique constraint "shipments_tracking_idx"'), { code: '23505' });
    d.shipments.recordLabel.mockRejectedValueOnce(duplicate);
    const error = await createShipmentActivities(d).saveShipmentToDb(input, label).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentActivityError);
    expect(error).toMatchObject({ message: 'recording the shipment failed for good (SQLSTATE 23505)', cause: duplicate });

    const lost = Object.assign(new Error('terminating connection'), { code: '57P01' });
    d.shipments.recordLabel.mockRejectedValueOnce(lost);
    await expect(createShipmentActivities(d).saveShipmentToDb(input, label)).rejects.toBe(lost);
  });

  it('voids the label under the shipment id; a refusal is a result, an outage is retried', async () => {
    const d = deps(async () => label);
    await expect(createShipmentActivities(d).voidLabel(input, label)).resolves.toEqual({ kind: 'voided', refund });
    expect(d.carrier.voidLabel).toHaveBeenCalledWith({ reference: input.shipmentId, carrierTransactionId: 'tx' });
    const refused = deps(async () => label, async () => Promise.reject(new CarrierValidationError('already scanned')));
    await expect(createShipmentActivities(refused).voidLabel(input, label)).resolves.toEqual({ kind: 'refused', reason: 'already scanned' });
    const down = deps(async () => label, async () => Promise.reject(new CarrierUnavailableError('503')));
    await expect(createShipmentActivities(down).voidLabel(input, label)).rejects.toBeInstanceOf(CarrierUnavailableError);
  });

  it('records a compensated failure with the label and its refund', async () => {
    const d = deps(async () => label);
    await createShipmentActivities(d).markShipmentFailed(input, 'why', { labelId: 'tx', refund });
    expect(d.shipments.recordFailure).toHaveBeenCalledWith({ ...input, workflowId: `shipment-${input.shipmentId}` }, 'why', { labelId: 'tx', refund });
  });
});
