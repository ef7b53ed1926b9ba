import type { AuthorizationObject, AuthorizationSubject } from '../contracts/authorization.contracts';

/**
 * What another module's API asks of the authorization module: may the caller do this? In-process
 * (AuthorizationService) when the process hosts the module, else over gRPC at
 * AUTHORIZATION_GRPC_URL with the caller's own token (GrpcAuthorizationApi).
 */
export interface AuthorizationApi {
  /**
   * Resolves when `subject` may perform `action` on `object`; otherwise FORBIDDEN with the
   * decision's reason (`extensions.reason`), UNAVAILABLE when no decision could be had.
   */
  assertAllowed(subject: AuthorizationSubject, action: string, object: AuthorizationObject): Promise<void>;
}

export const AUTHORIZATION_API = Symbol('AUTHORIZATION_API');
