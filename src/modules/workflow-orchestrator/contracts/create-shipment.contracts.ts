import type { PurchasedLabel } from '../../carriers';
import type { ShipmentRequest } from '../../shipments';

export const CREATE_SHIPMENT_WORKFLOW = 'CreateShipmentWorkflow';

/** The workflow's input: the accepted shipment request (owned by the shipments module). */
export type CreateShipmentInput = ShipmentRequest;

/** A label, or the carrier's reason for refusing one (not worth retrying). */
export type LabelOutcome = { kind: 'purchased'; label: PurchasedLabel } | { kind: 'rejected'; reason: string };

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
  markShipmentFailed(input: CreateShipmentInput, reason: string): Promise<void>;
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

/** `tasks.email.send` task. */
export interface EmailTask {
  tenantId: string;
  shipmentId: string;
  template: 'welcome';
  to: string;
  variables: Record<string, string>;
}
