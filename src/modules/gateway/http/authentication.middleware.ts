import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { TokensService, type Principal } from '../../auth';
import { TenantContext } from '../../tenancy';
import { DomainError } from '../../../platform/errors/domain-error';

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
  authError?: DomainError;
}

/**
 * Verifies the bearer token of a request and, for a tenant's token, runs the rest of the request
 * inside that tenant's context. The tenant comes from the verified token only, never from a
 * header. Resolvers decide with a guard whether a missing or bad token matters.
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  constructor(private readonly tokens: TokensService) {}

  async use(req: AuthenticatedRequest, _res: Response, next: NextFunction): Promise<void> {
    const header = req.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      try {
        if (!match?.[1]) throw new DomainError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>"');
        req.principal = await this.tokens.verify(match[1]);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        req.authError = error;
      }
    }
    const tenantId = req.principal?.tenantId;
    if (tenantId) TenantContext.run(tenantId, next);
    else next();
  }
}
