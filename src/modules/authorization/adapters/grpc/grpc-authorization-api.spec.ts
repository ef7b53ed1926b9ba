import { status, type MetadataValue, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { startGrpcTestServer, type GrpcTestServer } from '../../../../../test/support/grpc-test-server';
import { CallerCredentials } from '../../../../platform/grpc/caller-credentials';
import { DomainError } from '../../../../platform/errors/domain-error';
import { AUTHORIZATION_PROTO_PATH } from '../../api/grpc/authorization.grpc-controller';
import { GrpcAuthorizationApi } from './grpc-authorization-api';

type Request = { action: string; object: { type: string; tenantId: string } };
type Handler = (call: ServerUnaryCall<Request, unknown>, callback: sendUnaryData<unknown>) => void;

const TENANT = '11111111-1111-4111-8111-111111111111';
const subject = { clientId: 'client-a', tenantId: TENANT, scopes: ['shipments:read'] };
const answer = (allowed: boolean, reason: string, clientId = 'client-a') => ({ allowed, reason, engine: 'casl', subject: { clientId, tenantId: TENANT, scopes: ['shipments:read'] } });

/** GrpcAuthorizationApi against a real grpc-js server of the same proto, standing in for the authorization process. */
describe('GrpcAuthorizationApi over the wire', () => {
  let server: GrpcTestServer;
  let api: GrpcAuthorizationApi;
  let handler: Handler;
  const received: { request: Request; authorization: MetadataValue[] }[] = [];

  beforeAll(async () => {
    server = await startGrpcTestServer(AUTHORIZATION_PROTO_PATH, 'logisynapse.authorization.v1.AuthorizationService', {
      Authorize: (call: ServerUnaryCall<Request, unknown>, callback: sendUnaryData<unknown>) => {
        received.push({ request: call.request, authorization: call.metadata.get('authorization') });
        handler(call, callback);
      },
    });
    api = new GrpcAuthorizationApi(server.address);
  });

  afterAll(async () => {
    api?.onModuleDestroy();
    await server?.stop();
  });

  beforeEach(() => {
    received.length = 0;
  });

  const ask = (action = 'shipment:read', object: { type: 'Shipment' | 'Tenant'; tenantId: string | null } = { type: 'Shipment', tenantId: TENANT }) =>
    CallerCredentials.run('token-of-the-caller', () => api.assertAllowed(subject, action, object));

  it("asks with the caller's own token and the action and object only, and resolves when allowed", async () => {
    handler = (_call, callback) => callback(null, answer(true, 'allowed'));
    await expect(ask()).resolves.toBeUndefined();
    expect(received).toEqual([{ request: { action: 'shipment:read', object: { type: 'Shipment', tenantId: TENANT } }, authorization: ['Bearer token-of-the-caller'] }]);
    // a platform-wide object goes as an empty tenant
    await ask('tenant:create', { type: 'Tenant', tenantId: null });
    expect(received[1]!.request.object).toEqual({ type: 'Tenant', tenantId: '' });
  });

  it('throws the same FORBIDDEN as in-process for a denial, with its reason', async () => {
    handler = (_call, callback) => callback(null, answer(false, 'missing-scope'));
    const denied = await ask('shipment:create').catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(DomainError);
    expect(denied).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'missing-scope' } });
    expect((denied as Error).message).toMatch(/^Missing scope for shipment:create: needs one of /);
  });

  it('refuses a decision made for another caller, and passes the status of a failed call on as its domain error', async () => {
    handler = (_call, callback) => callback(null, answer(true, 'allowed', 'someone-else'));
    await expect(ask()).rejects.toMatchObject({ code: 'FORBIDDEN', details: { reason: 'subject-mismatch' } });
    handler = (_call, callback) => callback({ code: status.UNAUTHENTICATED, details: 'UNAUTHENTICATED: A valid access token is required' });
    await expect(ask()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    handler = (_call, callback) => callback({ code: status.UNAVAILABLE, details: 'UNAVAILABLE: the policy engine did not answer' });
    await expect(ask()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('makes no call without a caller token (fails closed)', async () => {
    await expect(api.assertAllowed(subject, 'shipment:read', { type: 'Shipment', tenantId: TENANT })).rejects.toThrow();
    expect(received).toEqual([]);
  });
});
