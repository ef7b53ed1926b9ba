import { CarrierValidationError, type CarrierPort, type PurchasedLabel } from '../../carriers';
// Type only: the task's contract is its consumer's, and a type import adds no run-time dependency.
import type { EmailTask } from '../../communications';
import { workflowIdFor, type ShipmentRecordsPort } from '../../shipments';
import { QUEUES, TOPICS, type EventLogPort, type TaskQueuePort } from '../../../platform/messaging';
import { permanentSqlState } from '../../../platform/database';
import {
  PermanentActivityError,
  type CreateShipmentActivities,
  type CreateShipmentInput,
  type ShipmentCreatedEvent,
} from '../contracts/create-shipment.contracts';

export interface ActivityDependencies {
  carrier: CarrierPort;
  /** The shipments module's records (SHIPMENT_RECORDS), in its tables. */
  shipments: ShipmentRecordsPort;
  eventLog: EventLogPort;
  taskQueue: TaskQueuePort;
}

const record = (input: CreateShipmentInput) => ({ ...input, workflowId: workflowIdFor(input.shipmentId) });

/**
 * Runs a write of the shipment's row; a statement that can never succeed (a constraint broken,
 * a value out of range) becomes a PermanentActivityError, so the engines stop retrying it and the
 * workflow compensates. The SQLSTATE goes into the reason, the database's own text only to the log.
 */
async function writeRow(what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    const sqlState = permanentSqlState(error);
    if (sqlState === undefined) throw error;
    throw new PermanentActivityError(`${what} failed for good (SQLSTATE ${sqlState})`, { cause: error });
  }
}

/** The activities, built from their dependencies (engine-agnostic; each one idempotent). */
export function createShipmentActivities(deps: ActivityDependencies): CreateShipmentActivities {
  return {
    async callShippoApi(input) {
      try {
        const label = await deps.carrier.purchaseLabel({
          reference: input.shipmentId,
          tenantId: input.tenantId,
          fromAddress: input.fromAddress,
          toAddress: input.toAddress,
          parcel: input.parcel,
        });
        return { kind: 'purchased', label };
      } catch (error) {
        // The carrier refused the request itself: retrying cannot help, so it is a result.
        if (error instanceof CarrierValidationError) return { kind: 'rejected', reason: error.reason };
        throw error;
      }
    },

    async saveShipmentToDb(input, label) {
      await writeRow('recording the shipment', () => deps.shipments.recordLabel(record(input), label));
    },

    async publishShipmentCreated(input, label: PurchasedLabel) {
      const event: ShipmentCreatedEvent = {
        shipmentId: input.shipmentId,
        tenantId: input.tenantId,
        carrier: label.carrier,
        trackingNumber: label.trackingNumber,
        labelUrl: label.labelUrl,
        customerEmail: input.customerEmail,
        fromCity: input.fromAddress.city,
        toCity: input.toAddress.city,
        toCountry: input.toAddress.country,
        createdAt: input.requestedAt,
      };
      // Consumers de-duplicate on event-id, so a retried publish is harmless.
      await deps.eventLog.publish(TOPICS.shipmentCreated, {
        key: input.shipmentId,
        payload: event,
        headers: { 'tenant-id': input.tenantId, 'event-id': `shipment.created:${input.shipmentId}` },
      });
    },

    async queueWelcomeEmail(input, label) {
      const task: EmailTask = {
        tenantId: input.tenantId,
        shipmentId: input.shipmentId,
        template: 'welcome',
        to: input.customerEmail,
        variables: { trackingNumber: label.trackingNumber, carrier: label.carrier, labelUrl: label.labelUrl },
      };
      await deps.taskQueue.enqueue(
        QUEUES.emailSend,
        { payload: task, headers: { 'tenant-id': input.tenantId } },
        { dedupeKey: `welcome:${input.shipmentId}` },
      );
    },

    async markShipmentFailed(input, reason, compensation) {
      await writeRow('recording the failed shipment', () => deps.shipments.recordFailure(record(input), reason, compensation));
    },

    async voidLabel(input, label) {
      try {
        const refund = await deps.carrier.voidLabel({ reference: input.shipmentId, carrierTransactionId: label.carrierTransactionId });
        return { kind: 'voided', refund };
      } catch (error) {
        // The carrier refuses to void it (e.g. already scanned): retrying cannot help either.
        if (error instanceof CarrierValidationError) return { kind: 'refused', reason: error.reason };
        throw error;
      }
    },
  };
}
