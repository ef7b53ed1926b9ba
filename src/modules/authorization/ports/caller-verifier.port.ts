import type { AuthorizationSubject } from '../contracts/authorization.contracts';

/**
 * Who the caller of a gRPC method is, from its `authorization` metadata, verified by this process.
 * Declared here and provided by the auth module (its ACCESS_TOKEN_VERIFIER: its own keys, or its
 * JWKS), so that the authorization module, which the auth module's API asks, does not import it
 * back (ADR 0044).
 */
export interface CallerVerifier {
  verifyMetadata(metadata: { get(key: string): unknown[] }): Promise<AuthorizationSubject & { scopes: string[] }>;
}

export const CALLER_VERIFIER = Symbol('CALLER_VERIFIER');
