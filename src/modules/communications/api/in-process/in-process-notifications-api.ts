import type { NotificationsService } from '../../application/notifications.service';
import type { NotificationsApi, NotificationsByShipment } from '../../ports/notifications-api.port';

/** The communications module in this process: the tenant comes from the caller's TenantContext. */
export class InProcessNotificationsApi implements NotificationsApi {
  constructor(private readonly notifications: NotificationsService) {}

  notificationsOf(shipmentIds: readonly string[]): Promise<NotificationsByShipment> {
    return this.notifications.listForShipments(shipmentIds);
  }
}
