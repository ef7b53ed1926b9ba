import type { Address, LabelRefund, Parcel } from '../../carriers';
import type { ShipmentStatus } from '../domain/shipment-status';

export type { ShipmentStatus };
export { SHIPMENT_STATUSES } from '../domain/shipment-status';
export { MAX_SHIPMENT_IDS_PER_LOOKUP, MAX_SHIPMENTS_PAGE_SIZE } from '../domain/shipment-lookup';

export interface TrackingEventView {
  status: ShipmentStatus;
  occurredAt: string;
  location: string | null;
  description: string | null;
}

/**
 * Tracking events of several shipments, by shipment id (lowercase), each list in the order the
 * events occurred. A shipment with no events, another tenant's or a missing one has no entry.
 */
export type TrackingEventsByShipment = Map<string, TrackingEventView[]>;

export interface ShipmentView {
  id: string;
  tenantId: string;
  status: ShipmentStatus;
  carrier: string | null;
  trackingNumber: string | null;
  labelUrl: string | null;
  workflowId: string;
  failureReason: string | null;
  /**
   * The voided label's refund: after a cancellation (CANCELLED), or after a step that failed for
   * good once the label was bought (FAILED). Null otherwise.
   */
  labelRefund: LabelRefund | null;
  customerEmail: string;
  createdAt: string;
  updatedAt: string;
  /**
   * The tracking events, when the view was read together with them (a remote GetShipment answers
   * them); absent otherwise: ask `ShipmentsApi.trackingEventsOf`.
   */
  trackingEvents?: TrackingEventView[];
}

export interface CreateShipmentCommand {
  idempotencyKey: string;
  fromAddress: Address;
  toAddress: Address;
  parcel: Parcel;
  customerEmail: string;
}

/**
 * A create request as an edge received it, before validation: any part may be missing (a gRPC
 * message's fields are optional); `validateCreateShipment` makes it a CreateShipmentCommand.
 */
export type ShipmentRequestInput = { [K in keyof CreateShipmentCommand]?: CreateShipmentCommand[K] | null };

export interface ShipmentPage {
  items: ShipmentView[];
  /** Each item's cursor, in the items' order: where a page `after` it starts. The format is this module's own. */
  cursors: string[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface ListShipmentsQuery {
  first: number;
  after?: string;
  status?: ShipmentStatus;
}

export type StatusUpdateOutcome = 'applied' | 'recorded' | 'duplicate' | 'unknown_tracking_number';

/** What the workflow saves once the carrier has answered. */
export interface NewShipmentRecord {
  shipmentId: string;
  tenantId: string;
  workflowId: string;
  idempotencyKey: string;
  requestHash: string;
  fromAddress: Address;
  toAddress: Address;
  parcel: Parcel;
  customerEmail: string;
  requestedAt: string;
}

/** An accepted create request: the input of CreateShipmentWorkflow. */
export interface ShipmentRequest {
  shipmentId: string;
  tenantId: string;
  idempotencyKey: string;
  requestHash: string;
  fromAddress: Address;
  toAddress: Address;
  parcel: Parcel;
  customerEmail: string;
  requestedAt: string;
}

/** `labelRefund`: the label bought was voided because a later step failed for good. */
export type CreateShipmentResult =
  | { status: 'LABEL_CREATED'; trackingNumber: string }
  | { status: 'FAILED'; reason: string; labelRefund?: LabelRefund };
