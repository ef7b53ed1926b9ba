// Original file: src/modules/shipments/api/grpc/shipments.proto


export interface ListShipmentsRequest {
  'first'?: (number);
  'after'?: (string);
  'status'?: (string);
}

export interface ListShipmentsRequest__Output {
  'first': (number);
  'after': (string);
  'status': (string);
}
