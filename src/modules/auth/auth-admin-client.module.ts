import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/app-config';
import { moduleApiProvider } from '../../platform/grpc/module-api.provider';
import { GrpcAuthAdminApi } from './adapters/grpc/grpc-auth-admin-api';
import { InProcessAuthAdminApi } from './api/in-process/in-process-auth-admin-api';
import { AuthModule } from './auth.module';
import { AUTH_ADMIN_API, type AuthAdminApi } from './ports/auth-admin-api.port';

/**
 * `AUTH_ADMIN_API` for the gateway: in-process when this process hosts the auth module, otherwise
 * a gRPC client of the process at AUTH_GRPC_URL. Config has already refused every other case.
 */
@Module({})
export class AuthAdminClientModule {
  static forRoot(config: AppConfig): DynamicModule {
    const hosted = config.modules.includes('auth');
    const remote = hosted ? null : config.grpcClients.auth;
    if (remote === null && !hosted) throw new Error('the auth module is neither hosted nor given an AUTH_GRPC_URL');
    return {
      module: AuthAdminClientModule,
      imports: hosted ? [AuthModule] : [],
      providers: [
        moduleApiProvider<AuthAdminApi>({
          provide: AUTH_ADMIN_API,
          module: 'auth',
          remote,
          inProcess: {
            inject: [InProcessAuthAdminApi],
            useFactory: (admin: InProcessAuthAdminApi) => admin,
          },
          overGrpc: (address) => new GrpcAuthAdminApi(address),
          // Only the administrators' mutations need it; tokens are verified with the keys already
          // held (JWKS), so the gateway stays ready while the auth process is away.
          readinessDependsOnIt: false,
        }),
      ],
      exports: [AUTH_ADMIN_API],
    };
  }
}
