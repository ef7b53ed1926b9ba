import { shipmentViewFromMessage, type ShipmentMessage } from './grpc-shipments-api';

const message: ShipmentMessage = {
  id: '0b6d1f8e-8f1c-4a55-9d0e-3f0a4f1c2d3e',
  status: 'IN_TRANSIT',
  carrier: 'USPS',
  trackingNumber: '9205590164917312751089',
  labelUrl: 'https://labels.example.com/1.pdf',
  workflowId: 'shipment-0b6d1f8e-8f1c-4a55-9d0e-3f0a4f1c2d3e',
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:05:00.000Z',
  failureReason: '',
  trackingEvents: [
    { status: 'PRE_TRANSIT', occurredAt: '2026-11-24T10:01:00.000Z', location: '', description: 'Label created' },
    { status: 'IN_TRANSIT', occurredAt: '2026-11-24T10:04:00.000Z', location: 'San Jose, CA', description: '' },
  ],
  tenantId: '11111111-1111-4111-8111-111111111111',
  customerEmail: 'hippo@example.com',
};

describe('shipmentViewFromMessage (gRPC ShipmentService answers as views)', () => {
  it('carries the tracking events of a GetShipment answer, with empty strings as nulls', () => {
    const view = shipmentViewFromMessage(message, true);
    expect(view.failureReason).toBeNull();
    expect(view.trackingEvents).toEqual([
      { status: 'PRE_TRANSIT', occurredAt: '2026-11-24T10:01:00.000Z', location: null, description: 'Label created' },
      { status: 'IN_TRANSIT', occurredAt: '2026-11-24T10:04:00.000Z', location: 'San Jose, CA', description: null },
    ]);
  });

  it('leaves them out of list and create answers, which do not carry them', () => {
    expect(shipmentViewFromMessage({ ...message, trackingEvents: [] })).not.toHaveProperty('trackingEvents');
  });
});
