import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface NotificationRecord {
  tenantId: string;
  shipmentId: string;
  template: string;
  recipient: string;
}

export interface NotificationRow {
  shipment_id: string;
  template: string;
  recipient: string;
  sent_at: Date;
}

/** SQL over the tenant transaction's EntityManager; row-level security scopes every statement. */
@Injectable()
export class NotificationsRepository {
  /** Records the notification; false when one of that shipment and template exists already. */
  async insertOnce(tx: EntityManager, notification: NotificationRecord): Promise<boolean> {
    const inserted: unknown[] = await tx.query(
      `INSERT INTO notifications (tenant_id, shipment_id, template, recipient) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, shipment_id, template) DO NOTHING RETURNING id`,
      [notification.tenantId, notification.shipmentId, notification.template, notification.recipient],
    );
    return inserted.length > 0;
  }

  /** The notifications of these shipments (UUIDs), in shipment id, then sending order. */
  async ofShipments(tx: EntityManager, shipmentIds: readonly string[]): Promise<NotificationRow[]> {
    return tx.query(
      `SELECT shipment_id, template, recipient, sent_at FROM notifications
       WHERE shipment_id = ANY($1::uuid[]) ORDER BY shipment_id, sent_at, id`,
      [shipmentIds],
    );
  }
}
