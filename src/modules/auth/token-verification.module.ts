import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/app-config';
import { ReadinessChecks } from '../../platform/health/readiness';
import { adapterLogger } from '../../platform/logging/adapter-logger';
import { JwksTokenVerifier } from './adapters/jwks/jwks-token-verifier';
import { BearerTokenStrategy } from './api/bearer-token.strategy';
import { AuthModule } from './auth.module';
import { TokensService } from './application/tokens.service';
import { CALLER_VERIFIER } from '../authorization';
import { ACCESS_TOKEN_VERIFIER } from './ports/access-token-verifier.port';

const logger = adapterLogger('Ports');

/**
 * `ACCESS_TOKEN_VERIFIER` (and the bearer strategy over it) for every module of the process that
 * takes tokens: the gateway, and the gRPC APIs of shipments, communications and authorization.
 * The auth module's own TokensService when this process hosts it; otherwise a verifier of the
 * keys published at AUTH_JWKS_URL (ADR 0044), whose first read the process's readiness waits
 * for. Config has refused a module that takes tokens with neither; a process whose modules take
 * none (the workflow worker, the carriers' webhooks) gets none.
 */
@Module({})
export class TokenVerificationModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.modules.includes('auth')) {
      return {
        module: TokenVerificationModule,
        global: true,
        imports: [AuthModule],
        providers: [
          {
            provide: ACCESS_TOKEN_VERIFIER,
            inject: [TokensService],
            // Logged when the provider is made (the app's logger is in place by then), not at forRoot.
            useFactory: (tokens: TokensService) => {
              logger.info("token verifier: in-process (the auth module's keys)");
              return tokens;
            },
          },
          { provide: CALLER_VERIFIER, useExisting: TokensService },
          BearerTokenStrategy,
        ],
        exports: [ACCESS_TOKEN_VERIFIER, CALLER_VERIFIER],
      };
    }
    const jwksUrl = config.auth.jwksUrl;
    if (jwksUrl === null) return { module: TokenVerificationModule };
    return {
      module: TokenVerificationModule,
      global: true,
      providers: [
        {
          provide: JwksTokenVerifier,
          inject: [ReadinessChecks],
          useFactory: (readiness: ReadinessChecks) => {
            logger.info(`token verifier: the auth module's JWKS (${jwksUrl})`);
            const verifier = new JwksTokenVerifier({ jwksUrl, issuer: config.auth.issuer, audience: config.auth.audience }).start();
            readiness.register({ name: `auth module's signing keys (${jwksUrl})`, check: () => verifier.ping() });
            return verifier;
          },
        },
        { provide: ACCESS_TOKEN_VERIFIER, useExisting: JwksTokenVerifier },
        // The same verifier under the authorization module's own port (it does not import auth).
        { provide: CALLER_VERIFIER, useExisting: JwksTokenVerifier },
        BearerTokenStrategy,
      ],
      exports: [ACCESS_TOKEN_VERIFIER, CALLER_VERIFIER],
    };
  }
}
