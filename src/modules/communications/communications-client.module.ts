import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/app-config';
import { moduleApiProvider } from '../../platform/grpc/module-api.provider';
import { GrpcNotificationsApi } from './adapters/grpc/grpc-notifications-api';
import { InProcessNotificationsApi } from './api/in-process/in-process-notifications-api';
import { NotificationsService } from './application/notifications.service';
import { CommunicationsModule } from './communications.module';
import { NOTIFICATIONS_API, type NotificationsApi } from './ports/notifications-api.port';

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
        moduleApiProvider<NotificationsApi>({
          provide: NOTIFICATIONS_API,
          module: 'notifications',
          remote,
          inProcess: { inject: [NotificationsService], useFactory: (notifications: NotificationsService) => new InProcessNotificationsApi(notifications) },
          overGrpc: (address) => new GrpcNotificationsApi(address),
        }),
      ],
      exports: [NOTIFICATIONS_API],
    };
  }
}
