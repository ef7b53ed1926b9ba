import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BatchGetNotificationsRequest as _logisynapse_communications_v1_BatchGetNotificationsRequest, BatchGetNotificationsRequest__Output as _logisynapse_communications_v1_BatchGetNotificationsRequest__Output } from './logisynapse/communications/v1/BatchGetNotificationsRequest';
import type { BatchGetNotificationsResponse as _logisynapse_communications_v1_BatchGetNotificationsResponse, BatchGetNotificationsResponse__Output as _logisynapse_communications_v1_BatchGetNotificationsResponse__Output } from './logisynapse/communications/v1/BatchGetNotificationsResponse';
import type { Notification as _logisynapse_communications_v1_Notification, Notification__Output as _logisynapse_communications_v1_Notification__Output } from './logisynapse/communications/v1/Notification';
import type { NotificationServiceClient as _logisynapse_communications_v1_NotificationServiceClient, NotificationServiceDefinition as _logisynapse_communications_v1_NotificationServiceDefinition } from './logisynapse/communications/v1/NotificationService';
import type { ShipmentNotifications as _logisynapse_communications_v1_ShipmentNotifications, ShipmentNotifications__Output as _logisynapse_communications_v1_ShipmentNotifications__Output } from './logisynapse/communications/v1/ShipmentNotifications';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  logisynapse: {
    communications: {
      v1: {
        BatchGetNotificationsRequest: MessageTypeDefinition<_logisynapse_communications_v1_BatchGetNotificationsRequest, _logisynapse_communications_v1_BatchGetNotificationsRequest__Output>
        BatchGetNotificationsResponse: MessageTypeDefinition<_logisynapse_communications_v1_BatchGetNotificationsResponse, _logisynapse_communications_v1_BatchGetNotificationsResponse__Output>
        Notification: MessageTypeDefinition<_logisynapse_communications_v1_Notification, _logisynapse_communications_v1_Notification__Output>
        /**
         * Notifications (emails) sent about the caller's tenant's shipments. The caller's access token
         * travels in the `authorization` metadata ("Bearer <token>"); this service verifies it itself.
         */
        NotificationService: SubtypeConstructor<typeof grpc.Client, _logisynapse_communications_v1_NotificationServiceClient> & { service: _logisynapse_communications_v1_NotificationServiceDefinition }
        ShipmentNotifications: MessageTypeDefinition<_logisynapse_communications_v1_ShipmentNotifications, _logisynapse_communications_v1_ShipmentNotifications__Output>
      }
    }
  }
}

