import { Logger, Module } from '@nestjs/common';
import { TenancyModule } from '../tenancy';
import { LogEmailSender } from './adapters/log/log-email-sender';
import { NotificationsService } from './application/notifications.service';
import { EMAIL_SENDER } from './ports/email-sender.port';

@Module({
  imports: [TenancyModule],
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
