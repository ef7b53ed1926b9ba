import { status, type MetadataValue, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { startGrpcTestServer, type GrpcTestServer } from '../../../../../test/support/grpc-test-server';
import { CallerCredentials } from '../../../auth';
import { DomainError } from '../../../../platform/errors/domain-error';
import { SHIPMENTS_PROTO_PATH } from '../../api/grpc/shipments.grpc-controller';
import { GrpcShipmentsApi, shipmentViewFromMessage, trackingEventsFromMessage, type BatchGetTrackingEventsMessage, type ShipmentMessage } from './grpc-shipments-api';

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
  labelRefund: null,
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

  it('carries the refund of a voided label, and none when the message has none', () => {
    expect(shipmentViewFromMessage(message).labelRefund).toBeNull();
    const labelRefund = { refundId: 'adcfdddf8ec64b84ad22772bce3ea37a', labelId: '915d94940ea54c3a80cbfa328722f5a1', status: 'SUCCESS' };
    expect(shipmentViewFromMessage({ ...message, status: 'CANCELLED', labelRefund }).labelRefund).toEqual(labelRefund);
  });

  it('leaves them out of list and create answers, which do not carry them', () => {
    expect(shipmentViewFromMessage({ ...message, trackingEvents: [] })).not.toHaveProperty('trackingEvents');
  });
});

const A = '0b6d1f8e-8f1c-4a55-9d0e-3f0a4f1c2d3e';
const B = '1c7e2f9f-9f2d-4b66-8e1f-4f1b5f2d3e4f';

describe('trackingEventsFromMessage (a BatchGetTrackingEvents answer as the port\'s map)', () => {
  it('keys the events by shipment, in their order, with empty strings as nulls', () => {
    const answer: BatchGetTrackingEventsMessage = {
      shipments: [
        { shipmentId: A, trackingEvents: message.trackingEvents },
        { shipmentId: B, trackingEvents: [{ status: 'DELIVERED', occurredAt: '2026-11-25T10:00:00.000Z', location: '', description: '' }] },
      ],
    };
    expect(trackingEventsFromMessage(answer)).toEqual(
      new Map([
        [
          A,
          [
            { status: 'PRE_TRANSIT', occurredAt: '2026-11-24T10:01:00.000Z', location: null, description: 'Label created' },
            { status: 'IN_TRANSIT', occurredAt: '2026-11-24T10:04:00.000Z', location: 'San Jose, CA', description: null },
          ],
        ],
        [B, [{ status: 'DELIVERED', occurredAt: '2026-11-25T10:00:00.000Z', location: null, description: null }]],
      ]),
    );
    expect(trackingEventsFromMessage({ shipments: [] })).toEqual(new Map());
  });
});

/**
 * GrpcShipmentsApi.trackingEventsOf against a real grpc-js server of the same proto, standing in
 * for the shipments process: what goes over the wire, and what comes back.
 */
describe('GrpcShipmentsApi.trackingEventsOf over the wire', () => {
  type Handler = (call: ServerUnaryCall<{ shipmentIds: string[] }, unknown>, callback: sendUnaryData<unknown>) => void;
  let server: GrpcTestServer;
  let api: GrpcShipmentsApi;
  let handler: Handler;
  const received: { shipmentIds: string[]; authorization: MetadataValue[] }[] = [];

  beforeAll(async () => {
    server = await startGrpcTestServer(SHIPMENTS_PROTO_PATH, 'logisynapse.shipments.v1.ShipmentService', {
      BatchGetTrackingEvents: (call: ServerUnaryCall<{ shipmentIds: string[] }, unknown>, callback: sendUnaryData<unknown>) => {
        received.push({ shipmentIds: call.request.shipmentIds, authorization: call.metadata.get('authorization') });
        handler(call, callback);
      },
    });
    api = new GrpcShipmentsApi(server.address);
  });

  afterAll(async () => {
    api?.onModuleDestroy();
    await server?.stop();
  });

  beforeEach(() => {
    received.length = 0;
  });

  it('asks once for all the ids with the caller\'s token, and answers the events by shipment', async () => {
    handler = (_call, callback) =>
      callback(null, {
        shipments: [{ shipmentId: A, trackingEvents: [{ status: 'IN_TRANSIT', occurredAt: '2026-11-24T10:04:00.000Z', location: 'San Jose, CA', description: '' }] }],
      });
    const events = await CallerCredentials.run('token-of-the-caller', () => api.trackingEventsOf([A, B]));
    expect(received).toEqual([{ shipmentIds: [A, B], authorization: ['Bearer token-of-the-caller'] }]);
    expect(events).toEqual(new Map([[A, [{ status: 'IN_TRANSIT', occurredAt: '2026-11-24T10:04:00.000Z', location: 'San Jose, CA', description: null }]]]));
    expect(events.has(B)).toBe(false);
  });

  it('comes back with the domain error of the status the shipments process answered', async () => {
    handler = (_call, callback) => callback({ code: status.INVALID_ARGUMENT, details: 'BAD_USER_INPUT: at most 100 shipment ids per look-up, got 101' });
    const failure = await CallerCredentials.run('t', () => api.trackingEventsOf([A])).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: 'BAD_USER_INPUT', message: 'at most 100 shipment ids per look-up, got 101' });

    handler = (_call, callback) => callback({ code: status.UNAUTHENTICATED, details: 'UNAUTHENTICATED: A valid access token is required' });
    await expect(CallerCredentials.run('t', () => api.trackingEventsOf([A]))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('makes no call for no ids', async () => {
    await expect(api.trackingEventsOf([])).resolves.toEqual(new Map());
    expect(received).toEqual([]);
  });
});
