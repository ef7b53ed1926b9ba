import { Logger } from '@nestjs/common';
import type { EmailSenderPort, OutgoingEmail } from '../../ports/email-sender.port';

/** "Sends" an email as one structured log line: the default where no SMTP server is set. */
export class LogEmailSender implements EmailSenderPort {
  readonly adapterName = 'log (structured log line per email)';
  private readonly logger = new Logger('Email');

  async send(email: OutgoingEmail): Promise<void> {
    this.logger.log({ event: 'email.sent', to: email.to, template: email.template, subject: email.subject, messageId: email.messageId }, 'email sent');
  }
}
