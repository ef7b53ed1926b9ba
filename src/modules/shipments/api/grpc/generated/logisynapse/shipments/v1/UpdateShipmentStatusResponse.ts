// Original file: src/modules/shipments/api/grpc/shipments.proto


export interface UpdateShipmentStatusResponse {
  /**
   * applied, recorded, duplicate or unknown_tracking_number.
   */
  'outcome'?: (string);
}

export interface UpdateShipmentStatusResponse__Output {
  /**
   * applied, recorded, duplicate or unknown_tracking_number.
   */
  'outcome': (string);
}
