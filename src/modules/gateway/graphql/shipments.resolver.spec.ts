import type { NotificationsService } from '../../communications';
import type { ShipmentsApi, ShipmentView } from '../../shipments';
import { ShipmentsResolver } from './shipments.resolver';

const view: ShipmentView = {
  id: '0b6d1f8e-8f1c-4a55-9d0e-3f0a4f1c2d3e',
  tenantId: '11111111-1111-4111-8111-111111111111',
  status: 'IN_TRANSIT',
  carrier: 'USPS',
  trackingNumber: '9205590164917312751089',
  labelUrl: null,
  workflowId: 'shipment-0b6d1f8e-8f1c-4a55-9d0e-3f0a4f1c2d3e',
  failureReason: null,
  customerEmail: 'hippo@example.com',
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:05:00.000Z',
};
const events = [{ status: 'IN_TRANSIT' as const, occurredAt: '2026-11-24T10:04:00.000Z', location: null, description: null }];

function resolverWith(trackingEvents: jest.Mock) {
  const api: ShipmentsApi = {
    create: jest.fn().mockRejectedValue(new Error('not expected')),
    get: jest.fn().mockRejectedValue(new Error('not expected')),
    list: jest.fn().mockRejectedValue(new Error('not expected')),
    trackingEvents,
  };
  return new ShipmentsResolver(api, {} as NotificationsService);
}

describe('ShipmentsResolver.trackingEvents', () => {
  it('answers the events the view already carries without asking the shipments module again', async () => {
    const trackingEvents = jest.fn().mockRejectedValue(new Error('not expected'));
    await expect(Promise.resolve(resolverWith(trackingEvents).trackingEvents({ ...view, trackingEvents: events }))).resolves.toEqual(events);
    expect(trackingEvents).not.toHaveBeenCalled();
  });

  it('asks the shipments module when the view came without them (a list, or the module in process)', async () => {
    const trackingEvents = jest.fn().mockResolvedValue(events);
    await expect(Promise.resolve(resolverWith(trackingEvents).trackingEvents(view))).resolves.toEqual(events);
    expect(trackingEvents).toHaveBeenCalledWith(view.id);
  });

  it('answers none for a PENDING shipment without asking', async () => {
    const trackingEvents = jest.fn().mockRejectedValue(new Error('not expected'));
    await expect(Promise.resolve(resolverWith(trackingEvents).trackingEvents({ ...view, status: 'PENDING' }))).resolves.toEqual([]);
    expect(trackingEvents).not.toHaveBeenCalled();
  });
});
