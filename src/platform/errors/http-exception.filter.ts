import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type ErrorCode } from './domain-error';

export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'BAD_USER_INPUT':
      return 400;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'TOO_MANY_REQUESTS':
      return 429;
  }
}

/** Domain errors on plain HTTP routes (token endpoint, webhooks): status plus `{code, message}`. */
@Catch(DomainError)
export class DomainErrorHttpFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): unknown {
    // GraphQL and gRPC map errors themselves; hand the error back to them untouched.
    if (host.getType() !== 'http') return error;
    const res = host.switchToHttp().getResponse<Response>();
    res.status(httpStatus(error.code)).json({ code: error.code, message: error.message, ...(error.details ?? {}) });
    return undefined;
  }
}
