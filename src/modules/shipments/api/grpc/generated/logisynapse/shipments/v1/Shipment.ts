// Original file: src/modules/shipments/api/grpc/shipments.proto

import type { TrackingEvent as _logisynapse_shipments_v1_TrackingEvent, TrackingEvent__Output as _logisynapse_shipments_v1_TrackingEvent__Output } from '../../../logisynapse/shipments/v1/TrackingEvent';
import type { LabelRefund as _logisynapse_shipments_v1_LabelRefund, LabelRefund__Output as _logisynapse_shipments_v1_LabelRefund__Output } from '../../../logisynapse/shipments/v1/LabelRefund';

export interface Shipment {
  'id'?: (string);
  'status'?: (string);
  'carrier'?: (string);
  'trackingNumber'?: (string);
  'labelUrl'?: (string);
  'workflowId'?: (string);
  'createdAt'?: (string);
  'updatedAt'?: (string);
  'failureReason'?: (string);
  'trackingEvents'?: (_logisynapse_shipments_v1_TrackingEvent)[];
  'tenantId'?: (string);
  'customerEmail'?: (string);
  /**
   * Unset unless the shipment's label was voided (CANCELLED, or FAILED after the purchase).
   */
  'labelRefund'?: (_logisynapse_shipments_v1_LabelRefund | null);
}

export interface Shipment__Output {
  'id': (string);
  'status': (string);
  'carrier': (string);
  'trackingNumber': (string);
  'labelUrl': (string);
  'workflowId': (string);
  'createdAt': (string);
  'updatedAt': (string);
  'failureReason': (string);
  'trackingEvents': (_logisynapse_shipments_v1_TrackingEvent__Output)[];
  'tenantId': (string);
  'customerEmail': (string);
  /**
   * Unset unless the shipment's label was voided (CANCELLED, or FAILED after the purchase).
   */
  'labelRefund': (_logisynapse_shipments_v1_LabelRefund__Output | null);
}
