import type { NotificationView } from '../application/notifications.service';

/** Notifications by shipment id (lowercase); a shipment with none has no entry. */
export type NotificationsByShipment = Map<string, NotificationView[]>;

/**
 * What other modules (the gateway) ask of the communications module, wherever it runs: in this
 * process, or in another over gRPC with the caller's token (ADR 0018). The tenant is the
 * caller's, never a parameter.
 */
export interface NotificationsApi {
  /** Notifications of up to MAX_SHIPMENTS_PER_NOTIFICATIONS_LOOKUP shipments; more is BAD_USER_INPUT. */
  notificationsOf(shipmentIds: readonly string[]): Promise<NotificationsByShipment>;
}

export const NOTIFICATIONS_API = Symbol('NOTIFICATIONS_API');
