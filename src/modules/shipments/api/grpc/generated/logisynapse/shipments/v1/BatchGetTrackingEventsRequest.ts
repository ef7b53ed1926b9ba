// Original file: src/modules/shipments/api/grpc/shipments.proto


export interface BatchGetTrackingEventsRequest {
  'shipmentIds'?: (string)[];
}

export interface BatchGetTrackingEventsRequest__Output {
  'shipmentIds': (string)[];
}
