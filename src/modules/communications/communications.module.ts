import { Logger, Module } from '@nestjs/common';
import { unknownAdapter } from '../../platform/config/adapter-config';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config';
import { AuthorizationModule } from '../authorization';
import { TenancyModule } from '../tenancy';
import { LogEmailSender } from './adapters/log/log-email-sender';
import { NotificationsRepository } from './adapters/typeorm/notifications.repository';
import { NotificationsGrpcController } from './api/grpc/notifications.grpc-controller';
import { NotificationsService } from './application/notifications.service';
import { EMAIL_SENDER } from './ports/email-sender.port';

@Module({
  imports: [TenancyModule, AuthorizationModule],
  // Served only when this process hosts the module (main.ts adds NotificationService to its gRPC server).
  controllers: [NotificationsGrpcController],
  providers: [
    NotificationsRepository,
    NotificationsService,
    {
      provide: EMAIL_SENDER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const choice = config.adapters.emailSender;
        switch (choice.kind) {
          // The only kind this build has (config refuses SMTP_URL until an SMTP adapter exists).
          case 'log': {
            const sender = new LogEmailSender();
            new Logger('Ports').log(`email sender: ${sender.adapterName}`);
            return sender;
          }
          default:
            return unknownAdapter(choice.kind);
        }
      },
    },
  ],
  exports: [NotificationsService],
})
export class CommunicationsModule {}
