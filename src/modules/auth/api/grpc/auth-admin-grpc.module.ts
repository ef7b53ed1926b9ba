import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth.module';
import { AuthAdminGrpcController } from './auth-admin.grpc-controller';

/**
 * The auth module's gRPC API (AuthAdminService), hosted with the module. Apart from AuthModule
 * because it asks the authorization module, which a process hosting auth hosts too, while the
 * authorization module itself verifies tokens with auth's keys.
 */
@Module({
  imports: [AuthModule],
  controllers: [AuthAdminGrpcController],
})
export class AuthAdminGrpcModule {}
