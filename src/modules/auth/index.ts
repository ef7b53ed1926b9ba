export { AuthModule } from './auth.module';
export { TokensService } from './application/tokens.service';
export { BEARER_STRATEGY } from './api/bearer-token.strategy';
export { ApiClientsService, type ClientCredentials } from './application/api-clients.service';
export { TenantOnboardingService, type TenantCredentials } from './application/tenant-onboarding.service';
export { SigningKeysService } from './application/signing-keys.service';
export { TENANT_SCOPES, ADMIN_SCOPES, type Principal } from './domain/scopes';
export { CallerCredentials, MissingCallerCredentialsError } from './domain/caller-credentials';
export { readDemoCredentials } from './application/credentials-bootstrap';
