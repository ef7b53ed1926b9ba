import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/app-config';
import { ReadinessChecks } from '../../platform/health/readiness';
import { GrpcNotificationsApi } from './adapters/grpc/grpc-notifications-api';
import { InProcessNotificationsApi } from './api/in-process/in-process-notifications-api';
import { NotificationsService } from './application/notifications.service';
import { CommunicationsModule } from './communications.module';
import { NOTIFICATIONS_API } from './ports/notifications-api.port';

const logger = new Logger('Ports');

/**
 * `NOTIFICATIONS_API` for modules that ask the communications module (the gateway): in-process
 * when this process hosts it, otherwise a gRPC client of the process at COMMUNICATIONS_GRPC_URL.
 * Config has already refused every other case.
 */
@Module({})
export class CommunicationsClientModule {
  static forRoot(config: AppConfig): DynamicModule {
    const hosted = config.modules.includes('communications');
    const remote = hosted ? null : config.grpcClients.communications;
    if (remote === null && !hosted) throw new Error('the communications module is neither hosted nor given a COMMUNICATIONS_GRPC_URL');
    return {
      module: CommunicationsClientModule,
      imports: hosted ? [CommunicationsModule] : [],
      providers: [
        remote === null
          ? {
              provide: NOTIFICATIONS_API,
              inject: [NotificationsService],
              useFactory: (notifications: NotificationsService) => {
                logger.log('notifications api: in-process');
                return new InProcessNotificationsApi(notifications);
              },
            }
          : {
              provide: NOTIFICATIONS_API,
              inject: [ReadinessChecks],
              useFactory: (readiness: ReadinessChecks) => {
                logger.log(`notifications api: grpc (${remote}, the caller's token forwarded)`);
                const api = new GrpcNotificationsApi(remote);
                readiness.register({ name: `communications module (grpc ${remote})`, check: () => api.ping() });
                return api;
              },
            },
      ],
      exports: [NOTIFICATIONS_API],
    };
  }
}
