// Original file: src/modules/communications/api/grpc/notifications.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BatchGetNotificationsRequest as _logisynapse_communications_v1_BatchGetNotificationsRequest, BatchGetNotificationsRequest__Output as _logisynapse_communications_v1_BatchGetNotificationsRequest__Output } from '../../../logisynapse/communications/v1/BatchGetNotificationsRequest';
import type { BatchGetNotificationsResponse as _logisynapse_communications_v1_BatchGetNotificationsResponse, BatchGetNotificationsResponse__Output as _logisynapse_communications_v1_BatchGetNotificationsResponse__Output } from '../../../logisynapse/communications/v1/BatchGetNotificationsResponse';

/**
 * Notifications (emails) sent about the caller's tenant's shipments. The caller's access token
 * travels in the `authorization` metadata ("Bearer <token>"); this service verifies it itself.
 */
export interface NotificationServiceClient extends grpc.Client {
  /**
   * Notifications of several shipments in one call (a page of a shipment list), at most 100 ids.
   * Shipments with none, another tenant's, or ids that name no shipment are absent from the answer.
   */
  BatchGetNotifications(argument: _logisynapse_communications_v1_BatchGetNotificationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_communications_v1_BatchGetNotificationsResponse__Output>): grpc.ClientUnaryCall;
  BatchGetNotifications(argument: _logisynapse_communications_v1_BatchGetNotificationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_communications_v1_BatchGetNotificationsResponse__Output>): grpc.ClientUnaryCall;
  BatchGetNotifications(argument: _logisynapse_communications_v1_BatchGetNotificationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_communications_v1_BatchGetNotificationsResponse__Output>): grpc.ClientUnaryCall;
  BatchGetNotifications(argument: _logisynapse_communications_v1_BatchGetNotificationsRequest, callback: grpc.requestCallback<_logisynapse_communications_v1_BatchGetNotificationsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Notifications of several shipments in one call (a page of a shipment list), at most 100 ids.
   * Shipments with none, another tenant's, or ids that name no shipment are absent from the answer.
   */
  batchGetNotifications(argument: _logisynapse_communications_v1_BatchGetNotificationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_communications_v1_BatchGetNotificationsResponse__Output>): grpc.ClientUnaryCall;
  batchGetNotifications(argument: _logisynapse_communications_v1_BatchGetNotificationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_communications_v1_BatchGetNotificationsResponse__Output>): grpc.ClientUnaryCall;
  batchGetNotifications(argument: _logisynapse_communications_v1_BatchGetNotificationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_communications_v1_BatchGetNotificationsResponse__Output>): grpc.ClientUnaryCall;
  batchGetNotifications(argument: _logisynapse_communications_v1_BatchGetNotificationsRequest, callback: grpc.requestCallback<_logisynapse_communications_v1_BatchGetNotificationsResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Notifications (emails) sent about the caller's tenant's shipments. The caller's access token
 * travels in the `authorization` metadata ("Bearer <token>"); this service verifies it itself.
 */
export interface NotificationServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Notifications of several shipments in one call (a page of a shipment list), at most 100 ids.
   * Shipments with none, another tenant's, or ids that name no shipment are absent from the answer.
   */
  BatchGetNotifications: grpc.handleUnaryCall<_logisynapse_communications_v1_BatchGetNotificationsRequest__Output, _logisynapse_communications_v1_BatchGetNotificationsResponse>;
  
}

export interface NotificationServiceDefinition extends grpc.ServiceDefinition {
  BatchGetNotifications: MethodDefinition<_logisynapse_communications_v1_BatchGetNotificationsRequest, _logisynapse_communications_v1_BatchGetNotificationsResponse, _logisynapse_communications_v1_BatchGetNotificationsRequest__Output, _logisynapse_communications_v1_BatchGetNotificationsResponse__Output>
}
