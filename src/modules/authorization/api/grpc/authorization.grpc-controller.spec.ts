import { Metadata, status } from '@grpc/grpc-js';
import type { RpcException } from '@nestjs/microservices';
import { unauthenticated } from '../../../../platform/errors/domain-error';
import { CaslPolicyEngine } from '../../adapters/casl/casl-policy-engine';
import { AuthorizationService } from '../../application/authorization.service';
import type { CallerVerifier } from '../../ports/caller-verifier.port';
import { AuthorizationGrpcController } from './authorization.grpc-controller';

const principal = { clientId: 'client-a', tenantId: 'tenant-a', scopes: ['shipments:read'] };
// A verifier that knows one token ("good"); the auth module's own verifiers are tested with it.
const tokens: CallerVerifier = {
  verifyMetadata: (metadata) => {
    const header = metadata.get('authorization')[0];
    return header === 'Bearer good' ? Promise.resolve(principal) : Promise.reject(unauthenticated('bad token'));
  },
};

const bearer = (token?: string) => {
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
};

describe('AuthorizationGrpcController.Authorize', () => {
  const controller = new AuthorizationGrpcController(tokens, new AuthorizationService(new CaslPolicyEngine()));

  it('decides for the verified caller, and says for whom and by which engine', async () => {
    await expect(controller.authorize({ action: 'shipment:read', object: { type: 'Shipment', tenantId: 'tenant-a' } }, bearer('good'))).resolves.toEqual({
      allowed: true,
      reason: 'allowed',
      engine: 'casl',
      subject: { clientId: 'client-a', tenantId: 'tenant-a', scopes: ['shipments:read'] },
    });
  });

  it('answers a denial with its reason; an empty tenant_id is no tenant', async () => {
    await expect(controller.authorize({ action: 'shipment:read', object: { type: 'Shipment', tenantId: 'tenant-b' } }, bearer('good'))).resolves.toMatchObject({
      allowed: false,
      reason: 'tenant-mismatch',
    });
    await expect(controller.authorize({ action: 'shipment:read', object: { type: 'Shipment', tenantId: '' } }, bearer('good'))).resolves.toMatchObject({
      allowed: false,
      reason: 'tenant-mismatch',
    });
    await expect(controller.authorize({ action: 'shipment:delete', object: null }, bearer('good'))).resolves.toMatchObject({ allowed: false, reason: 'unknown-action' });
  });

  it('ignores a subject smuggled into the request: the token decides', async () => {
    const request = { action: 'tenant:create', object: { type: 'Tenant', tenantId: '' }, subject: { clientId: 'root', tenantId: '', scopes: ['platform:admin'] } };
    await expect(controller.authorize(request, bearer('good'))).resolves.toMatchObject({ allowed: false, reason: 'missing-scope', subject: { clientId: 'client-a' } });
  });

  it('is UNAUTHENTICATED without a valid token', async () => {
    const codeOf = (promise: Promise<unknown>) => promise.then(() => null, (e: RpcException) => (e.getError() as { code: number }).code);
    expect(await codeOf(controller.authorize({ action: 'shipment:read', object: null }, bearer()))).toBe(status.UNAUTHENTICATED);
    expect(await codeOf(controller.authorize({ action: 'shipment:read', object: null }, bearer('forged')))).toBe(status.UNAUTHENTICATED);
  });
});
