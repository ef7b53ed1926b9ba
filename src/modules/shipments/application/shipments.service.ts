import { Injectable } from '@nestjs/common';
import type { CarrierStatusUpdate, LabelRefund } from '../../carriers';
import { TenantTransactions } from '../../tenancy';
import { ShipmentsRepository } from '../adapters/typeorm/shipments.repository';
import type {
  ListShipmentsQuery,
  ShipmentPage,
  ShipmentView,
  StatusUpdateOutcome,
  TrackingEventsByShipment,
  TrackingEventView,
} from '../contracts/shipment.contracts';
import { idsToLookUp } from '../domain/shipment-lookup';
import { shouldApply, statusFromCarrier, type ShipmentStatus } from '../domain/shipment-status';

/** The shipment aggregate's use cases. Every one runs in a tenant transaction. */
@Injectable()
export class ShipmentsService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly repository: ShipmentsRepository,
  ) {}

  /** The status and label id of a shipment (in the caller's tenant), or null. */
  labelOf(id: string): Promise<{ status: ShipmentStatus; labelId: string | null } | null> {
    return this.tx.run((tx) => this.repository.labelOf(tx, id));
  }

  /** Records the shipment CANCELLED with its label's refund (the first one, if cancelled before). */
  recordCancellation(id: string, refund: LabelRefund): Promise<ShipmentView | null> {
    return this.tx.run((tx) => this.repository.markCancelled(tx, id, refund));
  }

  get(id: string): Promise<ShipmentView | null> {
    return this.tx.run((tx) => this.repository.findById(tx, id));
  }

  list(query: ListShipmentsQuery): Promise<ShipmentPage> {
    return this.tx.run((tx) => this.repository.list(tx, query));
  }

  trackingEvents(id: string): Promise<TrackingEventView[]> {
    return this.tx.run((tx) => this.repository.trackingEvents(tx, id));
  }

  /** The events of several shipments (a page of a list) in one transaction and one query. */
  async trackingEventsOf(shipmentIds: readonly string[]): Promise<TrackingEventsByShipment> {
    const ids = idsToLookUp(shipmentIds);
    if (ids.length === 0) return new Map();
    return this.tx.run((tx) => this.repository.trackingEventsOf(tx, ids));
  }

  /**
   * Applies one carrier update: recorded once however often it is delivered (by event id), and
   * applied to the status only when it moves the shipment forward.
   */
  applyCarrierUpdate(update: CarrierStatusUpdate): Promise<StatusUpdateOutcome> {
    return this.tx.runFor(update.tenantId, async (tx) => {
      const shipment = await this.repository.lockByTrackingNumber(tx, update.trackingNumber);
      if (!shipment) return 'unknown_tracking_number';
      const next = statusFromCarrier(update);
      const applies = next !== null && shouldApply(shipment.status, next);
      const inserted = await this.repository.insertTrackingEvent(tx, {
        tenantId: update.tenantId,
        shipmentId: shipment.id,
        eventId: update.eventId,
        status: next ?? shipment.status,
        carrierStatus: update.substatus ? `${update.status}/${update.substatus}` : update.status,
        occurredAt: update.occurredAt,
        location: update.location,
        description: update.statusDetails,
        applied: applies,
      });
      if (!inserted) return 'duplicate';
      if (!applies || next === null) return 'recorded';
      await this.repository.updateStatus(tx, shipment.id, next);
      return 'applied';
    });
  }
}
