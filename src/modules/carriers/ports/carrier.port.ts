import type { LabelRefund, LabelRequest, PurchasedLabel, VoidLabelRequest } from '../contracts/carrier.types';

export const CARRIER = Symbol('CARRIER');

export interface CarrierPort {
  /** Adapter name for the start-up log: `sandbox` or `shippo`. */
  readonly adapterName: string;
  /** Ends what the adapter has in flight (the sandbox's pending purchases and journeys); the same for every adapter. */
  stop(): Promise<void>;
  /**
   * Buys one label for `request.reference`. Idempotent per reference: calling again for the same
   * reference returns the label already bought. Throws `CarrierValidationError` for input the
   * carrier rejects and `CarrierUnavailableError` for anything worth retrying.
   */
  purchaseLabel(request: LabelRequest): Promise<PurchasedLabel>;
  /**
   * Voids an unused label (asks the carrier for a refund). Idempotent per label: voiding it again
   * returns the refund already made. Throws `CarrierValidationError` when the carrier refuses
   * (a label it does not know, one already in its network, a rejected refund) and
   * `CarrierUnavailableError` for anything worth retrying.
   */
  voidLabel(request: VoidLabelRequest): Promise<LabelRefund>;
}

/** Where the sandbox carrier sends the tracking updates of the journeys it plays. */
export interface TrackingUpdateSink {
  /** Takes a Shippo `track_updated` webhook body, exactly as the webhook endpoint would. */
  deliverTrackUpdated(tenantId: string, body: unknown): Promise<void>;
}
