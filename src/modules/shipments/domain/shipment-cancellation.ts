import type { ShipmentStatus } from './shipment-status';

/** Why a shipment cannot be cancelled (`extensions.reason` of the refusal). */
export type CancelRefusal = 'label-not-bought-yet' | 'label-in-use' | 'shipment-failed';

export type CancelDecision =
  | { kind: 'void-label' }
  | { kind: 'already-cancelled' }
  | { kind: 'refused'; reason: CancelRefusal; message: string };

/**
 * Whether a shipment in `status` can be cancelled. Only a label not yet in use can be voided:
 * LABEL_CREATED, or PRE_TRANSIT (the carrier knows the label but has not scanned the parcel).
 * From the first scan on (IN_TRANSIT and later) the label has been used; a PENDING shipment has
 * no label yet; a FAILED one none to void. Cancelling a CANCELLED shipment again changes nothing.
 */
export function cancelDecision(status: ShipmentStatus): CancelDecision {
  switch (status) {
    case 'LABEL_CREATED':
    case 'PRE_TRANSIT':
      return { kind: 'void-label' };
    case 'CANCELLED':
      return { kind: 'already-cancelled' };
    case 'PENDING':
      return { kind: 'refused', reason: 'label-not-bought-yet', message: 'The shipment is PENDING: its label is still being bought; cancel it once it is LABEL_CREATED' };
    case 'FAILED':
      return { kind: 'refused', reason: 'shipment-failed', message: 'The shipment FAILED: it has no label to void' };
    case 'IN_TRANSIT':
    case 'OUT_FOR_DELIVERY':
    case 'DELIVERED':
    case 'RETURNED':
    case 'EXCEPTION':
      return { kind: 'refused', reason: 'label-in-use', message: `The shipment is ${status}: the carrier has the parcel, so its label can no longer be voided` };
  }
}
