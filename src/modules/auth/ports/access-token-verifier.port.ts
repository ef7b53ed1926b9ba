import type { Principal } from '../domain/scopes';

/**
 * Who an access token names, checked by this process: against the auth module's own keys when the
 * process hosts it (TokensService), else against the keys the auth module publishes at its JWKS
 * (JwksTokenVerifier, AUTH_JWKS_URL; ADR 0044). Either way the same claims are checked
 * (access-token-verification.ts) and a bad token is UNAUTHENTICATED.
 */
export interface AccessTokenVerifier {
  verify(token: string): Promise<Principal>;
  /** The caller of a gRPC method, from its `authorization` metadata ("Bearer <token>"). */
  verifyMetadata(metadata: { get(key: string): unknown[] }): Promise<Principal>;
}

export const ACCESS_TOKEN_VERIFIER = Symbol('ACCESS_TOKEN_VERIFIER');
