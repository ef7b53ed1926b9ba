import type { LabelRefund, PurchasedLabel } from '../../carriers';
import type { NewShipmentRecord } from '../contracts/shipment.contracts';

/**
 * What the workflow's activities write of a shipment: its bought label, or its failure. Offered by
 * the shipments module, which owns the table (ShipmentRecordsModule), so the workflow worker
 * records a shipment through this port in the shipments module's tables, in the tenant's
 * transaction, without the rest of the module (its API, its consumers) in the worker's process
 * (ADR 0042).
 */
export interface ShipmentRecordsPort {
  /** Records the shipment with its label; a second record of the same shipment is a unique violation. */
  recordLabel(record: NewShipmentRecord, label: PurchasedLabel): Promise<void>;
  /**
   * Records the shipment as FAILED. Without `compensation` (the carrier refused the request) a
   * shipment already recorded stays as it is; with it (a later step failed for good, the label
   * `labelId` voided or not) the shipment becomes FAILED even if it was recorded meanwhile.
   */
  recordFailure(record: NewShipmentRecord, reason: string, compensation?: { labelId: string; refund: LabelRefund | null }): Promise<void>;
}

export const SHIPMENT_RECORDS = Symbol('SHIPMENT_RECORDS');
