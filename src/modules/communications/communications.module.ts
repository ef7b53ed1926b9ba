import { Logger, Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { AuthorizationModule } from '../authorization';
import { TenancyModule } from '../tenancy';
import { LogEmailSender } from './adapters/log/log-email-sender';
import { NotificationsGrpcController } from './api/grpc/notifications.grpc-controller';
import { NotificationsService } from './application/notifications.service';
import { EMAIL_SENDER } from './ports/email-sender.port';

@Module({
  imports: [TenancyModule, AuthModule, AuthorizationModule],
  // Served only when this process hosts the module (main.ts adds NotificationService to its gRPC server).
  controllers: [NotificationsGrpcController],
  providers: [
    NotificationsService,
    {
      provide: EMAIL_SENDER,
      useFactory: () => {
        if (process.env.SMTP_URL) throw new Error('SMTP_URL is set but this build has no SMTP adapter yet; unset it to log emails');
        const sender = new LogEmailSender();
        new Logger('Ports').log(`email sender: ${sender.adapterName}`);
        return sender;
      },
    },
  ],
  exports: [NotificationsService],
})
export class CommunicationsModule {}
