/**
 * Errors the platform shows to callers. Each carries a code from the public contract; every
 * transport (GraphQL, gRPC, HTTP) maps the code to its own status. Anything else is internal and
 * is masked.
 */
/** `UNAVAILABLE`: a service this request depends on cannot answer now (retry later); never a grant. */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_REQUESTS' | 'UNAVAILABLE';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) => new DomainError('BAD_USER_INPUT', message, details);
export const unauthenticated = (message = 'A valid access token is required') => new DomainError('UNAUTHENTICATED', message);
export const forbidden = (message = 'Not allowed') => new DomainError('FORBIDDEN', message);
export const notFound = (message: string) => new DomainError('NOT_FOUND', message);
export const unavailable = (message: string) => new DomainError('UNAVAILABLE', message);
