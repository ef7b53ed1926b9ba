import { Module } from '@nestjs/common';
import { TenancyModule } from '../tenancy';
import { BearerTokenStrategy } from './api/bearer-token.strategy';
import { OAuthController } from './api/oauth.controller';
import { ApiClientsService } from './application/api-clients.service';
import { CredentialsBootstrap } from './application/credentials-bootstrap';
import { SigningKeysService } from './application/signing-keys.service';
import { TenantOnboardingService } from './application/tenant-onboarding.service';
import { TokenRequestLimiter } from './application/token-request-limiter';
import { TokensService } from './application/tokens.service';

@Module({
  imports: [TenancyModule],
  controllers: [OAuthController],
  providers: [BearerTokenStrategy, SigningKeysService, TokensService, TokenRequestLimiter, ApiClientsService, TenantOnboardingService, CredentialsBootstrap],
  exports: [TokensService, ApiClientsService, SigningKeysService, TenantOnboardingService],
})
export class AuthModule {}
