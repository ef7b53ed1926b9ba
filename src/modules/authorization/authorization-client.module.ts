import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/app-config';
import { ReadinessChecks } from '../../platform/health/readiness';
import { GrpcAuthorizationApi } from './adapters/grpc/grpc-authorization-api';
import { AuthorizationService } from './application/authorization.service';
import { AuthorizationModule } from './authorization.module';
import { AUTHORIZATION_API } from './ports/authorization-api.port';

const logger = new Logger('Ports');

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
        remote === null
          ? {
              provide: AUTHORIZATION_API,
              inject: [AuthorizationService],
              useFactory: (service: AuthorizationService) => {
                logger.log('authorization api: in-process');
                return service;
              },
            }
          : {
              provide: AUTHORIZATION_API,
              inject: [ReadinessChecks],
              useFactory: (readiness: ReadinessChecks) => {
                logger.log(`authorization api: grpc (${remote}, the caller's token forwarded)`);
                const api = new GrpcAuthorizationApi(remote);
                readiness.register({ name: `authorization module (grpc ${remote})`, check: () => api.ping() });
                return api;
              },
            },
      ],
      exports: [AUTHORIZATION_API],
    };
  }
}
