// Original file: src/modules/shipments/api/grpc/shipments.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BatchGetTrackingEventsRequest as _logisynapse_shipments_v1_BatchGetTrackingEventsRequest, BatchGetTrackingEventsRequest__Output as _logisynapse_shipments_v1_BatchGetTrackingEventsRequest__Output } from '../../../logisynapse/shipments/v1/BatchGetTrackingEventsRequest';
import type { BatchGetTrackingEventsResponse as _logisynapse_shipments_v1_BatchGetTrackingEventsResponse, BatchGetTrackingEventsResponse__Output as _logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output } from '../../../logisynapse/shipments/v1/BatchGetTrackingEventsResponse';
import type { CancelShipmentRequest as _logisynapse_shipments_v1_CancelShipmentRequest, CancelShipmentRequest__Output as _logisynapse_shipments_v1_CancelShipmentRequest__Output } from '../../../logisynapse/shipments/v1/CancelShipmentRequest';
import type { CreateShipmentRequest as _logisynapse_shipments_v1_CreateShipmentRequest, CreateShipmentRequest__Output as _logisynapse_shipments_v1_CreateShipmentRequest__Output } from '../../../logisynapse/shipments/v1/CreateShipmentRequest';
import type { GetShipmentRequest as _logisynapse_shipments_v1_GetShipmentRequest, GetShipmentRequest__Output as _logisynapse_shipments_v1_GetShipmentRequest__Output } from '../../../logisynapse/shipments/v1/GetShipmentRequest';
import type { ListShipmentsRequest as _logisynapse_shipments_v1_ListShipmentsRequest, ListShipmentsRequest__Output as _logisynapse_shipments_v1_ListShipmentsRequest__Output } from '../../../logisynapse/shipments/v1/ListShipmentsRequest';
import type { ListShipmentsResponse as _logisynapse_shipments_v1_ListShipmentsResponse, ListShipmentsResponse__Output as _logisynapse_shipments_v1_ListShipmentsResponse__Output } from '../../../logisynapse/shipments/v1/ListShipmentsResponse';
import type { Shipment as _logisynapse_shipments_v1_Shipment, Shipment__Output as _logisynapse_shipments_v1_Shipment__Output } from '../../../logisynapse/shipments/v1/Shipment';
import type { UpdateShipmentStatusRequest as _logisynapse_shipments_v1_UpdateShipmentStatusRequest, UpdateShipmentStatusRequest__Output as _logisynapse_shipments_v1_UpdateShipmentStatusRequest__Output } from '../../../logisynapse/shipments/v1/UpdateShipmentStatusRequest';
import type { UpdateShipmentStatusResponse as _logisynapse_shipments_v1_UpdateShipmentStatusResponse, UpdateShipmentStatusResponse__Output as _logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output } from '../../../logisynapse/shipments/v1/UpdateShipmentStatusResponse';

/**
 * Shipments of the caller's tenant. The caller's access token travels in the `authorization`
 * metadata ("Bearer <token>"); this service verifies it itself. A text field holding NUL (U+0000),
 * or longer than 10,000 characters, is INVALID_ARGUMENT naming the field (PostgreSQL text cannot
 * hold NUL); so is a shipment id that is no UUID.
 */
export interface ShipmentServiceClient extends grpc.Client {
  /**
   * Tracking events of several shipments in one call (a page of ListShipments), at most 100 ids.
   * Ids the caller cannot see, or that name no shipment, are absent from the answer.
   */
  BatchGetTrackingEvents(argument: _logisynapse_shipments_v1_BatchGetTrackingEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output>): grpc.ClientUnaryCall;
  BatchGetTrackingEvents(argument: _logisynapse_shipments_v1_BatchGetTrackingEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output>): grpc.ClientUnaryCall;
  BatchGetTrackingEvents(argument: _logisynapse_shipments_v1_BatchGetTrackingEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output>): grpc.ClientUnaryCall;
  BatchGetTrackingEvents(argument: _logisynapse_shipments_v1_BatchGetTrackingEventsRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Tracking events of several shipments in one call (a page of ListShipments), at most 100 ids.
   * Ids the caller cannot see, or that name no shipment, are absent from the answer.
   */
  batchGetTrackingEvents(argument: _logisynapse_shipments_v1_BatchGetTrackingEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output>): grpc.ClientUnaryCall;
  batchGetTrackingEvents(argument: _logisynapse_shipments_v1_BatchGetTrackingEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output>): grpc.ClientUnaryCall;
  batchGetTrackingEvents(argument: _logisynapse_shipments_v1_BatchGetTrackingEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output>): grpc.ClientUnaryCall;
  batchGetTrackingEvents(argument: _logisynapse_shipments_v1_BatchGetTrackingEventsRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Voids the label of a shipment not yet in the carrier's network (LABEL_CREATED, PRE_TRANSIT)
   * and answers it CANCELLED with the refund (and its tracking events, as GetShipment); cancelling
   * it again answers the same. A shipment
   * in transit, delivered, PENDING or FAILED: FAILED_PRECONDITION. Another tenant's: NOT_FOUND.
   */
  CancelShipment(argument: _logisynapse_shipments_v1_CancelShipmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  CancelShipment(argument: _logisynapse_shipments_v1_CancelShipmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  CancelShipment(argument: _logisynapse_shipments_v1_CancelShipmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  CancelShipment(argument: _logisynapse_shipments_v1_CancelShipmentRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  /**
   * Voids the label of a shipment not yet in the carrier's network (LABEL_CREATED, PRE_TRANSIT)
   * and answers it CANCELLED with the refund (and its tracking events, as GetShipment); cancelling
   * it again answers the same. A shipment
   * in transit, delivered, PENDING or FAILED: FAILED_PRECONDITION. Another tenant's: NOT_FOUND.
   */
  cancelShipment(argument: _logisynapse_shipments_v1_CancelShipmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  cancelShipment(argument: _logisynapse_shipments_v1_CancelShipmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  cancelShipment(argument: _logisynapse_shipments_v1_CancelShipmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  cancelShipment(argument: _logisynapse_shipments_v1_CancelShipmentRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  
  /**
   * Accepts a shipment and answers at once with status PENDING.
   */
  CreateShipment(argument: _logisynapse_shipments_v1_CreateShipmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  CreateShipment(argument: _logisynapse_shipments_v1_CreateShipmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  CreateShipment(argument: _logisynapse_shipments_v1_CreateShipmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  CreateShipment(argument: _logisynapse_shipments_v1_CreateShipmentRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  /**
   * Accepts a shipment and answers at once with status PENDING.
   */
  createShipment(argument: _logisynapse_shipments_v1_CreateShipmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  createShipment(argument: _logisynapse_shipments_v1_CreateShipmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  createShipment(argument: _logisynapse_shipments_v1_CreateShipmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  createShipment(argument: _logisynapse_shipments_v1_CreateShipmentRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  
  GetShipment(argument: _logisynapse_shipments_v1_GetShipmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  GetShipment(argument: _logisynapse_shipments_v1_GetShipmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  GetShipment(argument: _logisynapse_shipments_v1_GetShipmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  GetShipment(argument: _logisynapse_shipments_v1_GetShipmentRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  getShipment(argument: _logisynapse_shipments_v1_GetShipmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  getShipment(argument: _logisynapse_shipments_v1_GetShipmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  getShipment(argument: _logisynapse_shipments_v1_GetShipmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  getShipment(argument: _logisynapse_shipments_v1_GetShipmentRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_Shipment__Output>): grpc.ClientUnaryCall;
  
  ListShipments(argument: _logisynapse_shipments_v1_ListShipmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_ListShipmentsResponse__Output>): grpc.ClientUnaryCall;
  ListShipments(argument: _logisynapse_shipments_v1_ListShipmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_ListShipmentsResponse__Output>): grpc.ClientUnaryCall;
  ListShipments(argument: _logisynapse_shipments_v1_ListShipmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_ListShipmentsResponse__Output>): grpc.ClientUnaryCall;
  ListShipments(argument: _logisynapse_shipments_v1_ListShipmentsRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_ListShipmentsResponse__Output>): grpc.ClientUnaryCall;
  listShipments(argument: _logisynapse_shipments_v1_ListShipmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_ListShipmentsResponse__Output>): grpc.ClientUnaryCall;
  listShipments(argument: _logisynapse_shipments_v1_ListShipmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_ListShipmentsResponse__Output>): grpc.ClientUnaryCall;
  listShipments(argument: _logisynapse_shipments_v1_ListShipmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_ListShipmentsResponse__Output>): grpc.ClientUnaryCall;
  listShipments(argument: _logisynapse_shipments_v1_ListShipmentsRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_ListShipmentsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Applies a carrier status update (same path as carrier.status.updates).
   */
  UpdateShipmentStatus(argument: _logisynapse_shipments_v1_UpdateShipmentStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output>): grpc.ClientUnaryCall;
  UpdateShipmentStatus(argument: _logisynapse_shipments_v1_UpdateShipmentStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output>): grpc.ClientUnaryCall;
  UpdateShipmentStatus(argument: _logisynapse_shipments_v1_UpdateShipmentStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output>): grpc.ClientUnaryCall;
  UpdateShipmentStatus(argument: _logisynapse_shipments_v1_UpdateShipmentStatusRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Applies a carrier status update (same path as carrier.status.updates).
   */
  updateShipmentStatus(argument: _logisynapse_shipments_v1_UpdateShipmentStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output>): grpc.ClientUnaryCall;
  updateShipmentStatus(argument: _logisynapse_shipments_v1_UpdateShipmentStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output>): grpc.ClientUnaryCall;
  updateShipmentStatus(argument: _logisynapse_shipments_v1_UpdateShipmentStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output>): grpc.ClientUnaryCall;
  updateShipmentStatus(argument: _logisynapse_shipments_v1_UpdateShipmentStatusRequest, callback: grpc.requestCallback<_logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Shipments of the caller's tenant. The caller's access token travels in the `authorization`
 * metadata ("Bearer <token>"); this service verifies it itself. A text field holding NUL (U+0000),
 * or longer than 10,000 characters, is INVALID_ARGUMENT naming the field (PostgreSQL text cannot
 * hold NUL); so is a shipment id that is no UUID.
 */
export interface ShipmentServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Tracking events of several shipments in one call (a page of ListShipments), at most 100 ids.
   * Ids the caller cannot see, or that name no shipment, are absent from the answer.
   */
  BatchGetTrackingEvents: grpc.handleUnaryCall<_logisynapse_shipments_v1_BatchGetTrackingEventsRequest__Output, _logisynapse_shipments_v1_BatchGetTrackingEventsResponse>;
  
  /**
   * Voids the label of a shipment not yet in the carrier's network (LABEL_CREATED, PRE_TRANSIT)
   * and answers it CANCELLED with the refund (and its tracking events, as GetShipment); cancelling
   * it again answers the same. A shipment
   * in transit, delivered, PENDING or FAILED: FAILED_PRECONDITION. Another tenant's: NOT_FOUND.
   */
  CancelShipment: grpc.handleUnaryCall<_logisynapse_shipments_v1_CancelShipmentRequest__Output, _logisynapse_shipments_v1_Shipment>;
  
  /**
   * Accepts a shipment and answers at once with status PENDING.
   */
  CreateShipment: grpc.handleUnaryCall<_logisynapse_shipments_v1_CreateShipmentRequest__Output, _logisynapse_shipments_v1_Shipment>;
  
  GetShipment: grpc.handleUnaryCall<_logisynapse_shipments_v1_GetShipmentRequest__Output, _logisynapse_shipments_v1_Shipment>;
  
  ListShipments: grpc.handleUnaryCall<_logisynapse_shipments_v1_ListShipmentsRequest__Output, _logisynapse_shipments_v1_ListShipmentsResponse>;
  
  /**
   * Applies a carrier status update (same path as carrier.status.updates).
   */
  UpdateShipmentStatus: grpc.handleUnaryCall<_logisynapse_shipments_v1_UpdateShipmentStatusRequest__Output, _logisynapse_shipments_v1_UpdateShipmentStatusResponse>;
  
}

export interface ShipmentServiceDefinition extends grpc.ServiceDefinition {
  BatchGetTrackingEvents: MethodDefinition<_logisynapse_shipments_v1_BatchGetTrackingEventsRequest, _logisynapse_shipments_v1_BatchGetTrackingEventsResponse, _logisynapse_shipments_v1_BatchGetTrackingEventsRequest__Output, _logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output>
  CancelShipment: MethodDefinition<_logisynapse_shipments_v1_CancelShipmentRequest, _logisynapse_shipments_v1_Shipment, _logisynapse_shipments_v1_CancelShipmentRequest__Output, _logisynapse_shipments_v1_Shipment__Output>
  CreateShipment: MethodDefinition<_logisynapse_shipments_v1_CreateShipmentRequest, _logisynapse_shipments_v1_Shipment, _logisynapse_shipments_v1_CreateShipmentRequest__Output, _logisynapse_shipments_v1_Shipment__Output>
  GetShipment: MethodDefinition<_logisynapse_shipments_v1_GetShipmentRequest, _logisynapse_shipments_v1_Shipment, _logisynapse_shipments_v1_GetShipmentRequest__Output, _logisynapse_shipments_v1_Shipment__Output>
  ListShipments: MethodDefinition<_logisynapse_shipments_v1_ListShipmentsRequest, _logisynapse_shipments_v1_ListShipmentsResponse, _logisynapse_shipments_v1_ListShipmentsRequest__Output, _logisynapse_shipments_v1_ListShipmentsResponse__Output>
  UpdateShipmentStatus: MethodDefinition<_logisynapse_shipments_v1_UpdateShipmentStatusRequest, _logisynapse_shipments_v1_UpdateShipmentStatusResponse, _logisynapse_shipments_v1_UpdateShipmentStatusRequest__Output, _logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output>
}
