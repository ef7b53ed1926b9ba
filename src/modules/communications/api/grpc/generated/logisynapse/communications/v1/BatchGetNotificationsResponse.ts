// Original file: src/modules/communications/api/grpc/notifications.proto

import type { ShipmentNotifications as _logisynapse_communications_v1_ShipmentNotifications, ShipmentNotifications__Output as _logisynapse_communications_v1_ShipmentNotifications__Output } from '../../../logisynapse/communications/v1/ShipmentNotifications';

export interface BatchGetNotificationsResponse {
  'shipments'?: (_logisynapse_communications_v1_ShipmentNotifications)[];
}

export interface BatchGetNotificationsResponse__Output {
  'shipments': (_logisynapse_communications_v1_ShipmentNotifications__Output)[];
}
