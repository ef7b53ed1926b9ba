// Original file: src/modules/communications/api/grpc/notifications.proto


export interface BatchGetNotificationsRequest {
  'shipmentIds'?: (string)[];
}

export interface BatchGetNotificationsRequest__Output {
  'shipmentIds': (string)[];
}
