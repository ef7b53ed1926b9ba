// Original file: src/modules/shipments/api/grpc/shipments.proto

import type { TrackingEvent as _logisynapse_shipments_v1_TrackingEvent, TrackingEvent__Output as _logisynapse_shipments_v1_TrackingEvent__Output } from '../../../logisynapse/shipments/v1/TrackingEvent';

export interface ShipmentTrackingEvents {
  'shipmentId'?: (string);
  /**
   * In the order they occurred.
   */
  'trackingEvents'?: (_logisynapse_shipments_v1_TrackingEvent)[];
}

export interface ShipmentTrackingEvents__Output {
  'shipmentId': (string);
  /**
   * In the order they occurred.
   */
  'trackingEvents': (_logisynapse_shipments_v1_TrackingEvent__Output)[];
}
