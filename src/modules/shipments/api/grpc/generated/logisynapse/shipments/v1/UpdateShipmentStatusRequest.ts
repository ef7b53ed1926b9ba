// Original file: src/modules/shipments/api/grpc/shipments.proto


export interface UpdateShipmentStatusRequest {
  'trackingNumber'?: (string);
  /**
   * Shippo tracking status: PRE_TRANSIT, TRANSIT, DELIVERED, RETURNED, FAILURE, UNKNOWN.
   */
  'status'?: (string);
  'substatus'?: (string);
  'occurredAt'?: (string);
  'location'?: (string);
  'statusDetails'?: (string);
  'eventId'?: (string);
  'carrier'?: (string);
}

export interface UpdateShipmentStatusRequest__Output {
  'trackingNumber': (string);
  /**
   * Shippo tracking status: PRE_TRANSIT, TRANSIT, DELIVERED, RETURNED, FAILURE, UNKNOWN.
   */
  'status': (string);
  'substatus': (string);
  'occurredAt': (string);
  'location': (string);
  'statusDetails': (string);
  'eventId': (string);
  'carrier': (string);
}
