/**
 * Errors the platform shows to callers. Each carries a code from the public contract; every
 * transport (GraphQL, gRPC, HTTP) maps the code to its own status. Anything else is internal and
 * is masked.
 */
/**
 * `UNAVAILABLE`: a service this request depends on cannot answer now (retry later); never a grant.
 * `FAILED_PRECONDITION`: a valid request the object's state refuses (cancelling a delivered
 * shipment): gRPC's FAILED_PRECONDITION; GraphQL and HTTP answer it as BAD_USER_INPUT / 400.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'UNAVAILABLE'
  | 'FAILED_PRECONDITION';

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
export const failedPrecondition = (message: string, details?: Record<string, unknown>) => new DomainError('FAILED_PRECONDITION', message, details);

/** The code callers of GraphQL and plain HTTP see (their contracts have no FAILED_PRECONDITION). */
export const publicCode = (code: ErrorCode): ErrorCode => (code === 'FAILED_PRECONDITION' ? 'BAD_USER_INPUT' : code);
