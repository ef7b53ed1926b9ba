import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AUTHORIZATION_API, callerObject, isAction, REQUIRED_ACTION, type Action, type AuthorizationApi } from '../../authorization';
import { DomainError, unauthenticated } from '../../../platform/errors/domain-error';
import type { AuthenticatedRequest } from '../http/authentication.middleware';

/**
 * Fails closed: an operation without `@RequireAction` is refused; a request without a valid token
 * (verified by AuthenticationMiddleware) is UNAUTHENTICATED; otherwise the authorization module
 * (in-process or over gRPC) decides whether the caller may perform the declared action (FORBIDDEN with the reason when not,
 * UNAVAILABLE when the policy engine cannot decide).
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHORIZATION_API) private readonly authorization: AuthorizationApi,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const action = this.reflector.get<Action | undefined>(REQUIRED_ACTION, context.getHandler());
    if (!isAction(action)) throw new DomainError('FORBIDDEN', 'This operation declares no action and is refused');
    const req = GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
    if (req.authError) throw req.authError;
    if (!req.principal) throw unauthenticated();
    await this.authorization.assertAllowed(req.principal, action, callerObject(req.principal, action));
    return true;
  }
}
