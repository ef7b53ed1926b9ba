import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AuthorizationService, createPolicyEngine, RequireAction } from '../../authorization';
import { DomainError } from '../../../platform/errors/domain-error';
import type { AuthenticatedRequest } from '../http/authentication.middleware';
import { AuthorizationGuard } from './authorization.guard';

class Handlers {
  @RequireAction('shipment:create')
  create(): void {}

  @RequireAction('tenant:create')
  createTenant(): void {}

  undeclared(): void {}
}

const reader = { clientId: 'r', tenantId: 't1', scopes: ['shipments:read'] };
const writer = { clientId: 'w', tenantId: 't1', scopes: ['shipments:write'] };

describe('AuthorizationGuard', () => {
  const guard = new AuthorizationGuard(new Reflector(), new AuthorizationService(createPolicyEngine({ kind: 'casl' })));
  const contextFor = (handler: keyof Handlers, req: Partial<AuthenticatedRequest>): ExecutionContext => {
    const context = { getHandler: () => Handlers.prototype[handler], getClass: () => Handlers } as unknown as ExecutionContext;
    jest.spyOn(GqlExecutionContext, 'create').mockReturnValue({ getContext: () => ({ req }) } as unknown as GqlExecutionContext);
    return context;
  };
  const outcome = (handler: keyof Handlers, req: Partial<AuthenticatedRequest>) =>
    guard.canActivate(contextFor(handler, req)).then(
      (allowed) => ({ allowed }),
      (error: unknown) => ({ code: (error as DomainError).code, reason: (error as DomainError).details?.reason }),
    );

  afterEach(() => jest.restoreAllMocks());

  it('allows what the policy allows', async () => {
    expect(await outcome('create', { principal: writer })).toEqual({ allowed: true });
  });

  it('fails closed: no declared action is FORBIDDEN, even for a valid token', async () => {
    expect(await outcome('undeclared', { principal: writer })).toEqual({ code: 'FORBIDDEN', reason: undefined });
  });

  it('is UNAUTHENTICATED without a principal, and passes on the token error', async () => {
    expect(await outcome('create', {})).toEqual({ code: 'UNAUTHENTICATED', reason: undefined });
    const authError = new DomainError('UNAUTHENTICATED', 'expired');
    expect(await outcome('create', { authError })).toEqual({ code: 'UNAUTHENTICATED', reason: undefined });
  });

  it('is FORBIDDEN with the reason when the policy denies', async () => {
    expect(await outcome('create', { principal: reader })).toEqual({ code: 'FORBIDDEN', reason: 'missing-scope' });
    expect(await outcome('createTenant', { principal: writer })).toEqual({ code: 'FORBIDDEN', reason: 'missing-scope' });
  });
});
