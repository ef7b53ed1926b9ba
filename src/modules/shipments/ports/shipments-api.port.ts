import type { CreateShipmentCommand, ListShipmentsQuery, ShipmentPage, ShipmentView, TrackingEventView } from '../contracts/shipment.contracts';

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
  trackingEvents(shipmentId: string): Promise<TrackingEventView[]>;
}

export const SHIPMENTS_API = Symbol('SHIPMENTS_API');
