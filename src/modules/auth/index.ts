export { AuthModule } from './auth.module';
export { TokenVerificationModule } from './token-verification.module';
export { AuthAdminClientModule } from './auth-admin-client.module';
export { AuthAdminGrpcModule } from './api/grpc/auth-admin-grpc.module';
export { TokensService } from './application/tokens.service';
export { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier } from './ports/access-token-verifier.port';
export { AUTH_ADMIN_API, type AuthAdminApi } from './ports/auth-admin-api.port';
export { AUTH_ADMIN_GRPC_PACKAGE, AUTH_ADMIN_PROTO_PATH } from './api/grpc/auth-admin.grpc-controller';
export { BEARER_STRATEGY } from './api/bearer-token.strategy';
export { ApiClientsService, type ClientCredentials } from './application/api-clients.service';
export { TenantOnboardingService, type TenantCredentials } from './application/tenant-onboarding.service';
export { SigningKeysService } from './application/signing-keys.service';
export { TENANT_SCOPES, ADMIN_SCOPES, type Principal } from './domain/scopes';
// The caller's token on outgoing gRPC calls: platform plumbing, named here too for the callers.
export { CallerCredentials, MissingCallerCredentialsError } from '../../platform/grpc/caller-credentials';
export { readDemoCredentials } from './application/credentials-bootstrap';
