import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { APP_CONFIG, type AppConfig } from '../../../platform/config/app-config';
import { unauthenticated } from '../../../platform/errors/domain-error';
import type { Principal } from '../domain/scopes';
import { SIGNING_ALGORITHM, SigningKeysService } from './signing-keys.service';
import { VerifiedTokens } from './verified-tokens';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
const CLOCK_SKEW_SECONDS = 30;
/** Distinct tokens remembered as verified (a few hundred bytes each); far more than the clients one process serves at once. */
const VERIFIED_TOKENS_CAPACITY = 4096;

/** Issues and verifies access tokens (RFC 9068 profile; RFC 8725 practices). */
@Injectable()
export class TokensService {
  private readonly verified = new VerifiedTokens(VERIFIED_TOKENS_CAPACITY);

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(principal: Principal): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }> {
    const { kid, privateKey } = this.keys.current();
    const ttl = this.config.auth.tokenTtlSeconds;
    const token = await new SignJWT({ tenant_id: principal.tenantId, scope: principal.scopes.join(' '), client_id: principal.clientId })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.config.auth.issuer)
      .setAudience(this.config.auth.audience)
      .setSubject(principal.clientId)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${ttl}s`)
      .setJti(randomUUID())
      .sign(privateKey);
    return { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: principal.scopes.join(' ') };
  }

  /**
   * Verifies a token against our own keys only: the algorithm is pinned, `jku`, `x5u` and
   * embedded `jwk` headers are never followed, and `iss`, `aud`, `exp`, `nbf`, `typ` are checked.
   */
  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known) {
      // Verified before and unexpired; its key must still be one we verify with (not retired).
      if ((await this.keys.publicKeyFor(known.kid)) === known.key) return known.principal;
      this.verified.delete(token);
    }
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw unauthenticated('Malformed access token');
    }
    if (!kid) throw unauthenticated('Access token has no key id');
    const key = await this.keys.publicKeyFor(kid);
    if (!key) throw unauthenticated('Access token signed with an unknown key');
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [SIGNING_ALGORITHM],
        issuer: this.config.auth.issuer,
        audience: this.config.auth.audience,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      const tenantId = payload.tenant_id;
      if (tenantId !== null && typeof tenantId !== 'string') throw unauthenticated('Access token has an invalid tenant');
      const scope = typeof payload.scope === 'string' ? payload.scope : '';
      const principal = { clientId: payload.sub as string, tenantId, scopes: scope.split(' ').filter(Boolean) };
      return this.verified.set(token, { principal, kid, key, validUntilMs: ((payload.exp as number) + CLOCK_SKEW_SECONDS) * 1000 });
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('Access token expired');
      if (error instanceof joseErrors.JOSEError) throw unauthenticated(`Access token rejected: ${error.code}`);
      throw error;
    }
  }

  /**
   * The caller of a gRPC method, from its `authorization` metadata ("Bearer <token>"), verified
   * here: each receiving module checks the token itself, and trusts no other metadata.
   */
  verifyMetadata(metadata: { get(key: string): unknown[] }): Promise<Principal> {
    const header = metadata.get('authorization')[0];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) return Promise.reject(unauthenticated('authorization metadata must be "Bearer <token>"'));
    return this.verify(match[1]);
  }
}
