import type { LabelRefund, PurchasedLabel } from '../../carriers';
import type { ShipmentRequest } from '../../shipments';

export const CREATE_SHIPMENT_WORKFLOW = 'CreateShipmentWorkflow';

/** The workflow's input: the accepted shipment request (owned by the shipments module). */
export type CreateShipmentInput = ShipmentRequest;

/** A label, or the carrier's reason for refusing one (not worth retrying). */
export type LabelOutcome = { kind: 'purchased'; label: PurchasedLabel } | { kind: 'rejected'; reason: string };

/** The label voided after a later step failed for good, or the carrier's reason for refusing to void it. */
export type VoidOutcome = { kind: 'voided'; refund: LabelRefund } | { kind: 'refused'; reason: string };

/**
 * What `markShipmentFailed` records besides the reason when a step after the purchase failed for
 * good: the label bought (its id), and its refund when the carrier voided it.
 */
export interface LabelCompensation {
  labelId: string;
  refund: LabelRefund | null;
}

export type { CreateShipmentResult } from '../../shipments';

/**
 * The activities of `CreateShipmentWorkflow`. Each one is idempotent: the engine may run it
 * again after a crash or a failure, and a second run changes nothing.
 */
export interface CreateShipmentActivities {
  callShippoApi(input: CreateShipmentInput): Promise<LabelOutcome>;
  saveShipmentToDb(input: CreateShipmentInput, label: PurchasedLabel): Promise<void>;
  publishShipmentCreated(input: CreateShipmentInput, label: PurchasedLabel): Promise<void>;
  queueWelcomeEmail(input: CreateShipmentInput, label: PurchasedLabel): Promise<void>;
  /** Without `compensation`: the carrier refused the request (no label). With it: a later step failed for good. */
  markShipmentFailed(input: CreateShipmentInput, reason: string, compensation?: LabelCompensation): Promise<void>;
  /** Voids the label of a shipment that cannot go on (the compensation of `callShippoApi`). */
  voidLabel(input: CreateShipmentInput, label: PurchasedLabel): Promise<VoidOutcome>;
}

/**
 * The error type of an activity failure that no retry can mend (e.g. the shipment's row breaks
 * a constraint). Engines do not retry it; the workflow compensates (voids the label). On Temporal
 * it is the `type` of a non-retryable ApplicationFailure, on DBOS the error's `name`.
 */
export type PermanentFailureType = 'PermanentActivityError';

/** Thrown by an activity whose failure is permanent (see PermanentFailureType). */
export class PermanentActivityError extends Error {
  override readonly name: PermanentFailureType = 'PermanentActivityError';
}

/**
 * One retry policy for every activity, on every engine (Temporal's names): first retry after
 * 1 s, doubling, never more than a minute apart, and no attempt limit, so a carrier outage of
 * days delays shipments instead of failing them.
 */
export const ACTIVITY_RETRY_POLICY = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 60_000,
  maximumAttempts: Number.POSITIVE_INFINITY,
} as const;

/** `shipment.created` integration event. */
export interface ShipmentCreatedEvent {
  shipmentId: string;
  tenantId: string;
  carrier: string;
  trackingNumber: string;
  labelUrl: string;
  customerEmail: string;
  fromCity: string;
  toCity: string;
  toCountry: string;
  createdAt: string;
}
