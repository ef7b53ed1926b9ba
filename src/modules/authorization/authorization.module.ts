import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../../platform/config/app-config';
import { AuthModule } from '../auth';
import { AuthorizationGrpcController } from './api/grpc/authorization.grpc-controller';
import { AuthorizationService } from './application/authorization.service';
import { createLoggedPolicyEngine } from './policy-engine.factory';
import { POLICY_ENGINE } from './ports/policy-engine.port';

/**
 * Authorization as policy: `AuthorizationService` in-process, and
 * `logisynapse.authorization.v1.AuthorizationService/Authorize` over gRPC. Global, so every
 * module's API (GraphQL gateway, gRPC controllers) asks the same service.
 */
@Global()
@Module({
  imports: [AuthModule],
  controllers: [AuthorizationGrpcController],
  providers: [{ provide: POLICY_ENGINE, inject: [APP_CONFIG], useFactory: createLoggedPolicyEngine }, AuthorizationService],
  exports: [AuthorizationService, POLICY_ENGINE],
})
export class AuthorizationModule {}
