import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { DomainError, forbidden, unauthenticated } from '../../../platform/errors/domain-error';
import type { AuthenticatedRequest } from '../http/authentication.middleware';
import { REQUIRED_SCOPES } from './require-scopes.decorator';

/**
 * Fails closed: a resolver without `@RequireScopes` is refused, a request without a valid token
 * is UNAUTHENTICATED, and one whose token lacks a scope is FORBIDDEN.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]);
    if (!required) throw new DomainError('FORBIDDEN', 'This operation declares no required scope and is refused');
    const req = GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
    if (req.authError) throw req.authError;
    if (!req.principal) throw unauthenticated();
    const missing = required.filter((scope) => !req.principal!.scopes.includes(scope));
    if (missing.length) throw forbidden(`Missing scope: ${missing.join(' ')}`);
    return true;
  }
}
