import { Module } from '@nestjs/common';
import { TenancyModule } from '../tenancy';
import { OAuthController } from './api/oauth.controller';
import { ApiClientsService } from './application/api-clients.service';
import { CredentialsBootstrap } from './application/credentials-bootstrap';
import { SigningKeysService } from './application/signing-keys.service';
import { TokensService } from './application/tokens.service';

@Module({
  imports: [TenancyModule],
  controllers: [OAuthController],
  providers: [SigningKeysService, TokensService, ApiClientsService, CredentialsBootstrap],
  exports: [TokensService, ApiClientsService, SigningKeysService],
})
export class AuthModule {}
