import { DomainError, unavailable } from '../../../platform/errors/domain-error';
import { CaslPolicyEngine } from '../adapters/casl/casl-policy-engine';
import type { PolicyEngine } from '../ports/policy-engine.port';
import { AuthorizationService, callerObject } from './authorization.service';

const reader = { clientId: 'r', tenantId: 't1', scopes: ['shipments:read'] };
const admin = { clientId: 'a', tenantId: null, scopes: ['platform:admin'] };

describe('AuthorizationService', () => {
  const service = new AuthorizationService(new CaslPolicyEngine());

  it('answers decisions and names its engine', async () => {
    expect(service.engineName).toBe('casl');
    await expect(service.authorize(reader, 'shipment:read', { type: 'Shipment', tenantId: 't1' })).resolves.toEqual({ allowed: true, reason: 'allowed' });
  });

  it('assertAllowed resolves when allowed and throws FORBIDDEN with the reason otherwise', async () => {
    await expect(service.assertAllowed(reader, 'shipment:list', callerObject(reader, 'shipment:list'))).resolves.toBeUndefined();
    const error = await service.assertAllowed(reader, 'shipment:create', callerObject(reader, 'shipment:create')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'missing-scope' } });
    expect((error as Error).message).toMatch(/shipments:write/);
    await expect(service.assertAllowed(admin, 'shipment:read', callerObject(admin, 'shipment:read'))).rejects.toMatchObject({ details: { reason: 'missing-scope' } });
  });

  it('propagates an engine that cannot decide (UNAVAILABLE), never allows', async () => {
    const broken: PolicyEngine = { name: 'opa', decide: () => Promise.reject(unavailable('down')), ping: () => Promise.reject(unavailable('down')) };
    const failing = new AuthorizationService(broken);
    await expect(failing.assertAllowed(reader, 'shipment:read', { type: 'Shipment', tenantId: 't1' })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('callerObject: the caller tenant for shipment actions, none for platform actions', () => {
    expect(callerObject(reader, 'shipment:read')).toEqual({ type: 'Shipment', tenantId: 't1' });
    expect(callerObject(reader, 'tenant:create')).toEqual({ type: 'Tenant', tenantId: null });
    expect(callerObject(admin, 'signing-key:retire')).toEqual({ type: 'SigningKey', tenantId: null });
  });
});
