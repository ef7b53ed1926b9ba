import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import { BEARER_STRATEGY, CallerCredentials, type Principal } from '../../auth';
import { TenantContext } from '../../tenancy';
import { DomainError } from '../../../platform/errors/domain-error';

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
  authError?: DomainError;
}

/**
 * Verifies the bearer token of a request (Passport, with the auth module's strategy) and, for a
 * tenant's token, runs the rest of the request inside that tenant's context. The tenant comes
 * from the verified token only, never from a header. The verified token itself is kept for the
 * request too (CallerCredentials), for calls to modules hosted by another process. A middleware rather than a guard, because
 * the tenant context must wrap the whole execution; resolvers decide with a guard whether a
 * missing or bad token matters.
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  use(req: AuthenticatedRequest, res: Response, next: NextFunction): void {
    const header = req.headers.authorization;
    if (!header) return next();
    if (!/^Bearer\s+\S+$/i.test(header)) {
      req.authError = new DomainError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>"');
      return next();
    }
    const authenticate = passport.authenticate(BEARER_STRATEGY, { session: false }, (error: unknown, principal: Principal | false) => {
      if (error instanceof DomainError) req.authError = error;
      else if (error) return next(error);
      else if (principal) req.principal = principal;
      else req.authError = new DomainError('UNAUTHENTICATED', 'A valid access token is required');
      if (!req.principal) return next();
      // The verified token travels on with the request: a module in another process verifies it again.
      const token = header.replace(/^Bearer\s+/i, '');
      const tenantId = req.principal.tenantId;
      CallerCredentials.run(token, () => (tenantId ? TenantContext.run(tenantId, next) : next()));
    }) as (req: Request, res: Response, next: NextFunction) => void;
    authenticate(req, res, next);
  }
}
