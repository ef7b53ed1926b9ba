// Original file: src/modules/shipments/api/grpc/shipments.proto

import type { Shipment as _logisynapse_shipments_v1_Shipment, Shipment__Output as _logisynapse_shipments_v1_Shipment__Output } from '../../../logisynapse/shipments/v1/Shipment';

export interface ListShipmentsResponse {
  'shipments'?: (_logisynapse_shipments_v1_Shipment)[];
  'hasNextPage'?: (boolean);
  'endCursor'?: (string);
  /**
   * Each shipment's cursor, in the same order: a page after it starts with the next one.
   */
  'cursors'?: (string)[];
}

export interface ListShipmentsResponse__Output {
  'shipments': (_logisynapse_shipments_v1_Shipment__Output)[];
  'hasNextPage': (boolean);
  'endCursor': (string);
  /**
   * Each shipment's cursor, in the same order: a page after it starts with the next one.
   */
  'cursors': (string)[];
}
