import type {
  CreateShipmentCommand,
  ListShipmentsQuery,
  ShipmentPage,
  ShipmentView,
  TrackingEventsByShipment,
} from '../contracts/shipment.contracts';

/**
 * The shipments module as other modules (the gateway) call it, in the caller's tenant. Two
 * adapters: in-process when this process hosts the module, and gRPC (`ShipmentService`, the
 * caller's token forwarded) when another process does.
 */
export interface ShipmentsApi {
  /** Accepts a shipment and answers at once (PENDING); the same idempotency key answers the same shipment. */
  create(command: CreateShipmentCommand): Promise<ShipmentView>;
  /** Null when the shipment does not exist or belongs to another tenant. */
  get(id: string): Promise<ShipmentView | null>;
  list(query: ListShipmentsQuery): Promise<ShipmentPage>;
  /**
   * Voids the label of a shipment not yet in the carrier's network and answers it CANCELLED, with
   * the refund; a cancelled shipment answers as it is. FAILED_PRECONDITION (with a `reason`) when
   * its state forbids it, NOT_FOUND when the caller cannot see it.
   */
  cancel(id: string): Promise<ShipmentView>;
  /**
   * The tracking events of several shipments in one call, so that a page of a list costs one
   * look-up rather than one per shipment (over gRPC: one BatchGetTrackingEvents). Ids the caller
   * cannot see, or that name no shipment, are simply absent; more than
   * MAX_SHIPMENT_IDS_PER_LOOKUP ids is BAD_USER_INPUT.
   */
  trackingEventsOf(shipmentIds: readonly string[]): Promise<TrackingEventsByShipment>;
}

export const SHIPMENTS_API = Symbol('SHIPMENTS_API');
