// Original file: src/modules/shipments/api/grpc/shipments.proto


export interface TrackingEvent {
  'status'?: (string);
  'occurredAt'?: (string);
  'location'?: (string);
  'description'?: (string);
}

export interface TrackingEvent__Output {
  'status': (string);
  'occurredAt': (string);
  'location': (string);
  'description': (string);
}
