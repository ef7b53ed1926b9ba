// Original file: src/modules/communications/api/grpc/notifications.proto

import type { Notification as _logisynapse_communications_v1_Notification, Notification__Output as _logisynapse_communications_v1_Notification__Output } from '../../../logisynapse/communications/v1/Notification';

export interface ShipmentNotifications {
  'shipmentId'?: (string);
  'notifications'?: (_logisynapse_communications_v1_Notification)[];
}

export interface ShipmentNotifications__Output {
  'shipmentId': (string);
  'notifications': (_logisynapse_communications_v1_Notification__Output)[];
}
