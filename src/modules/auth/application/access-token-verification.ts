import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type CryptoKey } from 'jose';
import { unauthenticated } from '../../../platform/errors/domain-error';
import type { Principal } from '../domain/scopes';
import type { VerifiedTokens } from './verified-tokens';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const SIGNING_ALGORITHM = 'ES256';
const CLOCK_SKEW_SECONDS = 30;
/** Distinct tokens remembered as verified (a few hundred bytes each); far more than the clients one process serves at once. */
export const VERIFIED_TOKENS_CAPACITY = 4096;

export interface TokenVerificationOptions {
  issuer: string;
  audience: string;
  /** The verification key for `kid` among the keys this process trusts now (null: none; a retired key is none). */
  keyFor(kid: string): Promise<CryptoKey | null>;
  verified: VerifiedTokens;
}

/**
 * Verifies an access token (RFC 9068 profile; RFC 8725 practices) against the keys `keyFor`
 * trusts only: the algorithm is pinned, `jku`, `x5u` and embedded `jwk` headers are never
 * followed, and `iss`, `aud`, `exp`, `nbf`, `typ` are checked. A token verified before is taken
 * from `verified` while its key is still the one `keyFor` gives (a retired key fails its tokens).
 */
export async function verifyAccessToken(token: string, options: TokenVerificationOptions): Promise<Principal> {
  const known = options.verified.get(token);
  if (known) {
    if ((await options.keyFor(known.kid)) === known.key) return known.principal;
    options.verified.delete(token);
  }
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw unauthenticated('Malformed access token');
  }
  if (!kid) throw unauthenticated('Access token has no key id');
  const key = await options.keyFor(kid);
  if (!key) throw unauthenticated('Access token signed with an unknown key');
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [SIGNING_ALGORITHM],
      issuer: options.issuer,
      audience: options.audience,
      typ: ACCESS_TOKEN_TYPE,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    const tenantId = payload.tenant_id;
    if (tenantId !== null && typeof tenantId !== 'string') throw unauthenticated('Access token has an invalid tenant');
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    const principal = { clientId: payload.sub as string, tenantId, scopes: scope.split(' ').filter(Boolean) };
    return options.verified.set(token, { principal, kid, key, validUntilMs: ((payload.exp as number) + CLOCK_SKEW_SECONDS) * 1000 });
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw unauthenticated('Access token expired');
    if (error instanceof joseErrors.JOSEError) throw unauthenticated(`Access token rejected: ${error.code}`);
    throw error;
  }
}

/**
 * The bearer token of a gRPC call's `authorization` metadata ("Bearer <token>"): each receiving
 * module checks the token itself, and trusts no other metadata.
 */
export function bearerTokenOfMetadata(metadata: { get(key: string): unknown[] }): string {
  const header = metadata.get('authorization')[0];
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) throw unauthenticated('authorization metadata must be "Bearer <token>"');
  return match[1];
}
