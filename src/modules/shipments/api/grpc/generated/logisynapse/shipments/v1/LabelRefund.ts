// Original file: src/modules/shipments/api/grpc/shipments.proto


/**
 * The refund of a voided label (Shippo's Refund): after CancelShipment, or after a workflow
 * step failed for good once the label was bought.
 */
export interface LabelRefund {
  'refundId'?: (string);
  /**
   * The voided label: the carrier's id of its purchase.
   */
  'labelId'?: (string);
  /**
   * QUEUED, PENDING or SUCCESS.
   */
  'status'?: (string);
}

/**
 * The refund of a voided label (Shippo's Refund): after CancelShipment, or after a workflow
 * step failed for good once the label was bought.
 */
export interface LabelRefund__Output {
  'refundId': (string);
  /**
   * The voided label: the carrier's id of its purchase.
   */
  'labelId': (string);
  /**
   * QUEUED, PENDING or SUCCESS.
   */
  'status': (string);
}
