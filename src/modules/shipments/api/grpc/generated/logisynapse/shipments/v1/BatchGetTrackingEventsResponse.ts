// Original file: src/modules/shipments/api/grpc/shipments.proto

import type { ShipmentTrackingEvents as _logisynapse_shipments_v1_ShipmentTrackingEvents, ShipmentTrackingEvents__Output as _logisynapse_shipments_v1_ShipmentTrackingEvents__Output } from '../../../logisynapse/shipments/v1/ShipmentTrackingEvents';

export interface BatchGetTrackingEventsResponse {
  /**
   * One entry per requested shipment that has events the caller may see.
   */
  'shipments'?: (_logisynapse_shipments_v1_ShipmentTrackingEvents)[];
}

export interface BatchGetTrackingEventsResponse__Output {
  /**
   * One entry per requested shipment that has events the caller may see.
   */
  'shipments': (_logisynapse_shipments_v1_ShipmentTrackingEvents__Output)[];
}
