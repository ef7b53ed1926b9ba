import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import type { Response } from 'express';
import { asDependencyOutage, outageSummary } from './dependency-outage';
import { DomainError, publicCode, type ErrorCode } from './domain-error';

export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'BAD_USER_INPUT':
    case 'FAILED_PRECONDITION':
      return 400;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'TOO_MANY_REQUESTS':
      return 429;
    case 'UNAVAILABLE':
      return 503;
  }
}

/** Domain errors on plain HTTP routes (token endpoint, webhooks): status plus `{code, message}`. */
@Catch(DomainError)
export class DomainErrorHttpFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): unknown {
    // GraphQL and gRPC map errors themselves; hand the error back to them untouched.
    if (host.getType() !== 'http') return error;
    const res = host.switchToHttp().getResponse<Response>();
    res.status(httpStatus(error.code)).json({ code: publicCode(error.code), message: error.message, ...(error.details ?? {}) });
    return undefined;
  }
}

/** The platform's error code for an HTTP status (GraphQL and plain HTTP answer the same). */
export function codeOfStatus(status: number): ErrorCode | 'INTERNAL_SERVER_ERROR' {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'TOO_MANY_REQUESTS';
  if (status === 503) return 'UNAVAILABLE';
  return status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR';
}

/**
 * Nest's own HTTP exceptions on plain HTTP routes, including the body parser's refusals
 * (malformed JSON, a body over the limit), answered in the platform's shape: the status plus
 * `{code, message}`, like every domain error. Server errors keep their status but say nothing.
 */
@Catch(HttpException)
export class HttpExceptionCodeFilter implements ExceptionFilter {
  catch(error: HttpException, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return error;
    const status = error.getStatus();
    const res = host.switchToHttp().getResponse<Response>();
    const body = error.getResponse();
    // Already in the platform's shape (the token endpoint's RFC 6749 errors carry their code).
    if (typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string' && status < 500) {
      res.status(status).json(body);
      return undefined;
    }
    const code = codeOfStatus(status);
    const message = code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : error.message;
    res.status(status).json({ code, message });
    return undefined;
  }
}

const logger = new Logger('HTTP');

/**
 * Everything else a plain HTTP route throws. A dependency outage (the database or Temporal not
 * answering) is 503 `UNAVAILABLE`, so the caller retries (a carrier retries its webhook); any
 * other error is a bug: logged with its stack, answered 500 `INTERNAL_SERVER_ERROR`, masked.
 * Domain and Nest errors get the answers of the two filters above whichever filter Nest picks.
 * GraphQL and gRPC map errors themselves: they get the error back as Nest would hand it on.
 */
@Catch()
export class UnexpectedErrorHttpFilter implements ExceptionFilter {
  private readonly domain = new DomainErrorHttpFilter();
  private readonly nest = new HttpExceptionCodeFilter();
  private readonly rpc = new BaseRpcExceptionFilter();

  catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType() === 'rpc') return this.rpc.catch(error, host);
    if (host.getType() !== 'http') return error;
    if (error instanceof DomainError) return this.domain.catch(error, host);
    if (error instanceof HttpException) return this.nest.catch(error, host);
    const res = host.switchToHttp().getResponse<Response>();
    const outage = asDependencyOutage(error);
    if (outage) {
      logger.warn(`HTTP request refused, a dependency is unavailable: ${outageSummary(error)}`);
      return this.domain.catch(outage, host);
    }
    logger.error({ err: error }, 'unexpected error on an HTTP route');
    res.status(500).json({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
    return undefined;
  }
}
