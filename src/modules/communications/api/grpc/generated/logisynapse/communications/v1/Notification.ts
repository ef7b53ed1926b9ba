// Original file: src/modules/communications/api/grpc/notifications.proto


export interface Notification {
  'template'?: (string);
  'to'?: (string);
  /**
   * RFC 3339, UTC.
   */
  'sentAt'?: (string);
}

export interface Notification__Output {
  'template': (string);
  'to': (string);
  /**
   * RFC 3339, UTC.
   */
  'sentAt': (string);
}
