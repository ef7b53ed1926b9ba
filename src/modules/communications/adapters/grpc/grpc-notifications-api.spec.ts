import { status, type MetadataValue, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { CallerCredentials } from '../../../auth';
import { DomainError } from '../../../../platform/errors/domain-error';
import { NOTIFICATIONS_PROTO_PATH } from '../../api/grpc/notifications.grpc-controller';
import { startGrpcTestServer, type GrpcTestServer } from '../../../../../test/support/grpc-test-server';
import { GrpcNotificationsApi } from './grpc-notifications-api';

const A = '5d0f3a6e-0000-5000-8000-00000000000a';
const B = '5d0f3a6e-0000-5000-8000-00000000000b';
const SERVICE = 'logisynapse.communications.v1.NotificationService';

/**
 * GrpcNotificationsApi against a real grpc-js server of the same proto, standing in for the
 * communications process: what goes over the wire, and what comes back.
 */
describe('GrpcNotificationsApi over the wire', () => {
  type Handler = (call: ServerUnaryCall<{ shipmentIds: string[] }, unknown>, callback: sendUnaryData<unknown>) => void;
  let server: GrpcTestServer;
  let api: GrpcNotificationsApi;
  let handler: Handler;
  const health = new HealthImplementation({ [SERVICE]: 'NOT_SERVING' });
  const received: { shipmentIds: string[]; authorization: MetadataValue[] }[] = [];

  beforeAll(async () => {
    server = await startGrpcTestServer(
      NOTIFICATIONS_PROTO_PATH,
      SERVICE,
      {
        BatchGetNotifications: (call: ServerUnaryCall<{ shipmentIds: string[] }, unknown>, callback: sendUnaryData<unknown>) => {
          received.push({ shipmentIds: call.request.shipmentIds, authorization: call.metadata.get('authorization') });
          handler(call, callback);
        },
      },
      (grpcServer) => health.addToServer(grpcServer),
    );
    api = new GrpcNotificationsApi(server.address);
  });

  afterAll(async () => {
    api?.onModuleDestroy();
    await server?.stop();
  });

  beforeEach(() => {
    received.length = 0;
  });

  it("asks once for all the ids with the caller's token, and answers the notifications by shipment", async () => {
    handler = (_call, callback) =>
      callback(null, { shipments: [{ shipmentId: A, notifications: [{ template: 'welcome', to: 'hippo@example.com', sentAt: '2026-11-24T10:04:00.000Z' }] }] });
    const notifications = await CallerCredentials.run('token-of-the-caller', () => api.notificationsOf([A, B]));
    expect(received).toEqual([{ shipmentIds: [A, B], authorization: ['Bearer token-of-the-caller'] }]);
    expect(notifications).toEqual(new Map([[A, [{ template: 'welcome', to: 'hippo@example.com', sentAt: '2026-11-24T10:04:00.000Z' }]]]));
    expect(notifications.has(B)).toBe(false);
  });

  it('comes back with the domain error of the status the communications process answered', async () => {
    handler = (_call, callback) => callback({ code: status.INVALID_ARGUMENT, details: 'BAD_USER_INPUT: at most 100 shipment ids per look-up, got 101' });
    const failure = await CallerCredentials.run('t', () => api.notificationsOf([A])).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: 'BAD_USER_INPUT', message: 'at most 100 shipment ids per look-up, got 101' });

    handler = (_call, callback) => callback({ code: status.PERMISSION_DENIED, details: 'FORBIDDEN: missing scope' });
    await expect(CallerCredentials.run('t', () => api.notificationsOf([A]))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('makes no call for no ids, and refuses to call without a caller token', async () => {
    await expect(api.notificationsOf([])).resolves.toEqual(new Map());
    expect(received).toEqual([]);
    await expect(api.notificationsOf([A])).rejects.toThrow();
    expect(received).toEqual([]);
  });

  it('is ready only while the communications process answers SERVING for NotificationService', async () => {
    await expect(api.ping()).rejects.toThrow(/NOT_SERVING/);
    health.setStatus(SERVICE, 'SERVING');
    await expect(api.ping()).resolves.toBeUndefined();
  });
});
