import { Body, Controller, Get, Headers, HttpCode, HttpException, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TokenRequestLimiter, clientAddressKey } from '../application/token-request-limiter';
import { ApiClientsService } from '../application/api-clients.service';
import { SigningKeysService } from '../application/signing-keys.service';
import { TokensService } from '../application/tokens.service';
import { narrowScopes } from '../domain/scopes';
import { APP_CONFIG, type AppConfig } from '../../../platform/config/app-config';
import { postgresTextProblem } from '../../../platform/validation/postgres-text';
import { clientAddress } from './client-address';

type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

/** RFC 6749 §5.2 error response; `code` is the platform's error code for the same failure. */
export class OAuthError extends HttpException {
  constructor(error: OAuthErrorCode, description: string) {
    const status = error === 'invalid_client' ? 401 : 400;
    super({ error, error_description: description, code: status === 401 ? 'UNAUTHENTICATED' : 'BAD_USER_INPUT' }, status);
  }
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before Basic; a broken escape is a bad request, not a 500. */
function formDecoded(value: string, name: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new OAuthError('invalid_request', `${name} in the Basic credentials is not correctly percent-encoded`);
  }
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (!header?.toLowerCase().startsWith('basic ')) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { id: formDecoded(decoded.slice(0, colon), 'client_id'), secret: formDecoded(decoded.slice(colon + 1), 'client_secret') };
}

/** Parameters PostgreSQL could not even look up (NUL, lone surrogates: ADR 0030) are a bad request, refused before anything. */
function assertStorableParameters(parameters: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(parameters)) {
    const problem = value === undefined ? null : postgresTextProblem(value);
    if (problem) throw new OAuthError('invalid_request', `${name} ${problem}`);
  }
}

const field = (body: Record<string, unknown>, name: string): string | undefined => {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
};

/** Refused while a client id from this address, or the address, has failed too often (RFC 6585 429, with Retry-After). */
export class TooManyAttemptsError extends HttpException {
  constructor(retryAfterSeconds: number) {
    super({ error: 'invalid_request', error_description: `Too many failed attempts; retry in ${retryAfterSeconds} s`, code: 'TOO_MANY_REQUESTS' }, 429);
  }
}

/** OAuth2 client credentials grant (RFC 6749 §4.4) and the public keys that verify its tokens. */
@Controller()
export class OAuthController {
  constructor(
    private readonly limiter: TokenRequestLimiter,
    private readonly clients: ApiClientsService,
    private readonly tokens: TokensService,
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('oauth/token')
  @HttpCode(200)
  async token(
    @Body() body: Record<string, unknown> | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const address = `ip:${clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], this.config.auth.trustedProxyHops)}`;
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    const params = body && typeof body === 'object' ? body : {};
    const grantType = field(params, 'grant_type');
    const basic = basicCredentials(authorization);
    const clientId = basic?.id ?? field(params, 'client_id');
    const clientSecret = basic?.secret ?? field(params, 'client_secret');
    const scope = field(params, 'scope');
    assertStorableParameters({ grant_type: grantType, client_id: clientId, client_secret: clientSecret, scope });
    if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required');
    if (grantType !== 'client_credentials') throw new OAuthError('unsupported_grant_type', 'Only client_credentials is supported');
    if (!clientId || !clientSecret) throw new OAuthError('invalid_request', 'client_id and client_secret are required');
    const clientKey = clientAddressKey(clientId, address);
    const { retryAfterMs: waitMs, clientHasFailures } = await this.limiter.check(clientKey, address);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      response.setHeader('Retry-After', String(seconds));
      throw new TooManyAttemptsError(seconds);
    }
    const principal = clientId.length <= 200 && clientSecret.length <= 500 ? await this.clients.authenticate(clientId, clientSecret) : null;
    if (!principal) {
      await this.limiter.recordFailure(clientKey, address);
      throw new OAuthError('invalid_client', 'Client authentication failed');
    }
    if (clientHasFailures) await this.limiter.forgive(clientKey);
    const scopes = narrowScopes(principal.scopes, scope);
    if (!scopes) throw new OAuthError('invalid_scope', `Requested scope exceeds what the client was granted (${principal.scopes.join(' ')})`);
    return this.tokens.issue({ ...principal, scopes });
  }

  @Get('.well-known/jwks.json')
  jwks() {
    return this.keys.jwks();
  }
}
