import { CarrierUnavailableError, CarrierValidationError, type CarrierPort, type LabelRefund } from '../../carriers';
import { DomainError } from '../../../platform/errors/domain-error';
import type { ShipmentView } from '../contracts/shipment.contracts';
import type { ShipmentStatus } from '../domain/shipment-status';
import { ShipmentCancellationsService } from './shipment-cancellations.service';
import type { ShipmentRequestsService } from './shipment-requests.service';
import type { ShipmentsService } from './shipments.service';

const ID = '0b6d1f8e-8f1c-4a55-9d0e-3f0a4f1c2d3e';
const refund: LabelRefund = { refundId: 'refund-1', labelId: 'label-1', status: 'SUCCESS' };
const viewIn = (status: ShipmentStatus, labelRefund: LabelRefund | null = null): ShipmentView => ({
  id: ID, tenantId: '11111111-1111-4111-8111-111111111111', status, carrier: 'USPS', trackingNumber: 'SBX1', labelUrl: 'https://x/1.pdf',
  workflowId: `shipment-${ID}`, failureReason: null, labelRefund, customerEmail: 'b@example.com', createdAt: '2026-11-24T10:00:00.000Z', updatedAt: '2026-11-24T10:00:00.000Z',
});

/** The service over a shipment in `status`, a carrier answering `voidLabel`, and a record that keeps what it was given. */
function cancellations(status: ShipmentStatus | null, voidLabel: CarrierPort['voidLabel'] = async () => refund) {
  const requests = { get: jest.fn(async () => (status ? viewIn(status, status === 'CANCELLED' ? refund : null) : null)) };
  const shipments = {
    labelOf: jest.fn(async () => (status ? { status, labelId: 'label-1' } : null)),
    recordCancellation: jest.fn(async (_id: string, r: LabelRefund) => viewIn('CANCELLED', r)),
  };
  const carrier = { adapterName: 'fake', stop: jest.fn(async () => undefined), purchaseLabel: jest.fn(), voidLabel: jest.fn(voidLabel) };
  const service = new ShipmentCancellationsService(requests as unknown as ShipmentRequestsService, shipments as unknown as ShipmentsService, carrier);
  return { service, shipments, carrier };
}

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as DomainError);

describe('ShipmentCancellationsService', () => {
  it.each<ShipmentStatus>(['LABEL_CREATED', 'PRE_TRANSIT'])('voids the label of a %s shipment under its id and records it CANCELLED with the refund', async (status) => {
    const { service, shipments, carrier } = cancellations(status);
    await expect(service.cancel(ID)).resolves.toMatchObject({ status: 'CANCELLED', labelRefund: refund });
    expect(carrier.voidLabel).toHaveBeenCalledWith({ reference: ID, carrierTransactionId: 'label-1' });
    expect(shipments.recordCancellation).toHaveBeenCalledWith(ID, refund);
  });

  it('answers a CANCELLED shipment as it is, without asking the carrier again', async () => {
    const { service, carrier, shipments } = cancellations('CANCELLED');
    await expect(service.cancel(ID)).resolves.toMatchObject({ status: 'CANCELLED', labelRefund: refund });
    expect(carrier.voidLabel).not.toHaveBeenCalled();
    expect(shipments.recordCancellation).not.toHaveBeenCalled();
  });

  it.each<[ShipmentStatus, string]>([
    ['IN_TRANSIT', 'label-in-use'],
    ['DELIVERED', 'label-in-use'],
    ['PENDING', 'label-not-bought-yet'],
    ['FAILED', 'shipment-failed'],
  ])('refuses a %s shipment with FAILED_PRECONDITION (%s), voiding nothing', async (status, reason) => {
    const { service, carrier } = cancellations(status);
    const error = await refusal(service.cancel(ID));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'FAILED_PRECONDITION', details: { reason, status } });
    expect(carrier.voidLabel).not.toHaveBeenCalled();
  });

  it('is NOT_FOUND for a shipment the caller cannot see', async () => {
    await expect(refusal(cancellations(null).service.cancel(ID))).resolves.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("turns the carrier's refusal into FAILED_PRECONDITION and its outage into UNAVAILABLE, recording nothing", async () => {
    const refused = cancellations('PRE_TRANSIT', async () => Promise.reject(new CarrierValidationError('label already scanned')));
    await expect(refusal(refused.service.cancel(ID))).resolves.toMatchObject({ code: 'FAILED_PRECONDITION', details: { reason: 'carrier-refused' } });
    expect(refused.shipments.recordCancellation).not.toHaveBeenCalled();
    const down = cancellations('LABEL_CREATED', async () => Promise.reject(new CarrierUnavailableError('503')));
    await expect(refusal(down.service.cancel(ID))).resolves.toMatchObject({ code: 'UNAVAILABLE' });
    expect(down.shipments.recordCancellation).not.toHaveBeenCalled();
  });
});
