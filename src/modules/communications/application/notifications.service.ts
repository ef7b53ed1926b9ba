import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EmailTask } from '../../workflow-orchestrator';
import { TenantTransactions } from '../../tenancy';
import { DeadLetterRecorder, QUEUES, TASK_QUEUE, type Task, type TaskQueuePort } from '../../../platform/messaging';
import { EMAIL_SENDER, type EmailSenderPort } from '../ports/email-sender.port';
import { renderWelcome } from './templates';

export interface NotificationView {
  template: string;
  to: string;
  sentAt: string;
}

/**
 * Consumes `tasks.email.send`. The notification row and the send happen in one transaction,
 * and the row is unique per shipment and template, so however often a task is delivered the
 * customer gets one welcome email.
 */
@Injectable()
export class NotificationsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    @Inject(TASK_QUEUE) private readonly tasks: TaskQueuePort,
    @Inject(EMAIL_SENDER) private readonly sender: EmailSenderPort,
    private readonly tx: TenantTransactions,
    private readonly deadLetters: DeadLetterRecorder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.tasks.consume<EmailTask>(QUEUES.emailSend, (task) => this.handle(task));
  }

  async handle(task: Task<EmailTask>): Promise<void> {
    const email = task.payload;
    if (!email || email.template !== 'welcome' || typeof email.tenantId !== 'string' || typeof email.to !== 'string') {
      await this.deadLetters.record(QUEUES.emailSend, task, 'malformed email task');
      return;
    }
    const rendered = renderWelcome(email.variables ?? {});
    await this.tx.runFor(email.tenantId, async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO notifications (tenant_id, shipment_id, template, recipient) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, shipment_id, template) DO NOTHING RETURNING id`,
        [email.tenantId, email.shipmentId, email.template, email.to],
      );
      if (inserted.length === 0) {
        this.logger.log({ shipmentId: email.shipmentId, template: email.template }, 'email already sent; duplicate task ignored');
        return;
      }
      await this.sender.send({ to: email.to, template: email.template, ...rendered, messageId: `${email.template}:${email.shipmentId}` });
    });
  }

  /** Notifications of one shipment of the current tenant. */
  listForShipment(shipmentId: string): Promise<NotificationView[]> {
    return this.tx.run(async (tx) => {
      const rows: { template: string; recipient: string; sent_at: Date }[] = await tx.query(
        `SELECT template, recipient, sent_at FROM notifications WHERE shipment_id = $1 ORDER BY sent_at, id`,
        [shipmentId],
      );
      return rows.map((r) => ({ template: r.template, to: r.recipient, sentAt: r.sent_at.toISOString() }));
    });
  }
}
