import type { CarrierStatusUpdate } from '../../carriers';

export const SHIPMENT_STATUSES = [
  'PENDING',
  'LABEL_CREATED',
  'PRE_TRANSIT',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'RETURNED',
  'EXCEPTION',
  'FAILED',
  // Cancelled by the client before the parcel entered the carrier's network: its label voided.
  'CANCELLED',
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

const TERMINAL: ReadonlySet<ShipmentStatus> = new Set(['DELIVERED', 'RETURNED', 'FAILED', 'CANCELLED']);

/** How far along the journey a status is; a status update never moves a shipment back. */
function progress(status: ShipmentStatus): number {
  switch (status) {
    case 'PENDING':
      return 0;
    case 'LABEL_CREATED':
      return 1;
    case 'PRE_TRANSIT':
      return 2;
    case 'IN_TRANSIT':
    case 'EXCEPTION':
      return 3;
    case 'OUT_FOR_DELIVERY':
      return 4;
    case 'DELIVERED':
    case 'RETURNED':
    case 'FAILED':
    case 'CANCELLED':
      return 5;
  }
}

/** The shipment status a carrier update means, or null when it says nothing new (UNKNOWN). */
export function statusFromCarrier(update: Pick<CarrierStatusUpdate, 'status' | 'substatus'>): ShipmentStatus | null {
  switch (update.status) {
    case 'PRE_TRANSIT':
      return 'PRE_TRANSIT';
    case 'TRANSIT':
      return update.substatus === 'out_for_delivery' ? 'OUT_FOR_DELIVERY' : 'IN_TRANSIT';
    case 'DELIVERED':
      return 'DELIVERED';
    case 'RETURNED':
      return 'RETURNED';
    case 'FAILURE':
      return 'EXCEPTION';
    case 'UNKNOWN':
      return null;
  }
}

/**
 * Whether `next` replaces `current`. Terminal statuses are final; otherwise only forward moves
 * (or moves into and out of EXCEPTION at the same stage) apply, so a late or re-sent update is
 * kept in the history without rewinding the shipment.
 */
export function shouldApply(current: ShipmentStatus, next: ShipmentStatus): boolean {
  if (TERMINAL.has(current) || next === current) return false;
  // A problem can be reported at any stage; the journey resumes from the transit stage.
  if (next === 'EXCEPTION') return true;
  return progress(next) >= progress(current);
}
