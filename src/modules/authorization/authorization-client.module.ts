import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/app-config';
import { moduleApiProvider } from '../../platform/grpc/module-api.provider';
import { GrpcAuthorizationApi } from './adapters/grpc/grpc-authorization-api';
import { AuthorizationService } from './application/authorization.service';
import { AuthorizationModule } from './authorization.module';
import { AUTHORIZATION_API, type AuthorizationApi } from './ports/authorization-api.port';

/**
 * `AUTHORIZATION_API` for modules that ask the policy (the gateway): in-process when this process
 * hosts the authorization module, otherwise a gRPC client of the process at AUTHORIZATION_GRPC_URL.
 * Config has already refused every other case.
 */
@Module({})
export class AuthorizationClientModule {
  static forRoot(config: AppConfig): DynamicModule {
    const hosted = config.modules.includes('authorization');
    const remote = hosted ? null : config.grpcClients.authorization;
    if (remote === null && !hosted) throw new Error('the authorization module is neither hosted nor given an AUTHORIZATION_GRPC_URL');
    return {
      module: AuthorizationClientModule,
      imports: hosted ? [AuthorizationModule] : [],
      providers: [
        moduleApiProvider<AuthorizationApi>({
          provide: AUTHORIZATION_API,
          module: 'authorization',
          remote,
          inProcess: { inject: [AuthorizationService], useFactory: (service: AuthorizationService) => service },
          overGrpc: (address) => new GrpcAuthorizationApi(address),
        }),
      ],
      exports: [AUTHORIZATION_API],
    };
  }
}
