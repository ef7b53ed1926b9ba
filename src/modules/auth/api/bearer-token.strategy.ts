import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { TokensService } from '../application/tokens.service';
import type { Principal } from '../domain/scopes';

export const BEARER_STRATEGY = 'logisynapse-bearer';

/**
 * Passport's bearer strategy over our own verifier (ES256 pinned, our JWKS only, iss/aud/exp/
 * nbf/typ checked). A rejected token surfaces as the verifier's UNAUTHENTICATED error.
 */
@Injectable()
export class BearerTokenStrategy extends PassportStrategy(Strategy, BEARER_STRATEGY) {
  constructor(private readonly tokens: TokensService) {
    super();
  }

  validate(token: string): Promise<Principal> {
    return this.tokens.verify(token);
  }
}
