import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth.module';
import { SigningKeysService } from '../../application/signing-keys.service';
import { TenantOnboardingService } from '../../application/tenant-onboarding.service';
import { InProcessAuthAdminApi } from '../in-process/in-process-auth-admin-api';
import { AuthAdminGrpcController, IN_PROCESS_AUTH_ADMIN } from './auth-admin.grpc-controller';

/**
 * The auth module's gRPC API (AuthAdminService), hosted with the module. Apart from AuthModule
 * because it asks the authorization module, which a process hosting auth hosts too, while the
 * authorization module itself verifies tokens with auth's keys.
 */
@Module({
  imports: [AuthModule],
  controllers: [AuthAdminGrpcController],
  providers: [
    {
      provide: IN_PROCESS_AUTH_ADMIN,
      inject: [TenantOnboardingService, SigningKeysService],
      useFactory: (onboarding: TenantOnboardingService, keys: SigningKeysService) => new InProcessAuthAdminApi(onboarding, keys),
    },
  ],
})
export class AuthAdminGrpcModule {}
