import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import type { Principal } from '../domain/scopes';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier } from '../ports/access-token-verifier.port';

export const BEARER_STRATEGY = 'logisynapse-bearer';

/**
 * Passport's bearer strategy over this process's token verifier (ES256 pinned, the auth module's
 * keys only, iss/aud/exp/nbf/typ checked). A rejected token surfaces as the verifier's
 * UNAUTHENTICATED error.
 */
@Injectable()
export class BearerTokenStrategy extends PassportStrategy(Strategy, BEARER_STRATEGY) {
  constructor(@Inject(ACCESS_TOKEN_VERIFIER) private readonly tokens: AccessTokenVerifier) {
    super();
  }

  validate(token: string): Promise<Principal> {
    return this.tokens.verify(token);
  }
}
