// Original file: src/modules/shipments/api/grpc/shipments.proto


export interface GetShipmentRequest {
  /**
   * A UUID.
   */
  'id'?: (string);
}

export interface GetShipmentRequest__Output {
  /**
   * A UUID.
   */
  'id': (string);
}
