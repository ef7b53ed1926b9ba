import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { TenantTransactions } from '../../tenancy';
import { uuidsToLookUp } from '../../../platform/identifiers/uuid';
import { DeadLetterRecorder, QUEUES, TASK_QUEUE, type Task, type TaskQueuePort } from '../../../platform/messaging';
import { NotificationsRepository, type NotificationRow } from '../adapters/typeorm/notifications.repository';
import type { EmailTask } from '../contracts/email-task.contracts';
import { EMAIL_SENDER, type EmailSenderPort } from '../ports/email-sender.port';
import { renderWelcome } from './templates';
import { boundedAttributes, platformMetrics, withTenant } from '../../../platform/telemetry/instruments';

export interface NotificationView {
  template: string;
  to: string;
  sentAt: string;
}

/** The most shipment ids one `listForShipments` takes: a full page of the gateway's list. */
export const MAX_SHIPMENTS_PER_NOTIFICATIONS_LOOKUP = 100;

const notificationView = (r: NotificationRow): NotificationView => ({ template: r.template, to: r.recipient, sentAt: r.sent_at.toISOString() });

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
    // Stateless; the default serves callers outside Nest (the integration specs).
    private readonly notifications: NotificationsRepository = new NotificationsRepository(),
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
      const inserted = await this.notifications.insertOnce(tx, {
        tenantId: email.tenantId,
        shipmentId: email.shipmentId,
        template: email.template,
        recipient: email.to,
      });
      if (!inserted) {
        this.logger.log({ shipmentId: email.shipmentId, template: email.template }, 'email already sent; duplicate task ignored');
        return;
      }
      await this.sender.send({ to: email.to, template: email.template, ...rendered, messageId: `${email.template}:${email.shipmentId}` });
      platformMetrics().emailsSent.add(1, withTenant(email.tenantId, boundedAttributes({ 'email.template': email.template })));
    });
  }

  /**
   * Notifications of several shipments of the current tenant in one transaction and one query
   * (a page of a list costs one look-up, not one per shipment), by shipment id (lowercase).
   * A shipment with none, another tenant's, or an id that is no UUID has no entry; more than
   * MAX_SHIPMENTS_PER_NOTIFICATIONS_LOOKUP ids is BAD_USER_INPUT.
   */
  async listForShipments(shipmentIds: readonly string[]): Promise<Map<string, NotificationView[]>> {
    const ids = uuidsToLookUp(shipmentIds, MAX_SHIPMENTS_PER_NOTIFICATIONS_LOOKUP, 'shipment ids');
    if (ids.length === 0) return new Map();
    return this.tx.run(async (tx) => {
      const rows = await this.notifications.ofShipments(tx, ids);
      const byShipment = new Map<string, NotificationView[]>();
      for (const row of rows) {
        const list = byShipment.get(row.shipment_id);
        if (list) list.push(notificationView(row));
        else byShipment.set(row.shipment_id, [notificationView(row)]);
      }
      return byShipment;
    });
  }
}
