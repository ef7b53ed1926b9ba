import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Address as _logisynapse_shipments_v1_Address, Address__Output as _logisynapse_shipments_v1_Address__Output } from './logisynapse/shipments/v1/Address';
import type { BatchGetTrackingEventsRequest as _logisynapse_shipments_v1_BatchGetTrackingEventsRequest, BatchGetTrackingEventsRequest__Output as _logisynapse_shipments_v1_BatchGetTrackingEventsRequest__Output } from './logisynapse/shipments/v1/BatchGetTrackingEventsRequest';
import type { BatchGetTrackingEventsResponse as _logisynapse_shipments_v1_BatchGetTrackingEventsResponse, BatchGetTrackingEventsResponse__Output as _logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output } from './logisynapse/shipments/v1/BatchGetTrackingEventsResponse';
import type { CancelShipmentRequest as _logisynapse_shipments_v1_CancelShipmentRequest, CancelShipmentRequest__Output as _logisynapse_shipments_v1_CancelShipmentRequest__Output } from './logisynapse/shipments/v1/CancelShipmentRequest';
import type { CreateShipmentRequest as _logisynapse_shipments_v1_CreateShipmentRequest, CreateShipmentRequest__Output as _logisynapse_shipments_v1_CreateShipmentRequest__Output } from './logisynapse/shipments/v1/CreateShipmentRequest';
import type { GetShipmentRequest as _logisynapse_shipments_v1_GetShipmentRequest, GetShipmentRequest__Output as _logisynapse_shipments_v1_GetShipmentRequest__Output } from './logisynapse/shipments/v1/GetShipmentRequest';
import type { LabelRefund as _logisynapse_shipments_v1_LabelRefund, LabelRefund__Output as _logisynapse_shipments_v1_LabelRefund__Output } from './logisynapse/shipments/v1/LabelRefund';
import type { ListShipmentsRequest as _logisynapse_shipments_v1_ListShipmentsRequest, ListShipmentsRequest__Output as _logisynapse_shipments_v1_ListShipmentsRequest__Output } from './logisynapse/shipments/v1/ListShipmentsRequest';
import type { ListShipmentsResponse as _logisynapse_shipments_v1_ListShipmentsResponse, ListShipmentsResponse__Output as _logisynapse_shipments_v1_ListShipmentsResponse__Output } from './logisynapse/shipments/v1/ListShipmentsResponse';
import type { Parcel as _logisynapse_shipments_v1_Parcel, Parcel__Output as _logisynapse_shipments_v1_Parcel__Output } from './logisynapse/shipments/v1/Parcel';
import type { Shipment as _logisynapse_shipments_v1_Shipment, Shipment__Output as _logisynapse_shipments_v1_Shipment__Output } from './logisynapse/shipments/v1/Shipment';
import type { ShipmentServiceClient as _logisynapse_shipments_v1_ShipmentServiceClient, ShipmentServiceDefinition as _logisynapse_shipments_v1_ShipmentServiceDefinition } from './logisynapse/shipments/v1/ShipmentService';
import type { ShipmentTrackingEvents as _logisynapse_shipments_v1_ShipmentTrackingEvents, ShipmentTrackingEvents__Output as _logisynapse_shipments_v1_ShipmentTrackingEvents__Output } from './logisynapse/shipments/v1/ShipmentTrackingEvents';
import type { TrackingEvent as _logisynapse_shipments_v1_TrackingEvent, TrackingEvent__Output as _logisynapse_shipments_v1_TrackingEvent__Output } from './logisynapse/shipments/v1/TrackingEvent';
import type { UpdateShipmentStatusRequest as _logisynapse_shipments_v1_UpdateShipmentStatusRequest, UpdateShipmentStatusRequest__Output as _logisynapse_shipments_v1_UpdateShipmentStatusRequest__Output } from './logisynapse/shipments/v1/UpdateShipmentStatusRequest';
import type { UpdateShipmentStatusResponse as _logisynapse_shipments_v1_UpdateShipmentStatusResponse, UpdateShipmentStatusResponse__Output as _logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output } from './logisynapse/shipments/v1/UpdateShipmentStatusResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  logisynapse: {
    shipments: {
      v1: {
        Address: MessageTypeDefinition<_logisynapse_shipments_v1_Address, _logisynapse_shipments_v1_Address__Output>
        BatchGetTrackingEventsRequest: MessageTypeDefinition<_logisynapse_shipments_v1_BatchGetTrackingEventsRequest, _logisynapse_shipments_v1_BatchGetTrackingEventsRequest__Output>
        BatchGetTrackingEventsResponse: MessageTypeDefinition<_logisynapse_shipments_v1_BatchGetTrackingEventsResponse, _logisynapse_shipments_v1_BatchGetTrackingEventsResponse__Output>
        CancelShipmentRequest: MessageTypeDefinition<_logisynapse_shipments_v1_CancelShipmentRequest, _logisynapse_shipments_v1_CancelShipmentRequest__Output>
        CreateShipmentRequest: MessageTypeDefinition<_logisynapse_shipments_v1_CreateShipmentRequest, _logisynapse_shipments_v1_CreateShipmentRequest__Output>
        GetShipmentRequest: MessageTypeDefinition<_logisynapse_shipments_v1_GetShipmentRequest, _logisynapse_shipments_v1_GetShipmentRequest__Output>
        LabelRefund: MessageTypeDefinition<_logisynapse_shipments_v1_LabelRefund, _logisynapse_shipments_v1_LabelRefund__Output>
        ListShipmentsRequest: MessageTypeDefinition<_logisynapse_shipments_v1_ListShipmentsRequest, _logisynapse_shipments_v1_ListShipmentsRequest__Output>
        ListShipmentsResponse: MessageTypeDefinition<_logisynapse_shipments_v1_ListShipmentsResponse, _logisynapse_shipments_v1_ListShipmentsResponse__Output>
        Parcel: MessageTypeDefinition<_logisynapse_shipments_v1_Parcel, _logisynapse_shipments_v1_Parcel__Output>
        Shipment: MessageTypeDefinition<_logisynapse_shipments_v1_Shipment, _logisynapse_shipments_v1_Shipment__Output>
        /**
         * Shipments of the caller's tenant. The caller's access token travels in the `authorization`
         * metadata ("Bearer <token>"); this service verifies it itself. A text field holding NUL (U+0000),
         * or longer than 10,000 characters, is INVALID_ARGUMENT naming the field (PostgreSQL text cannot
         * hold NUL); so is a shipment id that is no UUID.
         */
        ShipmentService: SubtypeConstructor<typeof grpc.Client, _logisynapse_shipments_v1_ShipmentServiceClient> & { service: _logisynapse_shipments_v1_ShipmentServiceDefinition }
        ShipmentTrackingEvents: MessageTypeDefinition<_logisynapse_shipments_v1_ShipmentTrackingEvents, _logisynapse_shipments_v1_ShipmentTrackingEvents__Output>
        TrackingEvent: MessageTypeDefinition<_logisynapse_shipments_v1_TrackingEvent, _logisynapse_shipments_v1_TrackingEvent__Output>
        UpdateShipmentStatusRequest: MessageTypeDefinition<_logisynapse_shipments_v1_UpdateShipmentStatusRequest, _logisynapse_shipments_v1_UpdateShipmentStatusRequest__Output>
        UpdateShipmentStatusResponse: MessageTypeDefinition<_logisynapse_shipments_v1_UpdateShipmentStatusResponse, _logisynapse_shipments_v1_UpdateShipmentStatusResponse__Output>
      }
    }
  }
}

