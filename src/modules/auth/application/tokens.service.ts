import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { APP_CONFIG, type AppConfig } from '../../../platform/config/app-config';
import type { Principal } from '../domain/scopes';
import type { AccessTokenVerifier } from '../ports/access-token-verifier.port';
import { ACCESS_TOKEN_TYPE, SIGNING_ALGORITHM, VERIFIED_TOKENS_CAPACITY, bearerTokenOfMetadata, verifyAccessToken, type TokenVerificationOptions } from './access-token-verification';
import { SigningKeysService } from './signing-keys.service';
import { VerifiedTokens } from './verified-tokens';

export { ACCESS_TOKEN_TYPE };

/**
 * Issues and verifies access tokens (RFC 9068 profile; RFC 8725 practices): the verifier of a
 * process that hosts the auth module (the others verify against its JWKS, ADR 0044).
 */
@Injectable()
export class TokensService implements AccessTokenVerifier {
  private readonly verification: TokenVerificationOptions;

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.verification = {
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      keyFor: (kid) => keys.publicKeyFor(kid),
      verified: new VerifiedTokens(VERIFIED_TOKENS_CAPACITY),
    };
  }

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

  /** Verifies a token against this process's own unretired keys (access-token-verification.ts says what is checked). */
  verify(token: string): Promise<Principal> {
    return verifyAccessToken(token, this.verification);
  }

  /** The caller of a gRPC method, from its `authorization` metadata ("Bearer <token>"). */
  async verifyMetadata(metadata: { get(key: string): unknown[] }): Promise<Principal> {
    return this.verify(bearerTokenOfMetadata(metadata));
  }
}
