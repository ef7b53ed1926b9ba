/**
 * Shipping value types, named and spelled as Shippo's API spells them (in camelCase), so the
 * GraphQL input, the gRPC messages and the carrier adapters all speak one vocabulary.
 */
export const DISTANCE_UNITS = ['cm', 'in', 'ft', 'm', 'mm', 'yd'] as const;
export type DistanceUnit = (typeof DISTANCE_UNITS)[number];

export const MASS_UNITS = ['g', 'kg', 'lb', 'oz'] as const;
export type MassUnit = (typeof MASS_UNITS)[number];

export interface Address {
  name: string;
  company?: string;
  street1: string;
  street2?: string;
  city: string;
  state?: string;
  zip: string;
  /** ISO 3166-1 alpha-2 country code, e.g. `US`. */
  country: string;
  phone?: string;
  email?: string;
}

export interface Parcel {
  length: number;
  width: number;
  height: number;
  distanceUnit: DistanceUnit;
  weight: number;
  massUnit: MassUnit;
}

export interface LabelRequest {
  /**
   * Our shipment id. It travels to the carrier as the reference (Shippo's `metadata`), so a
   * retried purchase finds the label it already bought instead of buying a second one.
   */
  reference: string;
  tenantId: string;
  fromAddress: Address;
  toAddress: Address;
  parcel: Parcel;
}

export interface PurchasedLabel {
  /** Carrier (provider) name as the carrier reports it, e.g. `USPS`. */
  carrier: string;
  trackingNumber: string;
  labelUrl: string;
  /** The carrier's own id of the purchase (Shippo's transaction `object_id`). */
  carrierTransactionId: string;
  serviceLevel?: string;
}

/** Which label to void: the purchase `purchaseLabel` answered, for the same reference. */
export interface VoidLabelRequest {
  /** Our shipment id, the reference the label was bought under. */
  reference: string;
  /** The carrier's id of that purchase (`PurchasedLabel.carrierTransactionId`). */
  carrierTransactionId: string;
}

/** Shippo's refund statuses short of ERROR (a refund in ERROR is a refusal, not a refund). */
export const LABEL_REFUND_STATUSES = ['QUEUED', 'PENDING', 'SUCCESS'] as const;
export type LabelRefundStatus = (typeof LABEL_REFUND_STATUSES)[number];

/** A voided label: the carrier's refund of an unused label. */
export interface LabelRefund {
  /** The carrier's id of the refund (Shippo's Refund `object_id`). */
  refundId: string;
  /** The voided label: its `carrierTransactionId`. */
  labelId: string;
  /** QUEUED or PENDING while the carrier confirms it, then SUCCESS. */
  status: LabelRefundStatus;
}

/** Shippo tracking statuses (`TrackingStatus.status` in the spec). */
export const CARRIER_TRACKING_STATUSES = [
  'UNKNOWN',
  'PRE_TRANSIT',
  'TRANSIT',
  'DELIVERED',
  'RETURNED',
  'FAILURE',
] as const;
export type CarrierTrackingStatus = (typeof CARRIER_TRACKING_STATUSES)[number];

/**
 * One tracking update, as the carrier reported it, normalised from Shippo's `track_updated`
 * webhook body. This is the payload of the `carrier.status.updates` event.
 */
export interface CarrierStatusUpdate {
  tenantId: string;
  carrier: string;
  trackingNumber: string;
  status: CarrierTrackingStatus;
  /** Shippo's `substatus.code`, e.g. `out_for_delivery`, when present. */
  substatus?: string;
  statusDetails?: string;
  occurredAt: string;
  location?: string;
  /** Stable id of this update (Shippo's `object_id` of the tracking status) for de-duplication. */
  eventId: string;
}
