import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config';
import { TenancyModule } from '../tenancy';
import { ApiClientsRepository } from './adapters/typeorm/api-clients.repository';
import { SigningKeysRepository } from './adapters/typeorm/signing-keys.repository';
import { TokenRequestFailuresRepository } from './adapters/typeorm/token-request-failures.repository';
import { InProcessAuthAdminApi } from './api/in-process/in-process-auth-admin-api';
import { OAuthController } from './api/oauth.controller';
import { ApiClientsService } from './application/api-clients.service';
import { CredentialsBootstrap } from './application/credentials-bootstrap';
import { KEY_ENCRYPTION_KEY, resolveKeyEncryptionKey } from './application/key-encryption';
import { SigningKeysService } from './application/signing-keys.service';
import { TenantOnboardingService } from './application/tenant-onboarding.service';
import { TokenRequestLimiter } from './application/token-request-limiter';
import { TokensService } from './application/tokens.service';

@Module({
  imports: [TenancyModule],
  controllers: [OAuthController],
  providers: [
    { provide: KEY_ENCRYPTION_KEY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => resolveKeyEncryptionKey(config) },
    ApiClientsRepository,
    SigningKeysRepository,
    TokenRequestFailuresRepository,
    SigningKeysService,
    TokensService,
    TokenRequestLimiter,
    ApiClientsService,
    TenantOnboardingService,
    CredentialsBootstrap,
    InProcessAuthAdminApi,
  ],
  exports: [TokensService, ApiClientsService, SigningKeysService, TenantOnboardingService, InProcessAuthAdminApi],
})
export class AuthModule {}
