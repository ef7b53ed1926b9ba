import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ReadinessChecks } from '../../platform/health/readiness';
import { APP_CONFIG } from '../../platform/config/app-config';
import { AuthorizationGrpcController } from './api/grpc/authorization.grpc-controller';
import { AuthorizationService } from './application/authorization.service';
import { createLoggedPolicyEngine } from './policy-engine.factory';
import { POLICY_ENGINE, type PolicyEngine } from './ports/policy-engine.port';

/**
 * Authorization as policy: `AuthorizationService` in-process, and
 * `logisynapse.authorization.v1.AuthorizationService/Authorize` over gRPC. Global, so every
 * module's API (GraphQL gateway, gRPC controllers) asks the same service. Its gRPC API verifies
 * tokens with the process's ACCESS_TOKEN_VERIFIER (the auth module's keys, in-process or from its
 * JWKS), so it does not need the auth module beside it (ADR 0044).
 */
@Global()
@Module({
  controllers: [AuthorizationGrpcController],
  providers: [{ provide: POLICY_ENGINE, inject: [APP_CONFIG], useFactory: createLoggedPolicyEngine }, AuthorizationService],
  exports: [AuthorizationService, POLICY_ENGINE],
})
export class AuthorizationModule implements OnModuleInit {
  constructor(
    @Inject(POLICY_ENGINE) private readonly engine: PolicyEngine,
    private readonly readiness: ReadinessChecks,
  ) {}

  /** Without its policy engine the process refuses every request, so it is not ready. */
  onModuleInit(): void {
    this.readiness.register({ name: `policy engine (${this.engine.name})`, check: () => this.engine.ping() });
  }
}
