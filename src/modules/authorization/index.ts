// Public surface of the authorization module.
export { AuthorizationModule } from './authorization.module';
export { AuthorizationClientModule } from './authorization-client.module';
export { AUTHORIZATION_API, type AuthorizationApi } from './ports/authorization-api.port';
export { CALLER_VERIFIER, type CallerVerifier } from './ports/caller-verifier.port';
export { AuthorizationService, callerObject } from './application/authorization.service';
export * from './contracts/authorization.contracts';
export { POLICY_ENGINE, type PolicyEngine, type PolicyEngineName } from './ports/policy-engine.port';
export { createPolicyEngine } from './policy-engine.factory';
export { RequireAction, AuthenticatedOnly, REQUIRED_ACTION, AUTHENTICATED_ONLY, requiredActionOf } from './api/require-action.decorator';
export { AUTHORIZATION_GRPC_PACKAGE, AUTHORIZATION_PROTO_PATH } from './api/grpc/authorization.grpc-controller';
export { tenantRpcCaller } from './api/grpc/tenant-rpc-caller';
