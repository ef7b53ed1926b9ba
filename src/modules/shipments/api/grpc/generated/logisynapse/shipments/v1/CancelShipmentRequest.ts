// Original file: src/modules/shipments/api/grpc/shipments.proto


export interface CancelShipmentRequest {
  /**
   * A UUID.
   */
  'id'?: (string);
}

export interface CancelShipmentRequest__Output {
  /**
   * A UUID.
   */
  'id': (string);
}
